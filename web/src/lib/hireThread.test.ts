import { describe, expect, it } from 'vitest';
import type { Message } from '../../../contract/hire-views';
import { deliveryNote, nextUnseen, unseenCount } from './hireThread';

let nextId = 1;
const msg = (over: Partial<Message>): Message => ({
  id: nextId++,
  quote_id: 'q1',
  kind: 'message',
  sender: 'buyer',
  body: 'hi',
  created_at: 1_700_000_000,
  read: false,
  ...over,
});

describe('deliveryNote', () => {
  it('is the latest change request since the latest delivery', () => {
    const first = msg({ kind: 'revision_request', body: 'Shorter, please.' });
    const later = msg({ kind: 'revision_request', body: 'Now in Spanish.' });
    const thread = [msg({ kind: 'delivery', sender: 'contractor' }), first, msg({ kind: 'delivery', sender: 'contractor' }), later, msg({ body: 'Thanks' })];
    expect(deliveryNote({ status: 'revision_requested' }, thread)).toEqual({ kind: 'revision_request', message: later });
  });

  it('says a request came without a note rather than showing an older round’s', () => {
    const thread = [msg({ kind: 'revision_request', body: 'Old note' }), msg({ kind: 'delivery', sender: 'contractor' })];
    expect(deliveryNote({ status: 'revision_requested' }, thread)).toEqual({ kind: 'revision_request', message: null });
  });

  it('is the dispute’s reason while disputed, and nothing in other states', () => {
    const reason = msg({ kind: 'dispute', body: 'Six syllables in line two.' });
    const thread = [msg({ kind: 'delivery', sender: 'contractor' }), reason];
    expect(deliveryNote({ status: 'disputed' }, thread)).toEqual({ kind: 'dispute', message: reason });
    expect(deliveryNote({ status: 'delivered' }, thread)).toBeNull();
  });
});

describe('nextUnseen', () => {
  it('keeps what the other side sent unread until the thread is open', () => {
    const a = msg({ sender: 'buyer' });
    const mine = msg({ sender: 'contractor' });
    const delivery = msg({ sender: 'buyer', kind: 'delivery' });
    const seen = nextUnseen(new Set(), [a, mine, delivery], 'contractor', false);
    expect([...seen]).toEqual([a.id]);
    // read again: the server now answers it read, the page still has not shown it
    const b = msg({ sender: 'buyer' });
    expect([...nextUnseen(seen, [{ ...a, read: true }, b], 'contractor', false)]).toEqual([a.id, b.id]);
    expect(nextUnseen(seen, [a, b], 'contractor', true).size).toBe(0);
  });

  it('does not count the note already shown with the delivery', () => {
    expect(unseenCount(new Set([4, 5]), 5)).toBe(1);
    expect(unseenCount(new Set([4]), 5)).toBe(1);
    expect(unseenCount(new Set([4]), null)).toBe(1);
  });
});
