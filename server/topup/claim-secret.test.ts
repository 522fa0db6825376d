// New tokens without a preimage: the requester's claim secret redeems the token once paid, again
// after a reload, and nobody else's secret or preimage takes what a claim-secret-only browser waits for.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestServer, type TestServer } from '../testing/harness.js';
import { STORE_KINDS } from '../store/testing.js';
import { isClaimSecret, newClaimSecret, tokenFromClaimSecret } from './claim-secret.js';

describe('claim secrets (pure)', () => {
  it('are 256 random bits with a recognisable prefix, and derive a well-formed token deterministically', () => {
    const a = newClaimSecret();
    const b = newClaimSecret();
    expect(a).not.toBe(b);
    expect(isClaimSecret(a)).toBe(true);
    expect(isClaimSecret(a.slice(0, -1))).toBe(false);
    expect(isClaimSecret('ab'.repeat(32))).toBe(false);
    expect(tokenFromClaimSecret(a)).toBe(tokenFromClaimSecret(a));
    expect(tokenFromClaimSecret(a)).not.toBe(tokenFromClaimSecret(b));
    expect(tokenFromClaimSecret(a)).toMatch(/^abl_[A-Za-z0-9_-]{32}$/);
  });
});

describe.each(STORE_KINDS)('claiming a new token with its claim secret on %s', (store) => {
  let t: TestServer;
  const api = (method: string, path: string, opts?: Parameters<typeof call>[3]) => call(t.url, method, path, opts);
  const claimWithSecret = (payment_hash: string, claim_secret: string, headers?: Record<string, string>) =>
    api('POST', '/api/v1/topup/claim', { body: { payment_hash, claim_secret }, ...(headers ? { headers } : {}) });
  const balance = async (token: string): Promise<number> => (await api('GET', '/api/v1/balance', { headers: { 'x-token': token } })).body.balance_sats;

  beforeAll(async () => {
    t = await startTestServer({ store });
  });
  afterAll(() => t.close());

  it('a new-token invoice answers a claim secret; a refill does not', async () => {
    const created = await api('POST', '/api/v1/topup', { body: { amount_sats: 10 } });
    expect(created.status).toBe(201);
    expect(isClaimSecret(created.body.claim_secret)).toBe(true);
    const token = (await api('POST', '/api/v1/topup/claim', { body: { preimage: await t.pay(created.body.invoice) } })).body.token as string;
    const refill = await api('POST', '/api/v1/topup', { body: { amount_sats: 5 }, headers: { 'x-token': token } });
    expect(refill.status).toBe(201);
    expect(refill.body).not.toHaveProperty('claim_secret');
  });

  it('paid from a phone (no preimage): the secret redeems the token, again after a reload, crediting once', async () => {
    const created = await api('POST', '/api/v1/topup', { body: { amount_sats: 77, claim_secret_only: true } });
    const { payment_hash, claim_secret } = created.body;

    const early = await claimWithSecret(payment_hash, claim_secret);
    expect(early.status).toBe(400);
    expect(early.body.error).toMatchObject({ code: 'invalid_payment', message: 'This invoice is not paid yet.' });

    await t.pay(created.body.invoice); // another party pays; this client never sees the preimage
    const first = await claimWithSecret(payment_hash, claim_secret);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ token: expect.stringMatching(/^abl_/), balance_sats: 77, credited_sats: 77 });

    // a reload, another tab: the same token, the same money, nothing credited twice
    const second = await claimWithSecret(payment_hash.toUpperCase(), claim_secret);
    expect(second.status).toBe(200);
    expect(second.body).toEqual(first.body);
    expect((await api('GET', `/api/v1/topup/${payment_hash}`)).body).toMatchObject({ status: 'paid', credited: true, claimed: true });
    expect(await balance(first.body.token)).toBe(77);
  });

  it('only the requester can redeem: another invoice\'s secret, a made-up one or a malformed one is refused', async () => {
    const mine = await api('POST', '/api/v1/topup', { body: { amount_sats: 12, claim_secret_only: true } });
    const theirs = await api('POST', '/api/v1/topup', { body: { amount_sats: 12 } });
    await t.pay(mine.body.invoice);
    for (const secret of [theirs.body.claim_secret, newClaimSecret()]) {
      const res = await claimWithSecret(mine.body.payment_hash, secret);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'invalid_payment', message: 'This claim secret does not redeem this invoice.' });
    }
    for (const secret of ['', 'nope', mine.body.claim_secret.slice(0, -2)]) {
      expect((await claimWithSecret(mine.body.payment_hash, secret)).body.error.code).toBe('invalid_payment');
    }
    expect((await claimWithSecret('0'.repeat(64), mine.body.claim_secret)).body.error.code).toBe('invalid_payment');
    expect((await claimWithSecret('xyz', mine.body.claim_secret)).body.error.code).toBe('invalid_payment');
    const noHash = await api('POST', '/api/v1/topup/claim', { body: { claim_secret: mine.body.claim_secret } });
    expect(noHash.body.error).toMatchObject({ code: 'missing_required_field', field: 'payment_hash' });
    expect((await api('POST', '/api/v1/topup/claim', { body: { payment_hash: mine.body.payment_hash, claim_secret: 5 } })).body.error).toMatchObject({
      code: 'invalid_field_type',
      field: 'claim_secret',
    });
    // nothing was created or credited by the refusals; the owner still gets all of it
    const own = await claimWithSecret(mine.body.payment_hash, mine.body.claim_secret);
    expect(own.body).toMatchObject({ balance_sats: 12, credited_sats: 12 });
  });

  it('claim-secret-only: a preimage alone credits the browser\'s token without showing it or its balance', async () => {
    const created = await api('POST', '/api/v1/topup', { body: { amount_sats: 50, claim_secret_only: true } });
    const preimage = await t.pay(created.body.invoice);
    // a routing node that learned the preimage races the browser, and loses nothing but its time
    const stranger = await api('POST', '/api/v1/topup/claim', { body: { preimage } });
    expect(stranger.status).toBe(200);
    expect(stranger.body).toEqual({ credited_sats: 50 });
    expect((await api('POST', '/api/v1/topup/claim', { body: { preimage } })).status).toBe(409);
    const own = await claimWithSecret(created.body.payment_hash, created.body.claim_secret);
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ balance_sats: 50, credited_sats: 50 });
    // the browser's token in the request: the preimage claim is over, but the owner is not refused as a stranger
    const strangerToken = (await api('POST', '/api/v1/topup/claim', { body: { preimage: await payNew(3) } })).body.token as string;
    const other = await api('POST', '/api/v1/topup', { body: { amount_sats: 4, claim_secret_only: true } });
    const otherPreimage = await t.pay(other.body.invoice);
    const foreign = await api('POST', '/api/v1/topup/claim', { body: { preimage: otherPreimage }, headers: { 'x-token': strangerToken } });
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.code).toBe('forbidden');
    expect(await balance(strangerToken)).toBe(3);
  });

  it('claim-secret-only: the status poll alone credits the payment to the token the secret redeems', async () => {
    const created = await api('POST', '/api/v1/topup', { body: { amount_sats: 9, claim_secret_only: true } });
    await t.pay(created.body.invoice);
    const status = await api('GET', `/api/v1/topup/${created.body.payment_hash}`);
    expect(status.body).toMatchObject({ status: 'paid', credited: true, claimed: false });
    const token = tokenFromClaimSecret(created.body.claim_secret);
    expect(await balance(token)).toBe(9);
    expect((await claimWithSecret(created.body.payment_hash, created.body.claim_secret)).body).toEqual({ token, balance_sats: 9, credited_sats: 9 });
  });

  it("the seed's flow: the first claim wins, by preimage or by secret, and credits exactly once; the secret takes back an account its preimage opened", async () => {
    // preimage first (the curl flow, which ignores claim_secret): a token of its own
    const a = await api('POST', '/api/v1/topup', { body: { amount_sats: 120 } });
    const preimageA = await t.pay(a.body.invoice);
    expect((await api('GET', `/api/v1/topup/${a.body.payment_hash}`)).body).toMatchObject({ status: 'paid', credited: false });
    const claimed = await api('POST', '/api/v1/topup/claim', { body: { preimage: preimageA } });
    expect(claimed.status).toBe(200);
    expect(claimed.body).toEqual({ token: expect.stringMatching(/^abl_/), balance_sats: 120, credited_sats: 120 });
    expect((await api('POST', '/api/v1/topup/claim', { body: { preimage: preimageA } })).status).toBe(409);
    expect(await balance(claimed.body.token)).toBe(120);
    // that answer lost (a dropped connection), or taken by a routing node that learned the preimage:
    // the requester's secret moves the account, money and all, to its own token; the preimage's opens nothing
    const late = await claimWithSecret(a.body.payment_hash, a.body.claim_secret);
    expect(late.status).toBe(200);
    expect(late.body).toEqual({ token: tokenFromClaimSecret(a.body.claim_secret), balance_sats: 120, credited_sats: 120 });
    expect((await api('GET', '/api/v1/balance', { headers: { 'x-token': claimed.body.token } })).status).toBe(401);
    expect(await balance(late.body.token)).toBe(120);
    expect((await claimWithSecret(a.body.payment_hash, a.body.claim_secret)).body).toEqual(late.body);

    // secret first: the preimage is then spent, whoever holds it
    const b = await api('POST', '/api/v1/topup', { body: { amount_sats: 30 } });
    const preimageB = await t.pay(b.body.invoice);
    const bySecret = await claimWithSecret(b.body.payment_hash, b.body.claim_secret);
    expect(bySecret.body).toMatchObject({ balance_sats: 30, credited_sats: 30 });
    const byPreimage = await api('POST', '/api/v1/topup/claim', { body: { preimage: preimageB } });
    expect(byPreimage.status).toBe(409);
    expect(byPreimage.body.error.code).toBe('payment_already_used');
    expect(await balance(bySecret.body.token)).toBe(30);
  });

  it('an unpaid invoice past its expiry says so', async () => {
    const created = await api('POST', '/api/v1/topup', { body: { amount_sats: 1 } });
    // no waiting: make the row expire in the database, as the background job would
    await t.server.db.query(`UPDATE topups SET expires_at = 1 WHERE payment_hash = $1`, [created.body.payment_hash]);
    const res = await claimWithSecret(created.body.payment_hash, created.body.claim_secret);
    expect(res.body.error).toMatchObject({ code: 'invalid_payment', message: 'This invoice expired unpaid.' });
  });

  it('keeps the ledger balanced', async () => {
    const audit = await t.server.ledger.audit();
    expect(audit.problems).toEqual([]);
  });

  async function payNew(sats: number): Promise<string> {
    const created = await api('POST', '/api/v1/topup', { body: { amount_sats: sats } });
    return t.pay(created.body.invoice);
  }
});

describe('claim-secret races on PostgreSQL', () => {
  let t: TestServer;
  const api = (method: string, path: string, opts?: Parameters<typeof call>[3]) => call(t.url, method, path, opts);
  beforeAll(async () => {
    t = await startTestServer({ store: 'postgres' });
  });
  afterAll(() => t.close());

  it('secret claims, preimage claims and status polls in parallel: one account, credited once, the same token every time', async () => {
    for (const claimSecretOnly of [true, false]) {
      const created = await api('POST', '/api/v1/topup', { body: { amount_sats: 321, claim_secret_only: claimSecretOnly } });
      const preimage = await t.pay(created.body.invoice);
      const secretClaim = () => api('POST', '/api/v1/topup/claim', { body: { payment_hash: created.body.payment_hash, claim_secret: created.body.claim_secret } });
      const results = await Promise.all([
        ...Array.from({ length: 10 }, secretClaim),
        ...Array.from({ length: 5 }, () => api('POST', '/api/v1/topup/claim', { body: { preimage } })),
        ...Array.from({ length: 5 }, () => api('GET', `/api/v1/topup/${created.body.payment_hash}`)),
      ]);
      const secretAnswers = results.slice(0, 10);
      const preimageAnswers = results.slice(10, 15);
      // every secret claim answers the secret's token, which holds the whole amount: never two accounts for one invoice
      const token = tokenFromClaimSecret(created.body.claim_secret);
      expect(secretAnswers.every((r) => r.status === 200 && r.body.token === token)).toBe(true);
      expect((await api('GET', '/api/v1/balance', { headers: { 'x-token': token } })).body.balance_sats).toBe(321);
      // the preimage is claimed at most once; every other claim of it is payment_already_used
      const preimageWins = preimageAnswers.filter((r) => r.status === 200);
      expect(preimageWins.length).toBeLessThanOrEqual(1);
      expect(preimageAnswers.filter((r) => r.status === 409 && r.body.error.code === 'payment_already_used')).toHaveLength(5 - preimageWins.length);
      if (claimSecretOnly) {
        // the preimage never shows the browser's token
        expect(preimageWins.map((r) => r.body)).toEqual(preimageWins.length ? [{ credited_sats: 321 }] : []);
      } else {
        // a preimage claim that came first made its own token, which the secret's claims then took the account from
        for (const won of preimageWins) expect((await api('GET', '/api/v1/balance', { headers: { 'x-token': won.body.token } })).status).toBe(401);
      }
    }
    expect((await t.server.ledger.audit()).problems).toEqual([]);
  });
});
