// Listens to the token's AI for Hire events (GET /events, server-sent events read through fetch,
// since EventSource cannot send X-Token) and calls `onEvent` for each; reconnects after a drop,
// waiting longer after each failure in a row (and at least what a 429's Retry-After asks).
import { useEffect, useRef, useState } from 'react';
import { api } from '../api/client';
import { isApiError } from '../api/errors';

export interface HireEvent {
  id: string;
  event: string;
  data: { task_id?: string | null; [key: string]: unknown };
}

const RECONNECT_MS = 5_000;
const RECONNECT_MAX_MS = 60_000;

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

/**
 * `newTasks`: also new open tasks and open tasks leaving the open list (anyone's, as a board needs).
 * Answers whether the stream is open now (from then on nothing that happens is missed).
 */
export function useHireEvents(token: string | null, onEvent: (e: HireEvent) => void, newTasks = false): boolean {
  const handler = useRef(onEvent);
  handler.current = onEvent;
  const [connected, setConnected] = useState(false);
  useEffect(() => {
    setConnected(false);
    if (!token) return;
    const abort = new AbortController();
    let retry: number | undefined;
    let failures = 0;
    const connect = async (): Promise<void> => {
      let retryAfter: number | undefined;
      try {
        const res = await api.openEvents(token, abort.signal, newTasks);
        failures = 0;
        setConnected(true);
        const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          const parsed = parseSse(buffer + value);
          buffer = parsed.rest;
          parsed.events.forEach((e) => handler.current(e));
        }
      } catch (e) {
        // dropped or refused: the page's own fallback refresh runs meanwhile; try again later
        if (isApiError(e)) retryAfter = e.retryAfterSeconds;
      }
      setConnected(false);
      failures += 1;
      if (!abort.signal.aborted) retry = window.setTimeout(() => void connect(), reconnectDelayMs(failures, retryAfter));
    };
    void connect();
    return () => {
      abort.abort();
      window.clearTimeout(retry);
    };
  }, [token, newTasks]);
  return connected;
}
