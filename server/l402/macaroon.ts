// Macaroons in the V2 binary format of libmacaroons and gopkg.in/macaroon.v2 (Aperture's library),
// first-party caveats only. Written by hand because npm `macaroon` 3.0.4's exportBinary is broken
// (ByteBuffer._grow reads a `_capacity` field that never exists, so every append doubles the
// buffer); that package's importer and verifier work and serve as oracles in the tests.
//
// Layout: version byte 2 | [location] identifier EOS | ([location] identifier [vid] EOS)* | EOS | signature
// where each field is: type varint | length varint | data, and EOS is the single byte 0.
// Signature: HMAC-SHA256 chain keyed by HMAC-SHA256("macaroons-key-generator", rootKey).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { L402FormatError } from './errors.js';

const MACAROON_VERSION_V2 = 2;
const FIELD_EOS = 0;
const FIELD_LOCATION = 1;
const FIELD_IDENTIFIER = 2;
const FIELD_VID = 4;
const FIELD_SIGNATURE = 6;
const SIGNATURE_BYTES = 32;

// Same constant as libmacaroons, Go and npm `macaroon`: it turns any root key into a 32-byte key.
const KEY_GENERATOR = Buffer.from('macaroons-key-generator', 'utf8');

/** Bounds that keep a hostile macaroon cheap to reject; ours are about 240 bytes. */
export const MACAROON_LIMITS = {
  totalBytes: 4096,
  fieldBytes: 1024,
  caveats: 32,
} as const;

/** Buffers from parseMacaroon are views into the bytes it was given, not copies. */
export interface ParsedMacaroon {
  /** '' when the location field is absent (Go omits an empty one) */
  location: string;
  identifier: Buffer;
  /** raw first-party caveat identifiers, in signing order */
  caveats: Buffer[];
  signature: Buffer;
}

export interface MintMacaroonInput {
  rootKey: Uint8Array;
  identifier: Uint8Array;
  location: string;
  caveats: ReadonlyArray<string | Uint8Array>;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function hmac(key: Uint8Array, data: Uint8Array): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

// The server verifies with one long-lived root key: deriving it once saves one HMAC in six.
// One entry, compared by content against a private copy, so a caller's buffer can change freely.
// (Both sides of the compare are server secrets, never attacker input: no timing concern.)
let cachedRootKey: Buffer | null = null;
let cachedDerivedKey: Buffer | null = null;

function derivedKey(rootKey: Uint8Array): Buffer {
  if (cachedRootKey !== null && cachedDerivedKey !== null && cachedRootKey.equals(rootKey)) return cachedDerivedKey;
  const derived = hmac(KEY_GENERATOR, rootKey);
  cachedRootKey = Buffer.from(rootKey);
  cachedDerivedKey = derived;
  return derived;
}

/** The signature a macaroon must carry: identifier first, then each caveat in order. */
export function computeSignature(rootKey: Uint8Array, identifier: Uint8Array, caveats: ReadonlyArray<Uint8Array>): Buffer {
  let signature = hmac(derivedKey(rootKey), identifier);
  for (const caveat of caveats) signature = hmac(signature, caveat);
  return signature;
}

/** Constant-time check of the HMAC chain against the root key. */
export function verifySignature(parsed: ParsedMacaroon, rootKey: Uint8Array): boolean {
  const expected = computeSignature(rootKey, parsed.identifier, parsed.caveats);
  return parsed.signature.length === expected.length && timingSafeEqual(parsed.signature, expected);
}

export function mintMacaroon(input: MintMacaroonInput): Buffer {
  const caveats = input.caveats.map((c) => (typeof c === 'string' ? Buffer.from(c, 'utf8') : Buffer.from(c)));
  const identifier = Buffer.from(input.identifier);
  return serializeMacaroon({
    location: input.location,
    identifier,
    caveats,
    signature: computeSignature(input.rootKey, identifier, caveats),
  });
}

/** V2 binary bytes of a first-party-only macaroon, exactly as Go's MarshalBinary writes them. */
export function serializeMacaroon(m: ParsedMacaroon): Buffer {
  const location = Buffer.from(m.location, 'utf8');
  assertFieldSize(location.length, 'location');
  assertFieldSize(m.identifier.length, 'identifier');
  if (m.caveats.length > MACAROON_LIMITS.caveats) throw new L402FormatError('oversize', 'too many caveats');
  if (m.signature.length !== SIGNATURE_BYTES) throw new L402FormatError('bad_field', 'signature must be 32 bytes');
  const parts: Buffer[] = [Buffer.of(MACAROON_VERSION_V2)];
  if (location.length > 0) parts.push(field(FIELD_LOCATION, location));
  parts.push(field(FIELD_IDENTIFIER, m.identifier), Buffer.of(FIELD_EOS));
  for (const caveat of m.caveats) {
    assertFieldSize(caveat.length, 'caveat');
    parts.push(field(FIELD_IDENTIFIER, caveat), Buffer.of(FIELD_EOS));
  }
  parts.push(Buffer.of(FIELD_EOS), field(FIELD_SIGNATURE, m.signature));
  const bytes = Buffer.concat(parts);
  if (bytes.length > MACAROON_LIMITS.totalBytes) throw new L402FormatError('oversize', 'macaroon too large');
  return bytes;
}

function assertFieldSize(length: number, what: string): void {
  if (length > MACAROON_LIMITS.fieldBytes) throw new L402FormatError('oversize', `${what} too large`);
}

function field(type: number, data: Uint8Array): Buffer {
  return Buffer.concat([Buffer.of(type), encodeVarint(data.length), data]);
}

function encodeVarint(value: number): Buffer {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest & 0x7f) | 0x80);
    rest >>>= 7;
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}

/**
 * Strict V2 parser: the exact layout above, canonical varints, bounded sizes, nothing after the
 * signature. Throws L402FormatError; third-party caveats are read, then refused.
 */
export function parseMacaroon(bytes: Uint8Array): ParsedMacaroon {
  if (bytes.length > MACAROON_LIMITS.totalBytes) throw new L402FormatError('oversize', 'macaroon too large');
  const reader = new FieldReader(bytes);
  const version = reader.byte();
  if (version !== MACAROON_VERSION_V2) throw new L402FormatError('bad_version', 'not a V2 binary macaroon');

  const header = reader.section();
  const location = header.location === null ? '' : decodeUtf8(header.location, 'location');
  if (header.identifier === null || header.vid !== null) {
    throw new L402FormatError('bad_field', 'macaroon header must hold [location] identifier');
  }

  const caveats: Buffer[] = [];
  while (reader.peekType() !== FIELD_EOS) {
    const caveat = reader.section();
    if (caveat.identifier === null) throw new L402FormatError('bad_field', 'caveat without identifier');
    if (caveat.vid !== null || caveat.location !== null) {
      throw new L402FormatError('third_party_caveat', 'third-party caveats are not accepted');
    }
    if (caveats.length === MACAROON_LIMITS.caveats) throw new L402FormatError('oversize', 'too many caveats');
    caveats.push(caveat.identifier);
  }
  reader.byte(); // the EOS closing the caveat list

  const signature = reader.field(FIELD_SIGNATURE);
  if (signature.length !== SIGNATURE_BYTES) throw new L402FormatError('bad_field', 'signature must be 32 bytes');
  if (!reader.atEnd()) throw new L402FormatError('trailing_bytes', 'bytes after the signature');
  return { location, identifier: header.identifier, caveats, signature };
}

function decodeUtf8(bytes: Buffer, what: string): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new L402FormatError('bad_utf8', `${what} is not UTF-8`);
  }
}

interface Section {
  location: Buffer | null;
  identifier: Buffer | null;
  vid: Buffer | null;
}

class FieldReader {
  private offset = 0;
  private readonly buf: Buffer;

  constructor(bytes: Uint8Array) {
    this.buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  atEnd(): boolean {
    return this.offset === this.buf.length;
  }

  byte(): number {
    const b = this.buf[this.offset];
    if (b === undefined) throw new L402FormatError('truncated', `truncated at byte ${this.offset}`);
    this.offset++;
    return b;
  }

  peekType(): number {
    const b = this.buf[this.offset];
    if (b === undefined) throw new L402FormatError('truncated', `truncated at byte ${this.offset}`);
    return b;
  }

  /** Canonical (shortest-form) unsigned LEB128, at most 5 bytes. */
  varint(): number {
    let value = 0;
    for (let i = 0; i < 5; i++) {
      const b = this.byte();
      value += (b & 0x7f) * 2 ** (7 * i);
      if (b < 0x80) {
        if (b === 0 && i > 0) throw new L402FormatError('bad_varint', 'non-canonical varint');
        return value;
      }
    }
    throw new L402FormatError('bad_varint', 'varint too long');
  }

  /** One field of the expected type; EOS carries no length. */
  field(expectedType: number): Buffer {
    const type = this.varint();
    if (type !== expectedType) throw new L402FormatError('bad_field', `field type ${type}, expected ${expectedType}`);
    return this.data();
  }

  private data(): Buffer {
    const length = this.varint();
    if (length > MACAROON_LIMITS.fieldBytes) throw new L402FormatError('oversize', 'field too large');
    if (length > this.buf.length - this.offset) throw new L402FormatError('truncated', 'field data past the end');
    const out = this.buf.subarray(this.offset, this.offset + length);
    this.offset += length;
    return out;
  }

  /** Fields up to EOS, each known type at most once and in ascending order (as Go requires). */
  section(): Section {
    const section: Section = { location: null, identifier: null, vid: null };
    let previousType = FIELD_EOS;
    for (;;) {
      const type = this.varint();
      if (type === FIELD_EOS) return section;
      if (type <= previousType) throw new L402FormatError('bad_field', 'fields out of order');
      previousType = type;
      if (type === FIELD_LOCATION) section.location = this.data();
      else if (type === FIELD_IDENTIFIER) section.identifier = this.data();
      else if (type === FIELD_VID) section.vid = this.data();
      else throw new L402FormatError('bad_field', `unexpected field type ${type}`);
    }
  }
}
