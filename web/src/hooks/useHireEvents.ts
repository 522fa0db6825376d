// Listens to the token's AI for Hire events through the app's one shared stream
// (api/hireEventStream.ts) and calls `onEvent` for each; answers whether the stream is open now
// (from then on nothing that happens is missed). The stream announces new open tasks too (a
// board needs them; other pages skip what is not theirs), so the board and a task page share it.
// An event that moved the token's money reads its balance at once, so the header follows it.
import { useEffect, useRef, useState } from 'react';
import { api } from '../api/client';
import { createHireEventStreams, type HireEvent } from '../api/hireEventStream';
import { oneAtATime } from '../lib/oneAtATime';

export { parseSse, reconnectDelayMs, type HireEvent } from '../api/hireEventStream';

const streams = createHireEventStreams({
  open: async (token, signal) => (await api.openEvents(token, signal, true)).body!,
  setTimer: (run, ms) => window.setTimeout(run, ms),
  clearTimer: (id) => window.clearTimeout(id),
});

/** events that move the listening token's balance: escrow released or refunded to it, its payouts */
const BALANCE_EVENTS = new Set(['milestone.released', 'task.completed', 'task.refunded', 'task.resolved', 'payout.completed', 'payout.failed']);
/** the balance read (it tells the header's store); the events of one moment share one */
const readBalance = oneAtATime((token: string) => api.getBalance(token));

export function useHireEvents(token: string | null, onEvent: (e: HireEvent) => void): boolean {
  const handler = useRef(onEvent);
  handler.current = onEvent;
  // a stream already open when the page comes is live from its first render
  const [connected, setConnected] = useState(() => token !== null && streams.isConnected(token));
  useEffect(() => {
    if (!token) {
      setConnected(false);
      return;
    }
    setConnected(streams.isConnected(token));
    return streams.subscribe(token, {
      event: (e) => {
        if (BALANCE_EVENTS.has(e.event)) readBalance(token);
        handler.current(e);
      },
      connected: setConnected,
    });
  }, [token]);
  return connected;
}
