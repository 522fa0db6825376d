// Everything the marketplace needs comes in here, the clock included, so tests are deterministic.
import type { Ledger } from '../ledger/index.js';
import type { WalletBackend } from '../lightning/backend.js';
import type { PaymentGate } from '../payments/gate.js';
import type { ReserveAhead } from '../payments/reserve-ahead.js';
import type { Db } from '../store/index.js';
import type { HireRules } from './rules.js';

export interface HireDeps {
  /** the store, for the marketplace's own tables (tasks, quotes, messages, payouts) */
  db: Db;
  ledger: Ledger;
  wallet: WalletBackend;
  /** fees are paid through the one payment gate, inside the transaction that creates the task or quote */
  gate: Pick<PaymentGate, 'identify' | 'chargeInTx' | 'challenge'>;
  rules: HireRules;
  /** Unix seconds */
  now(): number;
  log?: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
  /** a wallet call failed or left a payout's outcome unknown (the wallet-errors metric) */
  onWalletError?: (operation: string) => void;
  /** holds a token's calls took ahead on this instance: given back before a payout or a balance shown */
  reserveAhead?: Pick<ReserveAhead, 'giveBackFor'>;
}
