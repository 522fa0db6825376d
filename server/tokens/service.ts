// Child tokens for agents: the holder of a token makes one with an amount moved from its balance,
// an optional expiry, daily cap and list of APIs; lists them; revokes one and gets back what it
// has left. A child cannot make children. Knows nothing of HTTP.
import type { BalanceAlert, ChildToken, ChildTokenCreated, ChildTokenList, ChildTokenRevoked } from '../../contract/api.js';
import { msatToSats, msatToSatsUp, satsToMsat } from '../../contract/money.js';
import { AppError, invalidToken, notFound } from '../errors.js';
import { hashToken, InsufficientFundsError, newToken, type ChildRow, type Ledger, type UserAccount } from '../ledger/index.js';
import type { ReserveAhead } from '../payments/reserve-ahead.js';

export interface TokenDeps {
  ledger: Ledger;
  /** what a child's `apis` may name: the catalog's APIs and AI for Hire */
  apiNames: readonly string[];
  now: () => number;
  /** holds the parent's calls took ahead on this instance: given back before a child is funded */
  reserveAhead?: Pick<ReserveAhead, 'giveBackFor' | 'lowBalanceChanged'>;
}

export interface ChildTokenInput {
  amountSats: number;
  expiresAt: number | null;
  maxSatsPerDay: number | null;
  apis: string[] | null;
}

export function createTokenService(deps: TokenDeps) {
  const { ledger } = deps;

  async function parentOf(token: string): Promise<UserAccount> {
    const account = await ledger.accountByToken(hashToken(token));
    if (!account) throw invalidToken(await ledger.tokenRefusal(hashToken(token)));
    if (account.child) throw new AppError('forbidden', 'A child token has no child tokens of its own: its parent makes, lists and revokes them.');
    return account;
  }

  const view = (r: ChildRow): ChildToken => ({
    id: r.id.toString(),
    balance_sats: msatToSats(r.balanceMsat),
    balance_msat: Number(r.balanceMsat),
    expires_at: r.expiresAt,
    max_sats_per_day: r.maxMsatPerDay === null ? null : msatToSats(r.maxMsatPerDay),
    apis: r.apis,
    spent_today_sats: msatToSatsUp(r.spentTodayMsat),
    spent_today_msat: Number(r.spentTodayMsat),
    revoked: r.revokedAt !== null,
    created_at: r.createdAt,
  });

  return {
    async create(parentToken: string, input: ChildTokenInput): Promise<ChildTokenCreated> {
      const parent = await parentOf(parentToken);
      if (input.expiresAt !== null && input.expiresAt <= deps.now()) throw new AppError('invalid_field_value', 'expires_at must be in the future.', { field: 'expires_at' });
      const unknown = input.apis?.find((a) => !deps.apiNames.includes(a));
      if (unknown !== undefined) throw new AppError('invalid_field_value', `apis: no API is named "${unknown.slice(0, 64)}"; choose from ${deps.apiNames.join(', ')}.`, { field: 'apis' });
      const token = newToken();
      const amountMsat = satsToMsat(input.amountSats);
      await deps.reserveAhead?.giveBackFor(parent.id);
      let id: bigint;
      try {
        id = await ledger.createChild({
          parentId: parent.id,
          tokenHash: hashToken(token),
          amountMsat,
          expiresAt: input.expiresAt,
          maxMsatPerDay: input.maxSatsPerDay === null ? null : satsToMsat(input.maxSatsPerDay),
          apis: input.apis === null ? null : [...new Set(input.apis)],
        });
      } catch (err) {
        if (!(err instanceof InsufficientFundsError)) throw err;
        const balance = (await ledger.balanceOf(parent.id)) ?? 0n;
        throw new AppError('insufficient_balance', `A child token of ${input.amountSats} sats needs them on this token; it holds ${msatToSats(balance)} sats.`, {
          balance_sats: msatToSats(balance),
          price_sats: input.amountSats,
        });
      }
      const [row] = await ledger.listChildren(parent.id, id);
      if (!row) throw new Error(`child token ${id} vanished right after it was made`);
      return { ...view(row), token, amount_sats: input.amountSats };
    },

    async list(parentToken: string): Promise<ChildTokenList> {
      const parent = await parentOf(parentToken);
      return { data: (await ledger.listChildren(parent.id)).map(view) };
    },

    /** The token's low-balance threshold: paid answers below it carry X-Balance-Low (any token, children too). */
    async setLowBalanceAlert(token: string, belowSats: number | null): Promise<BalanceAlert> {
      const account = await ledger.accountByToken(hashToken(token));
      if (!account) throw invalidToken(await ledger.tokenRefusal(hashToken(token)));
      const thresholdMsat = belowSats === null ? null : satsToMsat(belowSats);
      await ledger.setLowBalance(account.id, thresholdMsat);
      // the holds this instance took ahead for the token carry the threshold they were taken with
      deps.reserveAhead?.lowBalanceChanged(account.id, thresholdMsat);
      return { below_sats: belowSats };
    },

    /** The token's low-balance threshold as it set it (null: none), for a client to show. */
    async getLowBalanceAlert(token: string): Promise<BalanceAlert> {
      const account = await ledger.accountByToken(hashToken(token));
      if (!account) throw invalidToken(await ledger.tokenRefusal(hashToken(token)));
      return { below_sats: account.lowBalanceMsat === undefined ? null : msatToSats(account.lowBalanceMsat) };
    },

    async revoke(parentToken: string, childId: string): Promise<ChildTokenRevoked> {
      const parent = await parentOf(parentToken);
      if (!/^\d{1,18}$/.test(childId)) throw notFound('This token has no child token with this id.');
      const r = await ledger.revokeChild({ parentId: parent.id, childId: BigInt(childId) });
      if (!r.ok) throw r.reason === 'not_found' ? notFound('This token has no child token with this id.') : new AppError('invalid_state', 'This child token was already revoked.');
      return { id: childId, revoked: true, returned_sats: msatToSats(r.returnedMsat), returned_msat: Number(r.returnedMsat) };
    },
  };
}

export type TokenService = ReturnType<typeof createTokenService>;
