// A local Nostr relay for tests, speaking NIP-01 over `ws`: EVENT (answered OK, the signature
// checked), REQ (stored events matching, EOSE, then live ones), CLOSE; filters by ids, kinds,
// authors, #p, #e, since, until, limit. Ephemeral kinds (20000–29999) are only passed on,
// replaceable ones (10000–19999) keep the latest per author and kind, as NIP-01 says.
import { listenOnStablePort } from './stable-port.js';
import { verifyEvent, type Event } from 'nostr-tools/pure';
import { WebSocketServer, type WebSocket } from 'ws';

export interface RelayFilter {
  ids?: string[];
  kinds?: number[];
  authors?: string[];
  since?: number;
  until?: number;
  limit?: number;
  '#p'?: string[];
  '#e'?: string[];
}

export interface TestRelay {
  url: string;
  /** every event accepted, in order (ephemeral ones too) */
  readonly events: Event[];
  /** resolves with the first accepted event that matches */
  waitForEvent(match: (event: Event) => boolean): Promise<Event>;
  /** connections accepted so far */
  connections(): number;
  /** the number of live subscriptions whose filters match this event */
  subscribersFor(event: Pick<Event, 'kind' | 'pubkey' | 'tags' | 'created_at' | 'id'>): number;
  /** closes every client connection, as a relay restart would; `keep`: spares connections with a subscription it picks */
  dropConnections(keep?: (filters: RelayFilter[]) => boolean): void;
  /** goes away (every connection closed, nothing listening) keeping what it stored, as a relay that is restarted */
  stop(): Promise<void>;
  /** listens again on the same address after stop() */
  start(): Promise<void>;
  close(): Promise<void>;
}

export function matches(filter: RelayFilter, event: Pick<Event, 'kind' | 'pubkey' | 'tags' | 'created_at' | 'id'>): boolean {
  if (filter.ids && !filter.ids.includes(event.id)) return false;
  if (filter.kinds && !filter.kinds.includes(event.kind)) return false;
  if (filter.authors && !filter.authors.includes(event.pubkey)) return false;
  if (filter.since !== undefined && event.created_at < filter.since) return false;
  if (filter.until !== undefined && event.created_at > filter.until) return false;
  for (const tag of ['p', 'e'] as const) {
    const wanted = filter[`#${tag}`];
    if (wanted && !event.tags.some((t) => t[0] === tag && wanted.includes(t[1] ?? ''))) return false;
  }
  return true;
}

export async function startTestRelay(): Promise<TestRelay> {
  const listen = async (port: number): Promise<WebSocketServer> => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => {
      wss.once('error', reject);
      wss.once('listening', () => {
        wss.off('error', reject);
        resolve();
      });
    });
    wss.on('connection', onConnection);
    return wss;
  };
  const stored: Event[] = [];
  const accepted: Event[] = [];
  const subs = new Map<WebSocket, Map<string, RelayFilter[]>>();
  const waiters = new Set<{ match: (e: Event) => boolean; resolve: (e: Event) => void }>();
  const send = (ws: WebSocket, message: unknown[]): void => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
  };

  const accept = (event: Event): void => {
    accepted.push(event);
    if (event.kind >= 10000 && event.kind < 20000) {
      const i = stored.findIndex((e) => e.kind === event.kind && e.pubkey === event.pubkey);
      if (i >= 0) stored.splice(i, 1);
    }
    if (!(event.kind >= 20000 && event.kind < 30000)) stored.push(event);
    for (const [ws, mine] of subs) {
      for (const [id, filters] of mine) if (filters.some((f) => matches(f, event))) send(ws, ['EVENT', id, event]);
    }
    for (const w of [...waiters]) {
      if (w.match(event)) {
        waiters.delete(w);
        w.resolve(event);
      }
    }
  };

  let connections = 0;
  function onConnection(ws: WebSocket): void {
    connections += 1;
    subs.set(ws, new Map());
    ws.on('close', () => subs.delete(ws));
    ws.on('message', (data) => {
      let message: unknown;
      try {
        message = JSON.parse(String(data));
      } catch {
        return send(ws, ['NOTICE', 'invalid: not JSON']);
      }
      if (!Array.isArray(message)) return send(ws, ['NOTICE', 'invalid: not an array']);
      const [type, ...rest] = message as [unknown, ...unknown[]];
      if (type === 'EVENT') {
        const event = rest[0] as Event;
        if (!event || typeof event.id !== 'string' || !verifyEvent({ id: event.id, pubkey: event.pubkey, created_at: event.created_at, kind: event.kind, tags: event.tags, content: event.content, sig: event.sig })) {
          return send(ws, ['OK', event?.id ?? '', false, 'invalid: bad signature']);
        }
        send(ws, ['OK', event.id, true, '']);
        return accept(event);
      }
      if (type === 'REQ') {
        const [id, ...filters] = rest as [string, ...RelayFilter[]];
        if (typeof id !== 'string') return send(ws, ['NOTICE', 'invalid: REQ without an id']);
        subs.get(ws)?.set(id, filters);
        const seen = new Set<string>();
        for (const filter of filters) {
          const found = stored.filter((e) => matches(filter, e)).sort((a, b) => b.created_at - a.created_at);
          for (const e of filter.limit !== undefined ? found.slice(0, filter.limit) : found) {
            if (seen.has(e.id)) continue;
            seen.add(e.id);
            send(ws, ['EVENT', id, e]);
          }
        }
        return send(ws, ['EOSE', id]);
      }
      if (type === 'CLOSE') {
        subs.get(ws)?.delete(String(rest[0]));
        return;
      }
      send(ws, ['NOTICE', `unknown message type ${String(type)}`]);
    });
  }

  // a stable port: it stops and listens again on the same address
  let server!: WebSocketServer;
  const port = await listenOnStablePort(async (p) => {
    server = await listen(p);
  });
  const stop = async (): Promise<void> => {
    for (const ws of server.clients) ws.terminate();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return {
    url: `ws://127.0.0.1:${port}`,
    events: accepted,
    waitForEvent: (match) => {
      const already = accepted.find(match);
      if (already) return Promise.resolve(already);
      return new Promise((resolve) => waiters.add({ match, resolve }));
    },
    connections: () => connections,
    subscribersFor: (event) => [...subs.values()].reduce((n, mine) => n + [...mine.values()].filter((fs) => fs.some((f) => matches(f, event))).length, 0),
    dropConnections: (keep) => {
      for (const ws of server.clients) {
        if (keep && [...(subs.get(ws)?.values() ?? [])].some(keep)) continue;
        ws.terminate();
      }
    },
    stop,
    start: async () => {
      server = await listen(port);
    },
    close: stop,
  };
}
