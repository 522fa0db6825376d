// Listens to the token's AI for Hire events through the app's one shared stream
// (api/hireEventStream.ts) and calls `onEvent` for each; answers whether the stream is open now
// (from then on nothing that happens is missed). The stream announces new open tasks too (a
// board needs them; other pages skip what is not theirs), so the board and a task page share it.
import { useEffect, useRef, useState } from 'react';
import { api } from '../api/client';
import { createHireEventStreams, type HireEvent } from '../api/hireEventStream';

export { parseSse, reconnectDelayMs, type HireEvent } from '../api/hireEventStream';

const streams = createHireEventStreams({
  open: async (token, signal) => (await api.openEvents(token, signal, true)).body!,
  setTimer: (run, ms) => window.setTimeout(run, ms),
  clearTimer: (id) => window.clearTimeout(id),
});

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
    return streams.subscribe(token, { event: (e) => handler.current(e), connected: setConnected });
  }, [token]);
  return connected;
}
