// An invoice credential too short for a call while its other call is running: refused 402 with
// what it holds, never 409 "spent" because that call settled between the refusal and the read
// of why (found by concurrent first uses of one credential: one in ten answered 409 with value left).
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { parseAuthorization, type L402Authorization } from '../l402/header.js';
import { createLedger, type Ledger } from '../ledger/index.js';
import { openTestStore, STORE_KINDS, type TestStore } from '../store/testing.js';
import { invoicingWallet } from '../testing/invoicing-wallet.js';
import { createPaymentGate, type PaidAction } from './gate.js';

const NOW = 1_800_000_000;
const action: PaidAction = { api: 'openai', endpoint: 'POST /api/v1/openai/v1/chat/completions', priceMsat: 5_000n, description: 'alittlebitofmoney openai /v1/chat/completions' };

describe.each(STORE_KINDS)('an invoice credential refused while its other call settles, on %s', (kind) => {
  let store: TestStore;
  let ledger: Ledger;
  const { wallet, preimageOf } = invoicingWallet(NOW);

  beforeEach(async () => {
    store = await openTestStore(kind);
    ledger = await createLedger(store.db, { now: () => NOW });
  });
  afterEach(() => store?.close());

  /** A gate whose ledger runs `between` after a credential's reservation is refused, before the gate reads why. */
  function gateWith(between: { run: (() => Promise<void>) | null }) {
    const racing: Ledger = {
      ...ledger,
      async reserveFromCredential(p) {
        const r = await ledger.reserveFromCredential(p);
        const run = between.run;
        between.run = null;
        if (!r.ok && run) await run();
        return r;
      },
    };
    return createPaymentGate({ ledger: racing, wallet, rootKey: randomBytes(32), now: () => NOW, credentialTtlSeconds: 600, holdSeconds: 600 });
  }

  async function paidCredential(gate: ReturnType<typeof gateWith>): Promise<L402Authorization> {
    const refused = await gate.secure(action, { token: null, l402: null }, 'ip').catch((e: unknown) => e);
    const challenge = (refused as AppError).data.challenge!;
    return parseAuthorization(`L402 ${challenge.macaroonB64}:${preimageOf(challenge.invoice)}`) as L402Authorization;
  }

  it('a call settled free between the refusal and the read: the next call is served from what came back', async () => {
    const between: { run: (() => Promise<void>) | null } = { run: null };
    const gate = gateWith(between);
    const l402 = await paidCredential(gate);
    const first = await gate.secure(action, { token: null, l402 }, 'ip'); // holds the whole invoice
    between.run = () => first.release(); // the upstream refused it: all of it comes back
    const second = await gate.secure(action, { token: null, l402 }, 'ip');
    expect(second.heldMsat).toBe(action.priceMsat);
    await second.settle(action.priceMsat);
  });

  it('a call settled for part between the refusal and the read: 402 with the balance left, not 409', async () => {
    const between: { run: (() => Promise<void>) | null } = { run: null };
    const gate = gateWith(between);
    const l402 = await paidCredential(gate);
    const first = await gate.secure(action, { token: null, l402 }, 'ip');
    between.run = () => first.settle(1_000n);
    const refused = await gate.secure(action, { token: null, l402 }, 'ip').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe('insufficient_balance');
    expect((refused as AppError).details).toEqual({ balance_sats: 4, price_sats: 5 });
  });
});
