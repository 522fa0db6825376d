// Live events over HTTP: each token hears what concerns it and nothing else, a reconnect with
// Last-Event-ID replays what it missed, and an event written by one instance reaches a stream
// held by another (two servers on one PostgreSQL database). Waits on the streams, never sleeps.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buyToken } from '../testing/flows.js';
import { call, startTestServer, type TestServer } from '../testing/harness.js';
import { openSse, type SseClient } from '../testing/sse.js';

const H = '/api/v1/ai-for-hire';

/**
 * A quote that loses hears `quote.declined` (another was accepted, or the task was cancelled),
 * only its contractor: not the buyer, not the winner; a stream watching new tasks hears the task
 * leave the open list. `other` may be a second instance.
 */
async function declinedQuotesCase(one: TestServer, other: TestServer, buy: (sats: number) => Promise<string>, streams: SseClient[]): Promise<void> {
  const as = (token: string, body?: unknown) => ({ headers: { 'x-token': token }, ...(body === undefined ? {} : { body }) });
  const [buyer, winner, loser] = [await buy(1000), await buy(100), await buy(100)];
  const open = async (server: TestServer, token: string) => {
    const s = await openSse(`${server.url}${H}/events`, { 'x-token': token });
    streams.push(s);
    return s;
  };
  const [buyerStream, winnerStream, loserStream] = [await open(one, buyer), await open(other, winner), await open(other, loser)];
  // a board watching new tasks also hears when one leaves the open list
  const watcher = await openSse(`${other.url}${H}/events?new_tasks=true`, { 'x-token': await buy(1) });
  streams.push(watcher);

  const task = (await call(one.url, 'POST', `${H}/tasks`, as(buyer, { title: 'Two quotes', description: 'd', budget_sats: 200 }))).body;
  const won = (await call(other.url, 'POST', `${H}/tasks/${task.id}/quotes`, as(winner, { price_sats: 150, description: 'w' }))).body;
  const lost = (await call(other.url, 'POST', `${H}/tasks/${task.id}/quotes`, as(loser, { price_sats: 120, description: 'l' }))).body;
  expect((await call(one.url, 'POST', `${H}/tasks/${task.id}/quotes/${won.id}/accept`, as(buyer, {}))).status).toBe(200);
  const declined = await loserStream.next((e) => e.event === 'quote.declined');
  expect(declined.data).toEqual({ task_id: task.id, quote_id: lost.id, status: 'declined', price_sats: 120, contractor_profile: lost.contractor_profile, reason: 'another_quote_accepted', created_at: expect.any(Number) });
  expect(JSON.stringify(declined)).not.toMatch(/abl_/);
  const taken = await watcher.next((e) => e.event === 'task.left_open' && e.data.task_id === task.id);
  expect(taken.data).toEqual({ task_id: task.id, title: 'Two quotes', status: 'awarded', buyer_profile: task.buyer_profile, created_at: expect.any(Number) });

  // a cancelled task declines what was pending, told to that contractor alone
  const cancelled = (await call(one.url, 'POST', `${H}/tasks`, as(buyer, { title: 'Called off', description: 'd' }))).body;
  const pending = (await call(other.url, 'POST', `${H}/tasks/${cancelled.id}/quotes`, as(loser, { price_sats: 30, description: 'p' }))).body;
  expect((await call(one.url, 'POST', `${H}/tasks/${cancelled.id}/cancel`, as(buyer))).status).toBe(200);
  expect((await loserStream.next((e) => e.event === 'quote.declined' && e.data.task_id === cancelled.id)).data).toMatchObject({ quote_id: pending.id, reason: 'task_cancelled' });
  expect((await watcher.next((e) => e.event === 'task.left_open' && e.data.task_id === cancelled.id)).data.status).toBe('cancelled');

  // events reach a stream in id order: once the buyer and the winner hear a later event, a
  // declined quote meant for them would have come first
  await buyerStream.next((e) => e.event === 'task.cancelled');
  await call(one.url, 'POST', `${H}/tasks/${task.id}/quotes/${won.id}/messages`, as(buyer, { body: 'start' }));
  await winnerStream.next((e) => e.event === 'message.created');
  for (const s of [buyerStream, winnerStream]) expect(s.received.filter((e) => e.event === 'quote.declined' || e.event === 'task.left_open')).toEqual([]);
  expect(loserStream.received.filter((e) => e.event === 'quote.declined')).toHaveLength(2);
}

describe('AI for Hire live events', () => {
  let a: TestServer;
  let b: TestServer;
  const streams: SseClient[] = [];
  const as = (token: string, body?: unknown) => ({ headers: { 'x-token': token }, ...(body === undefined ? {} : { body }) });
  const listen = async (server: TestServer, token: string, query = '', headers: Record<string, string> = {}) => {
    const s = await openSse(`${server.url}${H}/events${query}`, { 'x-token': token, ...headers });
    streams.push(s);
    return s;
  };

  beforeAll(async () => {
    a = await startTestServer({ store: 'postgres' });
    b = await startTestServer({ store: 'postgres', databaseUrl: a.databaseUrl!, devnode: a.devnode });
  });
  afterAll(async () => {
    for (const s of streams) s.close();
    await b?.close();
    await a?.close();
  });

  it('tells each side of a milestone deal what happened, across instances, and nobody else', async () => {
    const [buyer, contractor, stranger] = [await buyToken(a, 1000), await buyToken(a, 100), await buyToken(a, 100)];
    const buyerStream = await listen(a, buyer);
    const contractorStream = await listen(b, contractor, '?new_tasks=true&match=poem'); // on the OTHER instance
    const strangerStream = await listen(b, stranger);

    await call(a.url, 'POST', `${H}/tasks`, as(buyer, { title: 'Unrelated chore', description: 'x' }));
    const milestones = [
      { title: 'First stanza', amount_sats: 100 },
      { title: 'Rest', amount_sats: 200, acceptance: { json_schema: { type: 'object', required: ['lines'] } } },
    ];
    const task = (await call(a.url, 'POST', `${H}/tasks`, as(buyer, { title: 'Translate a poem', description: 'Two parts.', milestones }))).body;
    const announced = await contractorStream.next((e) => e.event === 'task.created');
    expect(announced.data).toMatchObject({ task_id: task.id, title: 'Translate a poem', budget_sats: 300, milestones: 2 });

    const quote = (await call(b.url, 'POST', `${H}/tasks/${task.id}/quotes`, as(contractor, { price_sats: 300, description: 'On it' }))).body;
    expect((await buyerStream.next((e) => e.event === 'quote.created')).data).toMatchObject({ task_id: task.id, quote_id: quote.id, price_sats: 300 });
    await call(a.url, 'POST', `${H}/tasks/${task.id}/quotes/${quote.id}/messages`, as(buyer, { body: 'Keep the rhyme' }));
    expect((await contractorStream.next((e) => e.event === 'message.created')).data).toMatchObject({ task_id: task.id, sender: 'buyer' });
    await call(a.url, 'POST', `${H}/tasks/${task.id}/quotes/${quote.id}/accept`, as(buyer, {}));
    await contractorStream.next((e) => e.event === 'quote.accepted');
    await call(b.url, 'POST', `${H}/tasks/${task.id}/deliver`, as(contractor, { body: 'Stanza one' }));
    await buyerStream.next((e) => e.event === 'task.delivered');
    await call(a.url, 'POST', `${H}/tasks/${task.id}/confirm`, as(buyer));
    expect((await contractorStream.next((e) => e.event === 'milestone.released')).data).toMatchObject({ task_id: task.id, milestone: 0, amount_sats: 100, current_milestone: 1 });
    await call(b.url, 'POST', `${H}/tasks/${task.id}/deliver`, as(contractor, { body: '{"lines": ["..."]}' }));
    const completed = await buyerStream.next((e) => e.event === 'task.completed');
    expect(completed.data).toMatchObject({ task_id: task.id, status: 'completed', outcome: 'acceptance_check', released_sats: 100 });

    // the contractor never heard of the unrelated task; no event names a token
    expect(contractorStream.received.filter((e) => e.event === 'task.created')).toHaveLength(1);
    for (const s of [buyerStream, contractorStream]) expect(JSON.stringify(s.received)).not.toMatch(/abl_/);
    // the stranger's first event is its own: none of the deal's reached it
    await call(b.url, 'POST', `${H}/tasks`, as(stranger, { title: 'Mine', description: 'y' }));
    expect((await strangerStream.next(() => true)).data.title).toBe('Mine');
    expect(strangerStream.received.every((e) => e.data.task_id !== task.id)).toBe(true);

    // a reconnect with Last-Event-ID replays what came after it, in order
    const seen = buyerStream.received;
    const from = seen.findIndex((e) => e.event === 'quote.created');
    const again = await listen(b, buyer, '', { 'last-event-id': seen[from]!.id });
    const last = await again.next((e) => e.event === 'task.completed');
    expect(again.received.slice(0, again.received.indexOf(last) + 1).map((e) => e.id)).toEqual(seen.slice(from + 1, seen.indexOf(completed) + 1).map((e) => e.id));
  });

  it('tells a contractor whose quote lost, across instances, and only that contractor', async () => {
    await declinedQuotesCase(a, b, (sats) => buyToken(a, sats), streams);
  });

  it('a child token revoked on one instance: its stream held by the other ends before the next event concerning it', async () => {
    const [parent, contractor] = [await buyToken(a, 1000), await buyToken(a, 100)];
    const child = (await call(a.url, 'POST', '/api/v1/tokens', as(parent, { amount_sats: 300 }))).body;
    const stream = await listen(b, child.token);
    const task = (await call(a.url, 'POST', `${H}/tasks`, as(child.token, { title: 'Revoked later', description: 'd' }))).body;
    await stream.next((e) => e.event === 'task.created' && e.data.task_id === task.id);
    expect((await call(a.url, 'DELETE', `/api/v1/tokens/${child.id}`, as(parent))).status).toBe(200);
    expect((await call(a.url, 'POST', `${H}/tasks/${task.id}/quotes`, as(contractor, { price_sats: 10, description: 'after' }))).status).toBe(201);
    await stream.ended;
    expect(stream.received.map((e) => e.event)).toEqual(['task.created']);
    expect((await listen(b, child.token)).status).toBe(401);
  });

  it('refuses a stream without a valid token or with a bad Last-Event-ID, as JSON', async () => {
    const none = await openSse(`${a.url}${H}/events`, {});
    expect([none.status, none.error.error.code]).toEqual([401, 'missing_token']);
    const token = await buyToken(a, 1);
    const bad = await openSse(`${a.url}${H}/events`, { 'x-token': token, 'last-event-id': 'yesterday' });
    expect([bad.status, bad.error.error.code, bad.error.error.field]).toEqual([400, 'invalid_field_value', 'last_event_id']);
  });
});

describe('AI for Hire live events on the embedded store (PGlite, in process)', () => {
  let p: TestServer;
  beforeAll(async () => {
    p = await startTestServer({ store: 'pglite' });
  });
  afterAll(() => p?.close());

  it('streams what concerns the token', async () => {
    const buy = async (sats: number) => {
      const created = await call(p.url, 'POST', '/api/v1/topup', { body: { amount_sats: sats } });
      return (await call(p.url, 'POST', '/api/v1/topup/claim', { body: { preimage: await p.pay(created.body.invoice) } })).body.token as string;
    };
    const [buyer, contractor] = [await buy(500), await buy(100)];
    const stream = await openSse(`${p.url}${H}/events`, { 'x-token': buyer });
    try {
      const task = (await call(p.url, 'POST', `${H}/tasks`, { headers: { 'x-token': buyer }, body: { title: 'Embedded', description: 'z' } })).body;
      expect((await stream.next((e) => e.event === 'task.created')).data.task_id).toBe(task.id);
      await call(p.url, 'POST', `${H}/tasks/${task.id}/quotes`, { headers: { 'x-token': contractor }, body: { price_sats: 10, description: 'q' } });
      expect((await stream.next((e) => e.event === 'quote.created')).data).toMatchObject({ task_id: task.id, price_sats: 10 });
    } finally {
      stream.close();
    }
  });

  it('tells a contractor whose quote lost, and only that contractor', async () => {
    const streams: SseClient[] = [];
    const buy = async (sats: number) => {
      const created = await call(p.url, 'POST', '/api/v1/topup', { body: { amount_sats: sats } });
      return (await call(p.url, 'POST', '/api/v1/topup/claim', { body: { preimage: await p.pay(created.body.invoice) } })).body.token as string;
    };
    try {
      await declinedQuotesCase(p, p, buy, streams);
    } finally {
      for (const s of streams) s.close();
    }
  });
});
