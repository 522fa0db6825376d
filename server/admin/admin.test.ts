import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUserAccount, createLedger, getBalance, hashToken, newToken, type Ledger } from '../ledger/index.js';
import { call, startTestServer, type TestServer } from '../testing/harness.js';
import { runScript } from '../testing/process.js';
import { createPostgresSchema, openTestStore, type TestStore } from '../store/testing.js';
import { createAdminService } from './service.js';

describe('admin service', () => {
  let store: TestStore;
  let ledger: Ledger;
  beforeAll(async () => {
    store = await openTestStore('postgres');
    ledger = await createLedger(store.db);
  });
  afterAll(() => store.close());

  it('credits and debits with a reason, journaled and recorded; refuses to overdraw', async () => {
    const admin = createAdminService({ db: store.db, ledger });
    const token = newToken();
    const acct = await store.db.tx((q) => createUserAccount(q, hashToken(token)));
    const prefix = hashToken(token).toString('hex').slice(0, 12);
    const credited = (await admin.run('credit', { account: prefix, sats: 250, reason: 'goodwill for an outage' })) as { balance_sats: number; recent: { memo: string }[] };
    expect(credited.balance_sats).toBe(250);
    expect(credited.recent[0]!.memo).toBe('goodwill for an outage');
    await admin.run('debit', { account: prefix, sats: 50, reason: 'chargeback' });
    expect(await getBalance(store.db, acct.id)).toBe(200_000n);
    await expect(admin.run('debit', { account: prefix, sats: 201, reason: 'too much' })).rejects.toMatchObject({ code: 'insufficient_balance', details: { balance_sats: 200, price_sats: 201 } });
    await expect(admin.run('credit', { account: prefix, sats: 5 })).rejects.toThrow(/reason/);
    await expect(admin.run('credit', { account: prefix, sats: 5, reason: 'x' })).rejects.toMatchObject({ code: 'invalid_field_value', message: expect.stringMatching(/at least 3 characters/) });
    await expect(admin.run('credit', { account: prefix, sats: 1.5, reason: 'fraction' })).rejects.toThrow(/whole/);
    await expect(admin.run('account', { account: 'abc' })).rejects.toThrow(/8 hex/);
    const actions = await store.db.query<{ action: string }>(`SELECT action FROM admin_actions ORDER BY id`);
    expect(actions.rows.map((r) => r.action)).toEqual(['credit', 'debit']);
    const audit = (await admin.run('audit', {})) as { ok: boolean; totals_msat: { adjustmentsMsat: string } };
    expect(audit.ok).toBe(true);
    expect(audit.totals_msat.adjustmentsMsat).toBe('-200000');
    expect(((await admin.run('stats', {})) as { accounts: number }).accounts).toBe(1);
  });

  it('knows only its own commands, as the CLI spells them or with underscores', async () => {
    const admin = createAdminService({ db: store.db, ledger, extra: { reconcile_payouts: async () => ({ reconciled: 0 }) } });
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'frobnicate']) {
      await expect(admin.run(name, {})).rejects.toMatchObject({ code: 'not_found', message: expect.stringContaining('reconcile-payouts') });
    }
    expect(await admin.run('reconcile-payouts', {})).toEqual({ reconciled: 0 });
    expect(await admin.run('reconcile_payouts', {})).toEqual({ reconciled: 0 });
  });
});

describe('npm run admin', () => {
  let t: TestServer;
  let token: string;
  beforeAll(async () => {
    t = await startTestServer({ store: 'pglite' });
    const created = await call(t.url, 'POST', '/api/v1/topup', { body: { amount_sats: 10 } });
    token = (await call(t.url, 'POST', '/api/v1/topup/claim', { body: { preimage: await t.pay(created.body.invoice) } })).body.token;
  });
  afterAll(() => t.close());

  it('works through the running server when it holds the embedded store', async () => {
    const env = { ABL_DATA_DIR: t.dataDir, DATABASE_URL: '' };
    const credit = await runScript(['scripts/admin.ts', 'credit', token, '5', '--reason', 'support ticket 42'], env);
    expect(credit.code).toBe(0);
    expect(JSON.parse(credit.output).balance_sats).toBe(15);
    expect(credit.output).not.toContain(token);
    const audit = await runScript(['scripts/admin.ts', 'audit'], env);
    expect(audit.code).toBe(0);
    expect(audit.output).toMatch(/ledger audit: OK/);
    const unknown = await runScript(['scripts/admin.ts', 'frobnicate'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.output).toMatch(/unknown admin command/);
    expect((await call(t.url, 'POST', '/api/v1/admin/stats', { body: {} })).status).toBe(403);
  }, 120_000); // three child processes under a loaded CI machine

  it('pointed where no server keeps its store (a wrong ABL_DATA_DIR, an empty database), the audit fails instead of passing on an empty store, and creates nothing', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'abl-no-store-'));
    const missing = join(parent, 'data'); // a directory no server ever made
    const embedded = await runScript(['scripts/ledger-audit.ts'], { ABL_DATA_DIR: missing, DATABASE_URL: '' });
    expect(embedded.code).toBe(2);
    expect(embedded.output).toContain(`There is no store in ${join(missing, 'pglite')}`);
    expect(existsSync(missing)).toBe(false);
    const stats = await runScript(['scripts/admin.ts', 'stats'], { ABL_DATA_DIR: missing, DATABASE_URL: '' });
    expect([stats.code, existsSync(missing)]).toEqual([1, false]);
    const empty = await createPostgresSchema();
    try {
      const pg = await runScript(['scripts/ledger-audit.ts'], { DATABASE_URL: empty.url });
      expect(pg.code).toBe(2);
      expect(pg.output).toContain('This PostgreSQL database holds no store');
    } finally {
      await empty.drop();
      rmSync(parent, { recursive: true, force: true });
    }
  }, 120_000); // three child processes under a loaded CI machine

  it('refuses an amount that is not exact decimal digits within the ceiling, before doing anything', async () => {
    const env = { ABL_DATA_DIR: t.dataDir, DATABASE_URL: '' };
    const balance = async () => (await call(t.url, 'GET', '/api/v1/balance', { headers: { 'x-token': token } })).body.balance_sats as number;
    const before = await balance();
    // 9007199254740993 used to be credited as 9007199254740992; 0x10 used to be 16
    const huge = await runScript(['scripts/admin.ts', 'credit', token, '9007199254740993', '--reason', 'typo'], env);
    expect(huge.code).toBe(2);
    expect(huge.output).toMatch(/sats must be a whole number of sats from 1 to 100000000 .*"9007199254740993" is above the ceiling/);
    const hex = await runScript(['scripts/admin-resolve.ts', '00000000-0000-4000-8000-000000000000', 'split', '--buyer-sats', '0x10'], env);
    expect(hex.code).toBe(2);
    expect(hex.output).toMatch(/buyer_sats .*"0x10" is not decimal/);
    expect(await balance()).toBe(before);
    // the admin endpoint itself takes JSON integers only, within the same ceiling
    const admin = { authorization: `Admin ${t.server.adminSecret()}`, 'content-type': 'application/json' };
    const prefix = hashToken(token).toString('hex').slice(0, 16);
    const unsafe = await call(t.url, 'POST', '/api/v1/admin/credit', { rawBody: `{"account":"${prefix}","sats":9007199254740993,"reason":"typo"}`, headers: admin });
    expect(unsafe.status).toBe(400);
    expect(unsafe.body.error).toMatchObject({ code: 'invalid_field_value', field: 'sats' });
    const text = await call(t.url, 'POST', '/api/v1/admin/credit', { body: { account: prefix, sats: '16', reason: 'typo' }, headers: admin });
    expect(text.body.error).toMatchObject({ code: 'invalid_field_value', field: 'sats' });
    expect(await balance()).toBe(before);
    const actions = await call(t.url, 'POST', '/api/v1/admin/credit', { body: { account: prefix, sats: 3, reason: 'still works' }, headers: admin });
    expect(actions.body.balance_sats).toBe(before + 3);
  }, 120_000); // two child processes under a loaded CI machine
});
