// The one error type the pure L402 parsers throw; mint.ts turns it into a `malformed` verdict.

export type L402FormatErrorCode =
  | 'truncated'
  | 'trailing_bytes'
  | 'bad_version'
  | 'bad_varint'
  | 'bad_field'
  | 'oversize'
  | 'bad_utf8'
  | 'third_party_caveat'
  | 'bad_identifier';

export class L402FormatError extends Error {
  override name = 'L402FormatError';
  constructor(
    readonly code: L402FormatErrorCode,
    message: string,
  ) {
    // messages name positions and sizes only, never key material or credential bytes
    super(message);
  }
}
