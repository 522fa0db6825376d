// One live event stream (GET /events, read through fetch since EventSource cannot send X-Token)
// for the whole app, shared by the pages that listen: every connection counts against the
// marketplace's per-address limit, so moving between the board and a task must not reconnect.
// It opens with the first listener, stays open while any listens and for LINGER_MS after the
// last one left, and reconnects after a drop, waiting longer after each failure in a row (at
// least what a 429's Retry-After asks). Timers come in through `deps`: tests drive them.
import { isApiError } from './errors';

export interface HireEvent {
  id: string;
  event: string;
  data: { task_id?: string | null; [key: string]: unknown };
}

export interface HireEventListener {
  event: (e: HireEvent) => void;
  /** the stream opened (true) or dropped (false) */
  connected: (open: boolean) => void;
}

export interface HireEventStreamDeps {
  /** opens the token's stream with new open tasks announced; rejects with the refusal */
  open: (token: string, signal: AbortSignal) => Promise<ReadableStream<Uint8Array>>;
  setTimer: (run: () => void, ms: number) => number;
  clearTimer: (id: number) => void;
}

const RECONNECT_MS = 5_000;
const RECONNECT_MAX_MS = 60_000;
/** how long a stream nobody listens to stays open: the next page of a navigation picks it up */
export const LINGER_MS = 60_000;

/** The wait before reconnecting after `failures` failed or dropped connections in a row (from 1). */
export function reconnectDelayMs(failures: number, retryAfterSeconds?: number): number {
  const backoff = Math.min(RECONNECT_MAX_MS, RECONNECT_MS * 2 ** Math.max(0, failures - 1));
  return Math.max(backoff, (retryAfterSeconds ?? 0) * 1000);
}

/** Splits a text/event-stream buffer into complete events and the rest. */
export function parseSse(buffer: string): { events: HireEvent[]; rest: string } {
  const events: HireEvent[] = [];
  let rest = buffer;
  for (let cut = rest.indexOf('\n\n'); cut >= 0; cut = rest.indexOf('\n\n')) {
    const lines = rest.slice(0, cut).split('\n');
    rest = rest.slice(cut + 2);
    const field = (name: string) => lines.find((l) => l.startsWith(`${name}: `))?.slice(name.length + 2);
    const event = field('event');
    if (event) events.push({ id: field('id') ?? '', event, data: JSON.parse(field('data') ?? '{}') });
  }
  return { events, rest };
}

interface Stream {
  token: string;
  listeners: Set<HireEventListener>;
  connected: boolean;
  abort: AbortController;
  retry: number | undefined;
  linger: number | undefined;
}

export interface HireEventStreams {
  /** listens to `token`'s events; the answer stops listening */
  subscribe: (token: string, listener: HireEventListener) => () => void;
  /** whether `token`'s stream is open now */
  isConnected: (token: string) => boolean;
}

export function createHireEventStreams(deps: HireEventStreamDeps): HireEventStreams {
  // one token at a time: another token's stream (a token forgotten or changed) is closed at once
  let stream: Stream | null = null;

  const close = (s: Stream): void => {
    s.abort.abort();
    if (s.retry !== undefined) deps.clearTimer(s.retry);
    if (s.linger !== undefined) deps.clearTimer(s.linger);
    if (stream === s) stream = null;
  };

  const setConnected = (s: Stream, open: boolean): void => {
    if (s.connected === open) return;
    s.connected = open;
    for (const l of [...s.listeners]) l.connected(open);
  };

  const run = async (s: Stream): Promise<void> => {
    let failures = 0;
    while (!s.abort.signal.aborted) {
      let retryAfter: number | undefined;
      try {
        const body = await deps.open(s.token, s.abort.signal);
        failures = 0;
        setConnected(s, true);
        const reader = body.getReader();
        const decoder = new TextDecoder();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          const parsed = parseSse(buffer + decoder.decode(value, { stream: true }));
          buffer = parsed.rest;
          for (const e of parsed.events) for (const l of [...s.listeners]) l.event(e);
        }
      } catch (e) {
        // dropped or refused: the pages' own fallback refresh runs meanwhile; try again later
        if (isApiError(e)) retryAfter = e.retryAfterSeconds;
      }
      setConnected(s, false);
      if (s.abort.signal.aborted) return;
      failures += 1;
      await new Promise<void>((resolve) => {
        s.retry = deps.setTimer(resolve, reconnectDelayMs(failures, retryAfter));
      });
      s.retry = undefined;
    }
  };

  return {
    subscribe(token, listener) {
      if (stream && stream.token !== token) close(stream);
      if (!stream) {
        stream = { token, listeners: new Set(), connected: false, abort: new AbortController(), retry: undefined, linger: undefined };
        void run(stream);
      }
      const s = stream;
      if (s.linger !== undefined) deps.clearTimer(s.linger);
      s.linger = undefined;
      s.listeners.add(listener);
      return () => {
        s.listeners.delete(listener);
        if (s.listeners.size === 0 && stream === s) s.linger = deps.setTimer(() => close(s), LINGER_MS);
      };
    },
    isConnected: (token) => stream?.token === token && stream.connected,
  };
}
