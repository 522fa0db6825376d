import { describe, expect, it } from 'vitest';
import { parsePendingTopups, removedElsewhere } from './pendingTopups';

const entry = { payment_hash: 'ab'.repeat(32), claim_secret: 'ablc_x', invoice: 'lnbcrt1', amount_sats: 5, expires_at: 10 };

describe('parsePendingTopups', () => {
  it('reads the stored list and drops anything malformed', () => {
    expect(parsePendingTopups(JSON.stringify([entry, { ...entry, claim_secret: 5 }, null, 'x']))).toEqual([entry]);
  });

  it('keeps a refill, which names its token and has no claim secret', () => {
    const refill = { ...entry, claim_secret: '', refill_token: 'abl_x' };
    expect(parsePendingTopups(JSON.stringify([refill, { ...refill, refill_token: 5 }]))).toEqual([refill]);
  });

  it('treats missing or unreadable storage as nothing stored', () => {
    for (const raw of [null, '', '{', '{"a":1}', '42']) expect(parsePendingTopups(raw)).toEqual([]);
  });
});

describe('removedElsewhere', () => {
  const refill = { ...entry, payment_hash: 'cd'.repeat(32), claim_secret: '', refill_token: 'abl_x' };
  const other = { ...entry, payment_hash: 'ef'.repeat(32) };
  const unfinished = (): boolean => false;

  it('names what another tab removed while this one still waits for it (it heard first)', () => {
    expect(removedElsewhere([entry, refill], [entry], unfinished)).toEqual([refill]);
    expect(removedElsewhere([entry, refill], [], unfinished)).toEqual([entry, refill]);
  });

  it('leaves out what this tab has seen through already, and what is still stored', () => {
    expect(removedElsewhere([entry, refill], [], (hash) => hash === refill.payment_hash)).toEqual([entry]);
    expect(removedElsewhere([entry], [entry, other], unfinished)).toEqual([]);
    expect(removedElsewhere([], [], unfinished)).toEqual([]);
  });
});
