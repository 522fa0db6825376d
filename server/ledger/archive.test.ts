import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAdminService } from '../admin/service.js';
import { openTestStore, STORE_KINDS, type TestStore } from '../store/testing.js';
import { createLedger, getBalance, postJournal, verifyArchive, type Ledger } from './index.js';
import { fundedAccount } from './testing.js';

const DAY_MS = 86_400_000;

/** A funded token with `calls` settled calls (each recorded, so it has a receipt). */
async function customer(store: TestStore, ledger: Ledger, calls: number) {
  const acct = await fundedAccount(store.db, ledger, 50_000n);
  const tokenHash = acct.tokenHash;
  const requestIds: string[] = [];
  for (let i = 0; i < calls; i++) {
    const r = await ledger.reserve({ tokenHash, amountMsat: 3_000n, purpose: 'POST /api/v1/openai/v1/chat/completions', expiresAt: 2e9 });
    if (!r.ok) throw new Error('reserve failed');
    const requestId = `req_${acct.id}_${i}`;
    await ledger.settle(r.holdId, 1_000n, { requestId, api: 'openai', endpoint: 'POST /api/v1/openai/v1/chat/completions', model: 'gpt-4o-mini', usage: null, createdAt: 1_700_000_000 + i });
    requestIds.push(requestId);
  }
  return { id: acct.id, tokenHash, requestIds };
}

/** What must not change when history is archived. */
async function ledgerState(store: TestStore, ledger: Ledger, accounts: bigint[]) {
  const full = await ledger.audit({ mode: 'full' });
  return {
    ok: full.ok,
    problems: full.problems,
    totals: full.totals,
    kept: await ledger.totals(),
    balances: await Promise.all(accounts.map((a) => getBalance(store.db, a))),
  };
}

describe.each(STORE_KINDS)('archiving the journal on %s', (kind) => {
  let store: TestStore;
  let ledger: Ledger;
  let dir: string;
  beforeEach(async () => {
    store = await openTestStore(kind);
    ledger = await createLedger(store.db);
    dir = mkdtempSync(join(tmpdir(), 'abl-archive-'));
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Old history (400 days ago) with an open hold in it, then recent history; the cut is 200 days ago. */
  async function history() {
    const old = await customer(store, ledger, 4);
    const open = await ledger.reserve({ tokenHash: old.tokenHash, amountMsat: 2_000n, purpose: 'in flight', expiresAt: 2e9 });
    if (!open.ok) throw new Error('reserve failed');
    await store.db.query(`UPDATE journal SET created_at = now() - interval '400 days'`);
    const recent = await customer(store, ledger, 2);
    await ledger.reserve({ tokenHash: old.tokenHash, amountMsat: 1_000n, purpose: 'in flight', expiresAt: 2e9 });
    return { old, recent, openHold: open.holdId, before: new Date(Date.now() - 200 * DAY_MS) };
  }

  it('moves closed history to verifiable files and leaves balances, totals and both audits exact', async () => {
    const { old, recent, openHold, before } = await history();
    const accounts = [old.id, recent.id];
    const was = await ledgerState(store, ledger, accounts);
    expect(was.problems).toEqual([]);
    const rowsBefore = (await store.db.query<{ n: bigint }>(`SELECT count(*) AS n FROM journal`)).rows[0]!.n;

    const r = await ledger.archive({ before, outDir: dir });
    expect(r.outcome).toBe('archived');
    if (r.outcome !== 'archived') return;
    // the deposit and four calls of one row each (the compact journal: the open hold has no row)
    expect(r.journalRows).toBe(5);
    expect(await ledgerState(store, ledger, accounts)).toEqual(was);
    expect((await ledger.audit({ mode: 'incremental' })).problems).toEqual([]);
    const rowsAfter = (await store.db.query<{ n: bigint }>(`SELECT count(*) AS n FROM journal`)).rows[0]!.n;
    expect(rowsAfter).toBe(rowsBefore - 5n + 1n);

    const verified = await verifyArchive(r.manifest);
    expect(verified.problems).toEqual([]);
    expect(verified.manifest.journal_rows).toBe(5);
    expect(verified.manifest.per_account_msat[old.id.toString()]).toBe((50_000n - 4n * 1_000n).toString());

    // receipts stay; the list shows one carried-forward row whose balance is right
    expect(await ledger.paidCall(old.id, old.requestIds[0]!)).toMatchObject({ chargedMsat: 1_000n, api: 'openai' });
    const page = await ledger.history({ accountId: old.id, limit: 20, cursor: null, from: null, to: null });
    const carried = page.rows.filter((row) => row.kind === 'carried_forward');
    expect(carried).toHaveLength(1);
    expect(carried[0]).toMatchObject({ amountMsat: 46_000n, balanceAfterMsat: 46_000n });
    expect(page.rows.filter((row) => row.kind === 'call' && row.call?.status === 'settled')).toHaveLength(0);

    // the hold that was in flight settles as usual afterwards
    expect(await ledger.settle(openHold, 500n)).toBe(true);
    expect((await ledger.audit({ mode: 'incremental' })).problems).toEqual([]);
    expect((await ledger.audit({ mode: 'full' })).problems).toEqual([]);
  });

  it('where kept rows (escrow moves) sit among archived ones, every balance the usage list shows stays what it was', async () => {
    const c = await customer(store, ledger, 2);
    const escrow = (amountMsat: bigint, kind: string) =>
      store.db.tx((q) => postJournal(q, { kind, ref: 'task', lines: [{ accountId: c.id, amountMsat }, { accountId: ledger.sys.escrow, amountMsat: -amountMsat }] }));
    const call = async (i: number) => {
      const r = await ledger.reserve({ tokenHash: c.tokenHash, amountMsat: 3_000n, purpose: 'POST /api/v1/openai/v1/chat/completions', expiresAt: 2e9 });
      if (!r.ok) throw new Error('reserve failed');
      await ledger.settle(r.holdId, 3_000n, { requestId: `later_${i}`, api: 'openai', endpoint: 'POST /api/v1/openai/v1/chat/completions', model: 'gpt-4o-mini', usage: null, createdAt: 1_700_000_100 + i });
    };
    // the buyer funds a task's escrow with most of its balance, gets it back, then spends
    await escrow(-40_000n, 'hire_escrow');
    await call(0);
    await escrow(40_000n, 'hire_refund');
    for (let i = 1; i < 4; i++) await call(i);
    await store.db.query(`UPDATE journal SET created_at = now() - interval '400 days'`);
    const list = async () => (await ledger.history({ accountId: c.id, limit: 50, cursor: null, from: null, to: null })).rows;
    const shown = (rows: Awaited<ReturnType<typeof list>>) => rows.filter((r) => r.kind === 'escrow' || r.kind === 'escrow_refund').map((r) => [r.kind, r.amountMsat, r.balanceAfterMsat]);
    const was = await list();
    expect(shown(was)).toEqual([
      ['escrow_refund', 40_000n, 45_000n],
      ['escrow', -40_000n, 8_000n],
    ]);

    const r = await ledger.archive({ before: new Date(Date.now() - 200 * DAY_MS), outDir: dir });
    expect(r.outcome).toBe('archived');
    const now = await list();
    expect(shown(now)).toEqual(shown(was));
    // a carried-forward row in place of each stretch of archived rows, each where its stretch was
    expect(now.map((row) => row.kind)).toEqual(['carried_forward', 'escrow_refund', 'carried_forward', 'escrow', 'carried_forward']);
    expect(now.map((row) => row.balanceAfterMsat)).toEqual([was[0]!.balanceAfterMsat, 45_000n, 5_000n, 8_000n, 48_000n]);
    expect(now.every((row) => row.balanceAfterMsat >= 0n)).toBe(true);
    expect((await ledger.audit({ mode: 'full' })).problems).toEqual([]);
    expect((await ledger.audit({ mode: 'incremental' })).problems).toEqual([]);
  });

  it('is idempotent, and a later archive folds the earlier one in', async () => {
    const { old, recent, before } = await history();
    expect((await ledger.archive({ before, outDir: dir })).outcome).toBe('archived');
    expect((await ledger.archive({ before, outDir: dir })).outcome).toBe('nothing_to_archive');

    const was = await ledgerState(store, ledger, [old.id, recent.id]);
    const later = await ledger.archive({ before: new Date(Date.now() + DAY_MS), outDir: dir });
    expect(later.outcome).toBe('archived');
    if (later.outcome !== 'archived') return;
    expect(await ledgerState(store, ledger, [old.id, recent.id])).toEqual(was);
    expect((await verifyArchive(later.manifest)).problems).toEqual([]);
    const carry = await store.db.query<{ n: bigint }>(`SELECT count(*) AS n FROM journal WHERE kind = 'carry_forward'`);
    expect(carry.rows[0]!.n).toBe(1n);
  });

  it('a crash mid-archive leaves the store as it was, and the next run completes', async () => {
    const { old, recent, before } = await history();
    const accounts = [old.id, recent.id];
    const was = await ledgerState(store, ledger, accounts);
    const rows = async () => (await store.db.query<{ n: bigint }>(`SELECT count(*) AS n FROM journal`)).rows[0]!.n;
    const count = await rows();
    for (const failAt of ['files', 'delete'] as const) {
      await expect(ledger.archive({ before, outDir: dir, failAt })).rejects.toThrow(/failing after/);
      expect(await rows()).toBe(count);
      expect(await ledgerState(store, ledger, accounts)).toEqual(was);
      expect((await ledger.audit({ mode: 'incremental' })).problems).toEqual([]);
    }
    const r = await ledger.archive({ before, outDir: dir });
    expect(r.outcome).toBe('archived');
    if (r.outcome === 'archived') expect((await verifyArchive(r.manifest)).problems).toEqual([]);
    expect(await ledgerState(store, ledger, accounts)).toEqual(was);
  });

  it('the operator commands: archive refuses a bad date, audit takes --full', async () => {
    const admin = createAdminService({ db: store.db, ledger });
    await expect(admin.run('archive', { before: 'last tuesday', out: dir })).rejects.toMatchObject({ code: 'invalid_field_value' });
    await expect(admin.run('archive', { before: '2026-11-01' })).rejects.toMatchObject({ code: 'missing_required_field' });
    const { before } = await history();
    const r = (await admin.run('archive', { before: before.toISOString().slice(0, 10), out: dir })) as { outcome: string; manifest: string };
    expect(r.outcome).toBe('archived');
    expect((await verifyArchive(r.manifest)).ok).toBe(true);
    expect(await admin.run('audit', { full: '' })).toMatchObject({ ok: true, mode: 'full' });
    expect(await admin.run('audit', {})).toMatchObject({ ok: true, mode: 'incremental' });
  });

  it('a changed archive file does not verify', async () => {
    const { before } = await history();
    const r = await ledger.archive({ before, outDir: dir });
    if (r.outcome !== 'archived') throw new Error(r.outcome);
    const file = join(dir, `${r.name}.jsonl`);
    writeFileSync(file, readFileSync(file, 'utf8').replace('"1000"', '"1001"'));
    const v = await verifyArchive(r.manifest);
    expect(v.ok).toBe(false);
    expect(v.problems.join('\n')).toMatch(/sha256|does not balance/);
  });
});
