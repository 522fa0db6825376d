// Listens to the token's AI for Hire events (GET /events, server-sent events read through fetch,
// since EventSource cannot send X-Token) and calls `onEvent` for each; reconnects after a drop.
import { useEffect, useRef, useState } from 'react';
import { api } from '../api/client';

export interface HireEvent {
  id: string;
  event: string;
  data: { task_id?: string | null; [key: string]: unknown };
}

const RECONNECT_MS = 5_000;

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
    const connect = async (): Promise<void> => {
      try {
        const res = await api.openEvents(token, abort.signal, newTasks);
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
      } catch {
        // dropped or refused: the page's own refresh still runs; try again later
      }
      setConnected(false);
      if (!abort.signal.aborted) retry = window.setTimeout(() => void connect(), RECONNECT_MS);
    };
    void connect();
    return () => {
      abort.abort();
      window.clearTimeout(retry);
    };
  }, [token, newTasks]);
  return connected;
}
