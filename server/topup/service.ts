// Top-ups: buy a new token or refill one with a Lightning invoice. Crediting happens
// exactly once whichever of webhook, status poll and claim comes first, on any instance.
import { createHash, timingSafeEqual } from 'node:crypto';
import { msatToSats, satsToMsat } from '../../contract/money.js';
import { AppError, invalidToken } from '../errors.js';
import { createUserAccount, findAccountByTokenHash, getBalance, hashToken, newToken, postJournal, rekeyAccount, sweepRevoked, tokenRefusalOf, type Ledger } from '../ledger/index.js';
import { WalletUnavailableError, type WalletBackend } from '../lightning/backend.js';
import type { RateLimiter } from '../ratelimit.js';
import type { ReserveAhead } from '../payments/reserve-ahead.js';
import type { Db, Queryable } from '../store/index.js';
import { isClaimSecret, newClaimSecret, tokenFromClaimSecret } from './claim-secret.js';
import { findTopup, insertTopup, listPendingHashes, lockTopup, markClaimed, markExpired, markPaid, takeClaim, takeCredit, type TopupRow } from './store.js';

export interface TopupDeps {
  db: Db;
  ledger: Ledger;
  wallet: WalletBackend;
  now: () => number;
  limits: { minSats: number; maxSats: number; expirySeconds: number };
  webhookUrl: () => string | undefined;
  limiter?: RateLimiter;
  onWalletError?: (operation: string) => void;
  /** holds this instance took ahead and keeps unused (ABL_RESERVE_AHEAD): part of the balances it shows */
  reserveAhead?: Pick<ReserveAhead, 'readShown' | 'giveBackFor'>;
}

export interface CreatedTopup {
  invoice: string;
  payment_hash: string;
  amount_sats: number;
  expires_at: number;
  /** new tokens only, to the requester only: redeems the token without the preimage, repeatably */
  claim_secret?: string;
}

/** A refill claimed without its token in the request answers only `credited_sats`. */
export interface ClaimedTopup {
  token?: string;
  balance_sats?: number;
  credited_sats: number;
}

export type TopupStatus = 'pending' | 'paid' | 'expired';

const HEX64 = /^[0-9a-fA-F]{64}$/;
const sha256Hex = (preimageHex: string): string => createHash('sha256').update(Buffer.from(preimageHex, 'hex')).digest('hex');

export function createTopupService(deps: TopupDeps) {
  const { ledger, wallet } = deps;
  const { db } = deps;
  /** A token's balance as its holder is shown it: the account `read` finds, plus what this instance holds for it, as of one moment (null: none found). */
  async function shownBalanceMsat(tokenHash: Buffer, read: () => Promise<{ id: bigint; balanceMsat: bigint } | null>): Promise<bigint | null> {
    const found = deps.reserveAhead ? await deps.reserveAhead.readShown(tokenHash, read) : await read().then((account) => account && { shownMsat: account.balanceMsat });
    return found?.shownMsat ?? null;
  }
  /** The balance a claim answers once it committed: of the account it credited, by id (the claim stands whatever became of the token meanwhile). */
  async function claimedBalanceSats(token: string, accountId: bigint): Promise<number> {
    const shown = await shownBalanceMsat(hashToken(token), async () => ({ id: accountId, balanceMsat: await getBalance(db, accountId) }));
    if (shown === null) throw new Error(`account ${accountId} has no balance to show`); // getBalance throws first: accounts are never deleted
    return msatToSats(shown);
  }

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
    // an invoice of a child token revoked before it was paid: its parent has the child's money
    await sweepRevoked(q, [accountId]);
    return true;
  }

  /**
   * Credits a paid new-token invoice to the account of the token its claim secret derives,
   * creating that account; returns its id, or null when the invoice was credited before. The
   * row lock makes the check and the account creation one step on any number of instances.
   */
  async function creditClaimToken(q: Queryable, paymentHash: string): Promise<bigint | null> {
    const row = await lockTopup(q, paymentHash);
    if (!row || row.credited || row.account_id !== null || row.claim_token_hash === null) return null;
    const account = await createUserAccount(q, row.claim_token_hash);
    return (await creditOnce(q, row, account.id)) ? account.id : null;
  }

  /** The wallet says the invoice is paid: mark it, and credit a refill or a claim-secret-only new token. Idempotent. */
  async function recordPaid(paymentHash: string): Promise<void> {
    await db.tx(async (q) => {
      const row = await findTopup(q, paymentHash);
      if (!row) return;
      await markPaid(q, paymentHash);
      if (row.credited) return;
      if (row.account_id !== null) await creditOnce(q, row, row.account_id);
      else if (row.claim_secret_only) await creditClaimToken(q, paymentHash);
    });
  }

  /** Paid according to the row or, when the row does not know yet, the wallet (which then records it). */
  async function ensurePaid(row: TopupRow): Promise<void> {
    if (row.state === 'paid') return;
    const inv = await walletCall('getInvoice', () => wallet.getInvoice(row.payment_hash));
    if (inv?.isPaid) return recordPaid(row.payment_hash);
    if (row.state === 'expired' || Number(row.expires_at) < deps.now()) throw new AppError('invalid_payment', 'This invoice expired unpaid.');
    throw new AppError('invalid_payment', 'This invoice is not paid yet.');
  }

  /** The request's token is the one this new-token invoice's claim secret derives. */
  const ownsClaimToken = (row: TopupRow, token: string | null): boolean =>
    token !== null && row.claim_token_hash !== null && timingSafeEqual(hashToken(token), row.claim_token_hash);

  /**
   * Redeems a new-token invoice with its claim secret: creates and credits the token once paid
   * (if nothing did yet) and answers it, every time it is asked. An invoice claimed first with its
   * preimage made an account of its own token, whose answer may have been lost (a dropped
   * connection, a crash) or taken by whoever else learned the preimage: the secret, which only the
   * requester has, moves that account to its own token, and the preimage's token opens nothing.
   */
  async function claimWithSecret(p: { paymentHash: string; claimSecret: string }): Promise<ClaimedTopup> {
    const refused = new AppError('invalid_payment', 'This claim secret does not redeem this invoice.');
    if (!isClaimSecret(p.claimSecret)) throw new AppError('invalid_payment', 'claim_secret is not one this server gives out.');
    const row = await findTopup(db, p.paymentHash);
    const token = tokenFromClaimSecret(p.claimSecret);
    if (!row || !ownsClaimToken(row, token)) throw refused;
    await ensurePaid(row);
    const { accountId, rekeyed } = await db.tx(async (q) => {
      await creditClaimToken(q, p.paymentHash);
      await markClaimed(q, p.paymentHash);
      const account = await findAccountByTokenHash(q, hashToken(token), deps.now());
      const credited = (await findTopup(q, p.paymentHash))?.credited_account_id ?? null;
      if (account && credited === account.id) return { accountId: account.id, rekeyed: false };
      if (!account && credited !== null && (await rekeyAccount(q, credited, hashToken(token)))) return { accountId: credited, rekeyed: true };
      throw new AppError('payment_already_used', 'This invoice was already claimed with its preimage.');
    });
    // holds this instance reserved ahead for the preimage's token go back: it spends nothing more
    if (rekeyed) await deps.reserveAhead?.giveBackFor(accountId);
    return { token, balance_sats: await claimedBalanceSats(token, accountId), credited_sats: msatToSats(row.amount_msat) };
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

    /**
     * A new top-up invoice. A new-token invoice answers a claim secret; `claimSecretOnly` makes
     * that secret the only way to its token (a preimage claim then credits without showing it).
     */
    async create(p: { amountSats: number; token: string | null; client: string; claimSecretOnly?: boolean }): Promise<CreatedTopup> {
      const { minSats, maxSats, expirySeconds } = deps.limits;
      if (p.amountSats < minSats || p.amountSats > maxSats) {
        throw new AppError('invalid_field_value', `amount_sats must be from ${minSats} to ${maxSats}`, { field: 'amount_sats' });
      }
      let accountId: bigint | null = null;
      if (p.token !== null) {
        const acct = await findAccountByTokenHash(db, hashToken(p.token), deps.now());
        if (!acct) throw invalidToken(await tokenRefusalOf(db, hashToken(p.token)));
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
      const claimSecret = accountId === null ? newClaimSecret() : null;
      await insertTopup(db, {
        paymentHash: inv.paymentHash,
        amountMsat,
        accountId,
        bolt11: inv.bolt11,
        expiresAt: inv.expiresAt,
        claimTokenHash: claimSecret === null ? null : hashToken(tokenFromClaimSecret(claimSecret)),
        claimSecretOnly: claimSecret !== null && p.claimSecretOnly === true,
      });
      return {
        invoice: inv.bolt11,
        payment_hash: inv.paymentHash,
        amount_sats: p.amountSats,
        expires_at: inv.expiresAt,
        ...(claimSecret === null ? {} : { claim_secret: claimSecret }),
      };
    },

    /**
     * Claims a paid invoice: with its preimage (the seed's flow: the first claim takes it, later
     * ones are 409), or a new token with `paymentHash` + `claimSecret` (repeatable, no preimage).
     */
    async claim(p: { preimage?: string | undefined; paymentHash?: string | undefined; claimSecret?: string | undefined; token: string | null }): Promise<ClaimedTopup> {
      if (p.claimSecret !== undefined) {
        const hash = p.paymentHash ?? (p.preimage !== undefined && HEX64.test(p.preimage) ? sha256Hex(p.preimage) : undefined);
        if (hash === undefined) throw new AppError('missing_required_field', 'A claim with claim_secret names its invoice: payment_hash.', { field: 'payment_hash' });
        if (!HEX64.test(hash)) throw new AppError('invalid_payment', 'payment_hash must be 64 hex characters.');
        return claimWithSecret({ paymentHash: hash.toLowerCase(), claimSecret: p.claimSecret });
      }
      if (p.preimage === undefined) throw new AppError('missing_required_field', 'preimage is required (or payment_hash with claim_secret).', { field: 'preimage' });
      if (!HEX64.test(p.preimage)) throw new AppError('invalid_payment', 'preimage must be 64 hex characters.');
      const paymentHash = sha256Hex(p.preimage);
      const row = await findTopup(db, paymentHash);
      if (!row) throw new AppError('invalid_payment', 'No top-up invoice has this preimage.');
      if (row.claimed) throw new AppError('payment_already_used', 'This payment was already claimed.');

      let requester: bigint | null = null;
      if (p.token !== null) {
        const acct = await findAccountByTokenHash(db, hashToken(p.token), deps.now());
        if (!acct) throw invalidToken(await tokenRefusalOf(db, hashToken(p.token)));
        requester = acct.id;
      }
      if (row.account_id !== null && requester !== null && requester !== row.account_id) {
        throw new AppError('forbidden', 'This payment refills another token.');
      }
      // a claim-secret-only invoice belongs to the token its secret derives, like a refill
      const bound = row.account_id === null && row.claim_secret_only;
      if (bound && p.token !== null && !ownsClaimToken(row, p.token)) throw new AppError('forbidden', 'This payment is for another token.');
      await ensurePaid(row);

      const claimed = await db.tx(async (q) => {
        const taken = await takeClaim(q, paymentHash);
        if (!taken) throw new AppError('payment_already_used', 'This payment was already claimed.');
        let token: string | undefined;
        let accountId: bigint | null;
        if (bound) {
          accountId = (await creditClaimToken(q, paymentHash)) ?? taken.credited_account_id;
          if (accountId === null) throw new Error(`top-up ${paymentHash}: claim-secret-only invoice without its account`);
        } else {
          accountId = taken.account_id ?? taken.credited_account_id;
          if (accountId === null) {
            token = newToken();
            accountId = (await createUserAccount(q, hashToken(token))).id;
          }
        }
        await creditOnce(q, taken, accountId);
        const credited_sats = msatToSats(taken.amount_msat);
        // Every node on the route learns a preimage: a refill claim shows the token and its balance
        // only to a request that carries that token itself.
        if (token === undefined && p.token !== null && requester === accountId) token = p.token;
        return { token, accountId, credited_sats };
      });
      if (claimed.token === undefined) return { credited_sats: claimed.credited_sats };
      return { token: claimed.token, balance_sats: await claimedBalanceSats(claimed.token, claimed.accountId), credited_sats: claimed.credited_sats };
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
      const tokenHash = hashToken(token);
      const balanceMsat = await shownBalanceMsat(tokenHash, () => findAccountByTokenHash(db, tokenHash, deps.now()));
      if (balanceMsat === null) throw invalidToken(await tokenRefusalOf(db, tokenHash));
      return { balance_sats: msatToSats(balanceMsat), balance_msat: Number(balanceMsat) };
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
