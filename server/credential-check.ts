// Checks the credentials a paid request carries without taking anything: an unknown token or an
// invalid L402 credential is a 401 even where the call itself could not go on (an API without its
// upstream key answers 503 upstream_not_configured, but only to a request whose credentials hold).
import { AppError, invalidL402 } from './errors.js';
import { verifyCredential } from './l402/mint.js';
import { findAccountByTokenHash, hashToken, type Ledger } from './ledger/index.js';
import type { Credentials } from './payments/gate.js';

export interface CheckedAction {
  api: string;
  /** `<METHOD> <public path>`, as the credential binds it */
  endpoint: string;
  priceMsat: bigint;
}

export type CredentialCheck = (creds: Credentials, action: CheckedAction) => Promise<void>;

export function createCredentialCheck(deps: { ledger: Ledger; rootKey: Buffer; now: () => number }): CredentialCheck {
  return async (creds, action) => {
    if (creds.token !== null && !(await findAccountByTokenHash(deps.ledger.db, hashToken(creds.token)))) {
      throw new AppError('invalid_token', 'Unknown token.');
    }
    if (creds.l402) {
      const verdict = verifyCredential({ rootKey: deps.rootKey, macaroon: creds.l402.macaroon, preimage: creds.l402.preimage, ...action, now: deps.now() });
      if (!verdict.ok) throw invalidL402('The L402 credential is not valid for this request.');
    }
  };
}
