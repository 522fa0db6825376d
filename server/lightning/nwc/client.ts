// One session with the wallet service over its relay (nostr-tools' Relay on `ws`, since Node 20 has
// no global WebSocket): the service's info event read once, then one subscription for the
// responses and notifications addressed to this client. A request is published only after that
// subscription is live, because NIP-47 events are ephemeral: a relay keeps none for later (so the
// subscription has no `since`: a wallet's clock may be behind ours, and old answers match no request).
import { AbstractRelay as Relay } from 'nostr-tools/abstract-relay';
import { verifyEvent, type Event } from 'nostr-tools/pure';
import WebSocket from 'ws';
import type { NwcConnection } from './connection.js';
import {
  KIND_INFO,
  KIND_NOTIFICATION_NIP04,
  KIND_NOTIFICATION_NIP44,
  KIND_RESPONSE,
  answeredRequest,
  decrypt,
  readInfoEvent,
  requestEvent,
  type WalletServiceInfo,
} from './requests.js';
import { notificationSchema, parseAs, responseSchema } from './responses.js';

/**
 * `ws` with an error listener of its own: nostr-tools closes a socket still connecting when its
 * connect times out (a relay that accepts and never answers) and drops its own listener at once, so
 * the socket's "closed before the connection was established" error would have none and take the
 * process down. Errors still reach nostr-tools through `onerror` while it listens.
 */
class RelaySocket extends WebSocket {
  constructor(...args: ConstructorParameters<typeof WebSocket>) {
    super(...args);
    this.on('error', () => {});
  }
}

export interface NwcAnswer {
  error: { code: string; message: string } | null;
  result: unknown;
}

/** The relay could not be reached, or refused the request: the wallet service never saw it. */
export class NwcUnreachable extends Error {
  override name = 'NwcUnreachable';
}

/** The request went out and no answer came in time (or the connection dropped): its outcome is not known. */
export class NwcNoAnswer extends Error {
  override name = 'NwcNoAnswer';
}

export interface NwcClientOptions {
  connectTimeoutMs: number;
  now: () => number;
}

interface Session {
  relay: Relay;
  info: WalletServiceInfo;
  closed: Promise<void>;
}

export class NwcClient {
  private session: Promise<Session> | null = null;
  private readonly waiting = new Map<string, (answer: NwcAnswer) => void>();
  private readonly dropped = new Set<() => void>();
  private readonly notified = new Set<(type: string, notification: unknown) => void>();
  private closing = false;

  constructor(
    private readonly conn: NwcConnection,
    private readonly opts: NwcClientOptions,
  ) {}

  /** what the wallet service advertises (methods, notifications, encryption) */
  async info(): Promise<WalletServiceInfo> {
    return (await this.open()).info;
  }

  /**
   * Sends one request and waits for its answer. Throws NwcUnreachable when it could not be sent,
   * NwcNoAnswer when it was sent and nothing came back within `timeoutMs`.
   */
  async request(method: string, params: Record<string, unknown>, timeoutMs: number): Promise<NwcAnswer> {
    const session = await this.open();
    const now = this.opts.now();
    // the expiration leaves room for a wallet whose clock is behind; an answer after the wait is read back later
    const event = requestEvent(this.conn, session.info.encryption, method, params, now, now + Math.ceil(timeoutMs / 1000) + 60);
    let timer: NodeJS.Timeout | undefined;
    let onDrop: (() => void) | undefined;
    const answered = new Promise<NwcAnswer>((resolve, reject) => {
      this.waiting.set(event.id, resolve);
      timer = setTimeout(() => reject(new NwcNoAnswer(`no answer to ${method} within ${timeoutMs} ms`)), timeoutMs);
      onDrop = () => reject(new NwcNoAnswer(`the relay connection closed before ${method} was answered`));
      this.dropped.add(onDrop);
    });
    answered.catch(() => undefined);
    try {
      try {
        await session.relay.publish(event);
      } catch (err) {
        // a refusal (OK false) or a failed send: the wallet service never saw it
        if (!String(err).includes('timed out')) throw new NwcUnreachable(`the relay did not take the ${method} request: ${String(err instanceof Error ? err.message : err)}`);
      }
      return await answered;
    } finally {
      clearTimeout(timer);
      this.waiting.delete(event.id);
      if (onDrop) this.dropped.delete(onDrop);
    }
  }

  /** Tells of every notification while the session lasts (onLive: once listening); resolves when it ends. */
  async notifications(listener: (type: string, notification: unknown) => void, signal: AbortSignal, onLive?: () => void): Promise<void> {
    const session = await this.open();
    this.notified.add(listener);
    onLive?.();
    try {
      await Promise.race([session.closed, new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }))]);
    } finally {
      this.notified.delete(listener);
    }
    if (!signal.aborted) throw new Error('the relay connection closed');
  }

  close(): void {
    this.closing = true;
    const session = this.session;
    this.session = null;
    void session?.then((s) => s.relay.close(), () => undefined);
  }

  private open(): Promise<Session> {
    if (this.closing) return Promise.reject(new NwcUnreachable('closed'));
    this.session ??= this.connect().catch((err: unknown) => {
      this.session = null;
      throw err;
    });
    return this.session;
  }

  private async connect(): Promise<Session> {
    const url = this.conn.relays[0] ?? '';
    let relay: Relay;
    try {
      // pings find a connection that died without a close (a NAT dropping it): the session is then renewed
      // the socket given per relay (nostr-tools' module-wide choice is whoever set it last); typed as the DOM's WebSocket, which `ws` implements
      relay = new Relay(url, { verifyEvent, enablePing: true, websocketImplementation: RelaySocket as unknown as typeof globalThis.WebSocket });
      await relay.connect({ timeout: this.opts.connectTimeoutMs });
    } catch (err) {
      throw new NwcUnreachable(`relay ${url} unreachable: ${err instanceof Error ? err.message : String(err)}`);
    }
    try {
      const infoEvent = await this.fetchOne(relay, { kinds: [KIND_INFO], authors: [this.conn.walletPubkey], limit: 1 });
      const info = readInfoEvent(infoEvent);
      const closed = new Promise<void>((resolve) => {
        relay.onclose = () => {
          this.session = null;
          for (const drop of [...this.dropped]) drop();
          resolve();
        };
      });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new NwcUnreachable(`relay ${url} did not answer the subscription`)), this.opts.connectTimeoutMs);
        relay.subscribe(
          [{ kinds: [KIND_RESPONSE, info.encryption === 'nip44_v2' ? KIND_NOTIFICATION_NIP44 : KIND_NOTIFICATION_NIP04], authors: [this.conn.walletPubkey], '#p': [this.conn.clientPubkey] }],
          {
            onevent: (event) => this.received(event, info),
            oneose: () => {
              clearTimeout(timer);
              resolve();
            },
            onclose: (reason) => {
              clearTimeout(timer);
              reject(new NwcUnreachable(`relay ${url} closed the subscription: ${reason}`));
            },
          },
        );
      });
      return { relay, info, closed };
    } catch (err) {
      relay.close();
      throw err instanceof NwcUnreachable ? err : new NwcUnreachable(`relay ${url}: ${String(err)}`);
    }
  }

  private fetchOne(relay: Relay, filter: { kinds: number[]; authors: string[]; limit: number }): Promise<Event | null> {
    return new Promise((resolve, reject) => {
      let latest: Event | null = null;
      const timer = setTimeout(() => reject(new NwcUnreachable(`relay ${relay.url} did not answer`)), this.opts.connectTimeoutMs);
      const sub = relay.subscribe([filter], {
        onevent: (event) => {
          if (event.pubkey === this.conn.walletPubkey && (!latest || event.created_at > latest.created_at)) latest = event;
        },
        oneose: () => {
          clearTimeout(timer);
          sub.close();
          resolve(latest);
        },
        onclose: () => {
          clearTimeout(timer);
          resolve(latest);
        },
      });
    });
  }

  private received(event: Event, info: WalletServiceInfo): void {
    if (event.pubkey !== this.conn.walletPubkey) return; // the relay verified the signature; the author must be the service
    let body: unknown;
    try {
      body = JSON.parse(decrypt(this.conn, info.encryption, event.content));
    } catch {
      return; // not for us, or not readable
    }
    if (event.kind === KIND_RESPONSE) {
      const requestId = answeredRequest(event);
      const resolve = requestId ? this.waiting.get(requestId) : undefined;
      const parsed = parseAs(responseSchema, body);
      if (!resolve || !parsed) return;
      resolve({ error: parsed.error ? { code: parsed.error.code, message: parsed.error.message } : null, result: parsed.result ?? null });
      return;
    }
    const notification = parseAs(notificationSchema, body);
    if (!notification) return;
    for (const listener of this.notified) listener(notification.notification_type, notification.notification);
  }
}
