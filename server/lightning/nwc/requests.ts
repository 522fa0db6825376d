// NIP-47 events: requests (kind 23194) to the wallet service, its responses (23195) and
// notifications (23196 with NIP-04, 23197 with NIP-44), and its info event (13194), which tells
// the methods, notifications and encryptions it supports. Content is JSON, encrypted to the peer.
import { finalizeEvent, type Event, type VerifiedEvent } from 'nostr-tools/pure';
import * as nip04 from 'nostr-tools/nip04';
import * as nip44 from 'nostr-tools/nip44';
import type { NwcConnection } from './connection.js';

export const KIND_INFO = 13194;
export const KIND_REQUEST = 23194;
export const KIND_RESPONSE = 23195;
export const KIND_NOTIFICATION_NIP04 = 23196;
export const KIND_NOTIFICATION_NIP44 = 23197;

export type Encryption = 'nip04' | 'nip44_v2';

export interface WalletServiceInfo {
  methods: string[];
  notifications: string[];
  encryption: Encryption;
}

/** What the info event advertises; NIP-44 when offered, otherwise NIP-04 (no encryption tag: NIP-04 only). */
export function readInfoEvent(event: Event | null): WalletServiceInfo {
  if (!event) return { methods: [], notifications: [], encryption: 'nip04' };
  const tag = (name: string): string[] => (event.tags.find((t) => t[0] === name)?.[1] ?? '').split(/\s+/).filter((s) => s !== '');
  return {
    methods: event.content.split(/\s+/).filter((s) => s !== ''),
    notifications: tag('notifications'),
    encryption: tag('encryption').includes('nip44_v2') ? 'nip44_v2' : 'nip04',
  };
}

export function encrypt(conn: NwcConnection, encryption: Encryption, text: string): string {
  return encryption === 'nip44_v2' ? nip44.encrypt(text, nip44.getConversationKey(conn.secret, conn.walletPubkey)) : nip04.encrypt(conn.secret, conn.walletPubkey, text);
}

export function decrypt(conn: NwcConnection, encryption: Encryption, content: string): string {
  return encryption === 'nip44_v2' ? nip44.decrypt(content, nip44.getConversationKey(conn.secret, conn.walletPubkey)) : nip04.decrypt(conn.secret, conn.walletPubkey, content);
}

/** A signed request; it expires (NIP-40) when the caller stops waiting, so a late wallet drops it. */
export function requestEvent(conn: NwcConnection, encryption: Encryption, method: string, params: Record<string, unknown>, nowSeconds: number, expiresAt: number): VerifiedEvent {
  const tags = [['p', conn.walletPubkey], ['expiration', String(expiresAt)]];
  if (encryption === 'nip44_v2') tags.push(['encryption', 'nip44_v2']);
  return finalizeEvent({ kind: KIND_REQUEST, created_at: nowSeconds, tags, content: encrypt(conn, encryption, JSON.stringify({ method, params })) }, conn.secret);
}

/** the request an event answers (its e tag) */
export function answeredRequest(event: Event): string | null {
  return event.tags.find((t) => t[0] === 'e')?.[1] ?? null;
}
