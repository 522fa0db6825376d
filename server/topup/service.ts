// Top-ups: buy a new token or refill one with a Lightning invoice. Crediting happens
// exactly once whichever of webhook, status poll and claim comes first, on any instance.
import { createHash } from 'node:crypto';
import { msatToSats, satsToMsat } from '../../contract/money.js';
import { AppError } from '../errors.js';
import { createUserAccount, findAccountByTokenHash, getBalance, hashToken, newToken, postJournal, type Ledger } from '../ledger/index.js';
import { WalletUnavailableError, type WalletBackend } from '../lightning/backend.js';
import type { RateLimiter } from '../ratelimit.js';
import type { Queryable } from '../store/index.js';
import { findTopup, insertTopup, listPendingHashes, markExpired, markPaid, takeClaim, takeCredit, type TopupRow } from './store.js';

export interface TopupDeps {
  ledger: Ledger;
  wallet: WalletBackend;
  now: () => number;
  limits: { minSats: number; maxSats: number; expirySeconds: number };
  webhookUrl: () => string | undefined;
  limiter?: RateLimiter;
  onWalletError?: (operation: string) => void;
}

export interface CreatedTopup {
  invoice: string;
  payment_hash: string;
  amount_sats: number;
  expires_at: number;
}

/** A refill claimed without its token in the request answers only `credited_sats`. */
export interface ClaimedTopup {
  token?: string;
  balance_sats?: number;
  credited_sats: number;
}

export type TopupStatus = 'pending' | 'paid' | 'expired';

const HEX64 = /^[0-9a-fA-F]{64}$/;

export function createTopupService(deps: TopupDeps) {
  const { ledger, wallet } = deps;
  const db = ledger.db;

  /** Credits a paid invoice to `accountId` unless it was credited before; inside a transaction. */
  async function creditOnce(q: Queryable, row: TopupRow, accountId: bigint): Promise<boolean> {
    const taken = await takeCredit(q, row.payment_hash, accountId);
    if (!taken) return false;
    await postJournal(q, {
      kind: 'deposit',
      ref: row.payment_hash,
      lines: [
        { accountId: ledger.sys.lightning, amountMsat: -row.amount_msat },
        { accountId, amountMsat: row.amount_msat },
      ],
    });
    return true;
  }

  /** The wallet says the invoice is paid: mark it, and credit a refill. Idempotent. */
  async function recordPaid(paymentHash: string): Promise<void> {
    await db.tx(async (q) => {
      const row = await findTopup(q, paymentHash);
      if (!row) return;
      await markPaid(q, paymentHash);
      if (row.account_id !== null && !row.credited) await creditOnce(q, row, row.account_id);
    });
  }

  async function walletCall<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof WalletUnavailableError) {
        deps.onWalletError?.(operation);
        throw new AppError('topup_unavailable', 'The Lightning node cannot be reached right now; try again shortly.');
      }
      throw err;
    }
  }

  return {
    /**
     * A signed webhook says an invoice was paid: the wallet confirms it before anything is
     * credited, so a leaked webhook secret cannot mint balance. An unreachable wallet leaves it
     * to the background poll.
     */
    async onPaymentNotice(paymentHash: string): Promise<void> {
      const inv = await wallet.getInvoice(paymentHash).catch(() => null);
      if (inv?.isPaid) await recordPaid(paymentHash);
    },

    async create(p: { amountSats: number; token: string | null; client: string }): Promise<CreatedTopup> {
      const { minSats, maxSats, expirySeconds } = deps.limits;
      if (p.amountSats < minSats || p.amountSats > maxSats) {
        throw new AppError('invalid_field_value', `amount_sats must be from ${minSats} to ${maxSats}`, { field: 'amount_sats' });
      }
      let accountId: bigint | null = null;
      if (p.token !== null) {
        const acct = await findAccountByTokenHash(db, hashToken(p.token));
        if (!acct) throw new AppError('invalid_token', 'Unknown token.');
        accountId = acct.id;
      }
      await deps.limiter?.check('invoice', p.client);
      const amountMsat = satsToMsat(p.amountSats);
      const webhookUrl = deps.webhookUrl();
      const inv = await walletCall('createInvoice', () =>
        wallet.createInvoice({
          amountMsat,
          description: accountId === null ? `alittlebitofmoney top-up ${p.amountSats} sats` : `alittlebitofmoney refill ${p.amountSats} sats`,
          expirySeconds,
          externalId: 'topup',
          ...(webhookUrl ? { webhookUrl } : {}),
        }),
      );
      await insertTopup(db, { paymentHash: inv.paymentHash, amountMsat, accountId, bolt11: inv.bolt11, expiresAt: inv.expiresAt });
      return { invoice: inv.bolt11, payment_hash: inv.paymentHash, amount_sats: p.amountSats, expires_at: inv.expiresAt };
    },

    async claim(p: { preimage: string; token: string | null }): Promise<ClaimedTopup> {
      if (!HEX64.test(p.preimage)) throw new AppError('invalid_payment', 'preimage must be 64 hex characters.');
      const paymentHash = createHash('sha256').update(Buffer.from(p.preimage, 'hex')).digest('hex');
      const row = await findTopup(db, paymentHash);
      if (!row) throw new AppError('invalid_payment', 'No top-up invoice has this preimage.');
      if (row.claimed) throw new AppError('payment_already_used', 'This payment was already claimed.');

      let requester: bigint | null = null;
      if (p.token !== null) {
        const acct = await findAccountByTokenHash(db, hashToken(p.token));
        if (!acct) throw new AppError('invalid_token', 'Unknown token.');
        requester = acct.id;
      }
      if (row.account_id !== null && requester !== null && requester !== row.account_id) {
        throw new AppError('forbidden', 'This payment refills another token.');
      }
      if (row.state !== 'paid') {
        const inv = await walletCall('getInvoice', () => wallet.getInvoice(paymentHash));
        if (!inv?.isPaid) throw new AppError('invalid_payment', 'This invoice is not paid yet.');
      }

      return db.tx(async (q) => {
        const taken = await takeClaim(q, paymentHash);
        if (!taken) throw new AppError('payment_already_used', 'This payment was already claimed.');
        let token: string | undefined;
        let accountId = taken.account_id ?? taken.credited_account_id;
        if (accountId === null) {
          token = newToken();
          accountId = (await createUserAccount(q, hashToken(token))).id;
        }
        await creditOnce(q, taken, accountId);
        const credited_sats = msatToSats(taken.amount_msat);
        // Every node on the route learns a preimage: a refill claim shows the token and its balance
        // only to a request that carries that token itself.
        if (token === undefined && p.token !== null && requester === accountId) token = p.token;
        if (token === undefined) return { credited_sats };
        return { token, balance_sats: msatToSats(await getBalance(q, accountId)), credited_sats };
      });
    },

    async status(paymentHash: string) {
      if (!HEX64.test(paymentHash)) throw new AppError('invalid_payment', 'A payment hash is 64 hex characters.');
      const hash = paymentHash.toLowerCase();
      let row = await findTopup(db, hash);
      if (!row) throw new AppError('not_found', 'No top-up invoice has this payment hash.');
      if (row.state !== 'paid') {
        // A wallet that never shows a preimage learns of its payment here.
        const inv = await wallet.getInvoice(hash).catch(() => null);
        if (inv?.isPaid) {
          await recordPaid(hash);
          row = (await findTopup(db, hash)) ?? row;
        }
      }
      const expired = row.state === 'expired' || (row.state === 'pending' && Number(row.expires_at) < deps.now());
      const status: TopupStatus = row.state === 'paid' ? 'paid' : expired ? 'expired' : 'pending';
      return {
        status,
        payment_hash: hash,
        amount_sats: msatToSats(row.amount_msat),
        expires_at: Number(row.expires_at),
        refill: row.account_id !== null,
        credited: row.credited,
        claimed: row.claimed,
      };
    },

    async balance(token: string) {
      const acct = await findAccountByTokenHash(db, hashToken(token));
      if (!acct) throw new AppError('invalid_token', 'Unknown token.');
      return { balance_sats: msatToSats(acct.balanceMsat), balance_msat: Number(acct.balanceMsat) };
    },

    /** One pass of the background poll: learns of payments a lost webhook did not tell. */
    async pollPending(limit = 100): Promise<number> {
      const now = deps.now();
      await markExpired(db, now);
      let paid = 0;
      for (const hash of await listPendingHashes(db, now, limit)) {
        const inv = await wallet.getInvoice(hash).catch(() => null);
        if (inv?.isPaid) {
          await recordPaid(hash);
          paid++;
        }
      }
      return paid;
    },
  };
}

export type TopupService = ReturnType<typeof createTopupService>;
