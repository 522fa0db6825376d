// A Nostr Wallet Connect URI (NIP-47): nostr+walletconnect://<wallet service pubkey>?relay=<wss url>&secret=<hex key>.
// The secret is the client's own signing key for this connection; it is never put in an error.
import { getPublicKey } from 'nostr-tools/pure';

export interface NwcConnection {
  /** the wallet service's pubkey (x-only, 64 lower-case hex) */
  walletPubkey: string;
  /** relay URLs, in the URI's order (the first is used) */
  relays: string[];
  /** the client's secret key for this connection */
  secret: Uint8Array;
  /** the client's pubkey, derived from the secret */
  clientPubkey: string;
}

export class NwcUriError extends Error {
  override name = 'NwcUriError';
}

const HEX32 = /^[0-9a-fA-F]{64}$/;
const SCHEMES = ['nostr+walletconnect://', 'nostrwalletconnect://'];

/** Parses and checks a connection URI; the message of a refusal says what is wrong, never the secret. */
export function parseNwcUri(uri: string): NwcConnection {
  const scheme = SCHEMES.find((s) => uri.toLowerCase().startsWith(s));
  if (!scheme) throw new NwcUriError('must start with nostr+walletconnect://');
  const rest = uri.slice(scheme.length);
  const q = rest.indexOf('?');
  const walletPubkey = (q >= 0 ? rest.slice(0, q) : rest).replace(/\/$/, '');
  if (!HEX32.test(walletPubkey)) throw new NwcUriError('the wallet service pubkey (after //) must be 64 hex characters');
  const query = new URLSearchParams(q >= 0 ? rest.slice(q + 1) : '');
  const relays = query.getAll('relay').map((r) => r.trim()).filter((r) => r !== '');
  if (relays.length === 0) throw new NwcUriError('names no relay (relay=wss://…)');
  for (const relay of relays) {
    let url: URL;
    try {
      url = new URL(relay);
    } catch {
      throw new NwcUriError('a relay is not a URL');
    }
    if (url.protocol !== 'wss:' && url.protocol !== 'ws:') throw new NwcUriError('a relay must be a wss:// (or ws://) URL');
  }
  const secretHex = query.get('secret') ?? '';
  if (!HEX32.test(secretHex)) throw new NwcUriError('secret must be 64 hex characters');
  const secret = Uint8Array.from(Buffer.from(secretHex, 'hex'));
  let clientPubkey: string;
  try {
    clientPubkey = getPublicKey(secret);
  } catch {
    throw new NwcUriError('secret is not a valid key');
  }
  return { walletPubkey: walletPubkey.toLowerCase(), relays, secret, clientPubkey };
}
