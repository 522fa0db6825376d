// Everything the marketplace needs comes in here, the clock included, so tests are deterministic.
import type { AppError } from '../errors.js';
import type { Ledger } from '../ledger/index.js';
import type { WalletBackend } from '../lightning/backend.js';
import type { PaidAction } from '../payments/gate.js';
import type { HireRules } from './rules.js';

export interface HireDeps {
  ledger: Ledger;
  wallet: WalletBackend;
  /** the payment gate's 402 builder: a fresh invoice and an L402 macaroon bound to the action */
  challenge(action: PaidAction, client: string, extra?: Record<string, unknown>): Promise<AppError>;
  /** verifies L402 credentials (the macaroons the challenge minted) */
  rootKey: Buffer;
  rules: HireRules;
  /** Unix seconds */
  now(): number;
  log?: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
}
