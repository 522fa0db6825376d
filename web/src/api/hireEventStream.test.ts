// The shared event stream: one connection for every page that listens (each counts against the
// per-address limit), kept across a navigation, closed a while after the last page left; and the
// SSE parsing and reconnect waits. Timers are fakes fired by hand.
import { describe, expect, it } from 'vitest';
import { ApiError } from './errors';
import { createHireEventStreams, LINGER_MS, parseSse, reconnectDelayMs, type HireEvent } from './hireEventStream';

describe('parseSse', () => {
  it('reads complete events, skips comments, keeps a partial one for the next chunk', () => {
    const { events, rest } = parseSse(': hello\n\nid: 7\nevent: quote.created\ndata: {"task_id":"t1"}\n\nid: 8\nevent: task.deliv');
    expect(events).toEqual([{ id: '7', event: 'quote.created', data: { task_id: 't1' } }]);
    expect(parseSse(rest + 'ered\ndata: {"task_id":"t1"}\n\n').events).toEqual([{ id: '8', event: 'task.delivered', data: { task_id: 't1' } }]);
  });
});

describe('reconnectDelayMs', () => {
  it('waits longer after each failure in a row, up to a minute', () => {
    expect([1, 2, 3, 4, 5, 9].map((n) => reconnectDelayMs(n))).toEqual([5_000, 10_000, 20_000, 40_000, 60_000, 60_000]);
  });

  it('waits at least what a 429 asked for', () => {
    expect(reconnectDelayMs(1, 45)).toBe(45_000);
    expect(reconnectDelayMs(4, 1)).toBe(40_000);
  });
});

/** a server whose connections the test writes to and ends, and timers it fires by hand */
function rig() {
  const opened: { token: string; signal: AbortSignal; send: (text: string) => void; end: () => void }[] = [];
  let refuse: ApiError | null = null;
  const timers = new Map<number, { run: () => void; ms: number }>();
  let nextTimer = 1;
  const streams = createHireEventStreams({
    open: async (token, signal) => {
      if (refuse) throw refuse;
      let controller!: ReadableStreamDefaultController<Uint8Array>;
      const body = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) });
      signal.addEventListener('abort', () => controller.error(new Error('aborted')));
      opened.push({ token, signal, send: (t) => controller.enqueue(new TextEncoder().encode(t)), end: () => controller.close() });
      return body;
    },
    setTimer: (run, ms) => (timers.set(nextTimer, { run, ms }), nextTimer++),
    clearTimer: (id) => void timers.delete(id),
  });
  const fire = (ms: number) => {
    for (const [id, t] of [...timers]) if (t.ms === ms) (timers.delete(id), t.run());
  };
  const listener = () => {
    const heard = { events: [] as HireEvent[], open: [] as boolean[] };
    return { heard, listener: { event: (e: HireEvent) => heard.events.push(e), connected: (o: boolean) => heard.open.push(o) } };
  };
  return { streams, opened, timers, fire, listener, refuse: (e: ApiError | null) => void (refuse = e) };
}

/** lets the promise work already queued (the stream's reads) run: nothing here waits on time, every timer is fired by hand */
const settle = () => new Promise((r) => setImmediate(r));

describe('createHireEventStreams', () => {
  it('gives every page one connection and keeps it across a navigation', async () => {
    const r = rig();
    const board = r.listener();
    const leaveBoard = r.streams.subscribe('abl_a', board.listener);
    await settle();
    expect(r.opened).toHaveLength(1);
    expect(board.heard.open).toEqual([true]);

    // the board leaves, the task page comes: the same connection, open from the start
    leaveBoard();
    const task = r.listener();
    r.streams.subscribe('abl_a', task.listener);
    expect(r.streams.isConnected('abl_a')).toBe(true);
    r.opened[0]!.send('id: 1\nevent: quote.created\ndata: {"task_id":"t1"}\n\n');
    await settle();
    expect(r.opened).toHaveLength(1);
    expect(task.heard.events.map((e) => e.event)).toEqual(['quote.created']);
    expect(board.heard.events).toEqual([]);
  });

  it('closes the connection a while after the last page left, and another token’s at once', async () => {
    const r = rig();
    const leave = r.streams.subscribe('abl_a', r.listener().listener);
    await settle();
    leave();
    expect(r.opened[0]!.signal.aborted).toBe(false);
    r.fire(LINGER_MS);
    expect(r.opened[0]!.signal.aborted).toBe(true);
    expect(r.streams.isConnected('abl_a')).toBe(false);

    r.streams.subscribe('abl_b', r.listener().listener);
    await settle();
    r.streams.subscribe('abl_c', r.listener().listener);
    await settle();
    expect(r.opened.map((o) => [o.token, o.signal.aborted])).toEqual([
      ['abl_a', true],
      ['abl_b', true],
      ['abl_c', false],
    ]);
  });

  it('reconnects after a drop, after a 429 not before its Retry-After', async () => {
    const r = rig();
    const page = r.listener();
    r.streams.subscribe('abl_a', page.listener);
    await settle();
    r.refuse(new ApiError({ code: 'rate_limited', message: 'Too many requests.', status: 429, retryAfterSeconds: 45 }));
    r.opened[0]!.end();
    await settle();
    expect(page.heard.open).toEqual([true, false]);
    r.fire(5_000); // a plain drop waits 5 s
    await settle();
    expect([...r.timers.values()].map((t) => t.ms)).toEqual([45_000]);
    r.refuse(null);
    r.fire(45_000);
    await settle();
    expect(r.opened).toHaveLength(2);
    expect(page.heard.open).toEqual([true, false, true]);
  });
});
