// A fake Nostr Wallet Connect wallet service, written from NIP-47: it publishes its info event
// (kind 13194), listens on a relay for requests (23194) addressed to its pubkey from its one
// client, and answers them (23195) by driving a FakeNode, so invoices are real BOLT11s and
// payments really move (hold invoices too: make/settle/cancel_hold_invoice). Settled invoices are told as payment_received notifications (23196 with
// NIP-04, 23197 with NIP-44). Faults: a request left unanswered, an error answer, an answer held.
import * as nip04 from 'nostr-tools/nip04';
import * as nip44 from 'nostr-tools/nip44';
import { finalizeEvent, generateSecretKey, getPublicKey, type Event } from 'nostr-tools/pure';
import { Relay, useWebSocketImplementation } from 'nostr-tools/relay';
import WebSocket from 'ws';
import { FakeNode, PayRefusal, type FakeInvoice, type FakePayment } from './node.js';

useWebSocketImplementation(WebSocket);

export interface FakeNwcOptions {
  relayUrl: string;
  /** what the info event advertises: NIP-44 and NIP-04 (default), or NIP-04 only (an older wallet: no encryption tag) */
  encryption?: 'nip44_v2 nip04' | 'nip04';
  /** whether payment_received (and hold_invoice_accepted) notifications are sent and advertised; default true */
  notifications?: boolean;
  /** whether the hold invoice methods are offered; default true */
  holdInvoices?: boolean;
}

export interface FakeNwc {
  walletPubkey: string;
  clientPubkey: string;
  /** the connection URI for the client, on this relay or another */
  uri(relayUrl?: string): string;
  /** every request read, in order (method, params, the encryption it came with) */
  readonly requests: { method: string; params: Record<string, unknown>; encryption: 'nip04' | 'nip44_v2' }[];
  /** the next request of this method is read but never answered nor acted on */
  ignoreNext(method: string): void;
  /** the next request of this method is answered with this NIP-47 error, and not acted on */
  answerNextWithError(method: string, code: string, message?: string): void;
  /** the next answer to this method is held (the work is done) until the returned function is called */
  holdNextAnswer(method: string): () => void;
  close(): Promise<void>;
}

type Fault = { method: string; kind: 'ignore' } | { method: string; kind: 'error'; code: string; message: string } | { method: string; kind: 'hold'; release: Promise<void> };

const BASIC = ['make_invoice', 'lookup_invoice', 'pay_invoice', 'get_info', 'get_balance'];
const HOLD = ['make_hold_invoice', 'settle_hold_invoice', 'cancel_hold_invoice'];
const errorOf = (code: string, message: string) => ({ code, message });

export async function startFakeNwc(node: FakeNode, opts: FakeNwcOptions): Promise<FakeNwc> {
  const walletSecret = generateSecretKey();
  const clientSecret = generateSecretKey();
  const walletPubkey = getPublicKey(walletSecret);
  const clientPubkey = getPublicKey(clientSecret);
  const advertised = opts.encryption ?? 'nip44_v2 nip04';
  const nip44Ok = advertised.includes('nip44_v2');
  const notify = opts.notifications ?? true;
  const METHODS = [...BASIC, ...((opts.holdInvoices ?? true) ? HOLD : [])];
  const requests: FakeNwc['requests'] = [];
  const faults: Fault[] = [];
  let relay!: Relay;
  let closing = false;
  const now = (): number => Math.floor(Date.now() / 1000);

  const seal = (encryption: 'nip04' | 'nip44_v2', text: string): string =>
    encryption === 'nip44_v2' ? nip44.encrypt(text, nip44.getConversationKey(walletSecret, clientPubkey)) : nip04.encrypt(walletSecret, clientPubkey, text);
  const open = (encryption: 'nip04' | 'nip44_v2', text: string): string =>
    encryption === 'nip44_v2' ? nip44.decrypt(text, nip44.getConversationKey(walletSecret, clientPubkey)) : nip04.decrypt(walletSecret, clientPubkey, text);

  const answer = async (request: Event, encryption: 'nip04' | 'nip44_v2', body: Record<string, unknown>): Promise<void> => {
    const tags = [['p', clientPubkey], ['e', request.id]];
    if (encryption === 'nip44_v2') tags.push(['encryption', 'nip44_v2']);
    await relay.publish(finalizeEvent({ kind: 23195, created_at: now(), tags, content: seal(encryption, JSON.stringify(body)) }, walletSecret));
  };

  const takeFault = (method: string): Fault | undefined => {
    const i = faults.findIndex((f) => f.method === method);
    return i >= 0 ? faults.splice(i, 1)[0] : undefined;
  };

  async function handle(request: Event): Promise<void> {
    if (request.pubkey !== clientPubkey) return; // not our client: not answered
    const expiration = Number(request.tags.find((t) => t[0] === 'expiration')?.[1] ?? Infinity);
    if (expiration < now()) return;
    const tagged = request.tags.find((t) => t[0] === 'encryption')?.[1];
    const encryption = tagged === 'nip44_v2' ? 'nip44_v2' : 'nip04';
    let body: { method?: unknown; params?: unknown };
    try {
      body = JSON.parse(open(encryption, request.content)) as typeof body;
    } catch {
      return;
    }
    const method = String(body.method);
    const params = (body.params ?? {}) as Record<string, unknown>;
    requests.push({ method, params, encryption });
    if (encryption === 'nip44_v2' && !nip44Ok) return answer(request, 'nip04', { result_type: method, error: errorOf('UNSUPPORTED_ENCRYPTION', 'nip44 is not supported'), result: null });
    const fault = takeFault(method);
    if (fault?.kind === 'ignore') return;
    if (fault?.kind === 'error') return answer(request, encryption, { result_type: method, error: errorOf(fault.code, fault.message), result: null });
    const reply = await serve(method, params);
    if (fault?.kind === 'hold') await fault.release;
    await answer(request, encryption, { result_type: method, ...reply });
  }

  async function serve(method: string, params: Record<string, unknown>): Promise<{ result: unknown; error: unknown }> {
    const ok = (result: unknown) => ({ result, error: null });
    const err = (code: string, message: string) => ({ result: null, error: errorOf(code, message) });
    if (!METHODS.includes(method)) return err('NOT_IMPLEMENTED', `${method} is not supported`);
    switch (method) {
      case 'make_invoice':
      case 'make_hold_invoice': {
        if (typeof params.amount !== 'number' || params.amount <= 0) return err('OTHER', 'amount is required');
        const holdHash = method === 'make_hold_invoice' ? String(params.payment_hash ?? '') : null;
        if (holdHash !== null && !/^[0-9a-f]{64}$/.test(holdHash)) return err('OTHER', 'payment_hash is required');
        const invoice = node.createInvoice({ amountMsat: BigInt(params.amount), description: String(params.description ?? ''), expirySeconds: typeof params.expiry === 'number' ? params.expiry : 86_400, ...(holdHash ? { holdHash } : {}) });
        return ok(incoming(invoice));
      }
      case 'settle_hold_invoice': {
        const outcome = node.settleHold(String(params.preimage ?? ''));
        if (outcome === 'unknown') return err('NOT_FOUND', 'hold invoice not found');
        return outcome === 'settled' ? ok({}) : err('OTHER', 'nothing is held for this invoice');
      }
      case 'cancel_hold_invoice': {
        const outcome = node.cancelHold(String(params.payment_hash ?? ''));
        if (outcome === 'unknown') return err('NOT_FOUND', 'hold invoice not found');
        return outcome === 'canceled' ? ok({}) : err('OTHER', 'invoice already settled');
      }
      case 'lookup_invoice': {
        const hash = String(params.payment_hash ?? '');
        const invoice = node.invoices.get(hash);
        if (invoice) return ok(incoming(invoice));
        const payment = node.payments.get(hash);
        return payment ? ok(outgoing(payment)) : err('NOT_FOUND', 'invoice not found');
      }
      case 'pay_invoice': {
        let started: ReturnType<FakeNode['startPayment']>;
        try {
          started = node.startPayment(String(params.invoice ?? ''), typeof params.amount === 'number' ? BigInt(params.amount) : null);
        } catch (e) {
          if (e instanceof PayRefusal) return err(e.kind === 'in_flight' || e.kind === 'already_paid' ? 'OTHER' : 'PAYMENT_FAILED', e.message);
          throw e;
        }
        const done = await started.done;
        if (done.status === 'succeeded') return ok({ preimage: done.preimage, fees_paid: Number(done.feeMsat) });
        return err('PAYMENT_FAILED', done.reason ?? 'payment failed');
      }
      case 'get_info':
        return ok({ alias: 'fake', color: '#000000', pubkey: node.nodeId, network: 'regtest', block_height: 1, block_hash: '00'.repeat(32), methods: METHODS, notifications: notify ? ['payment_received'] : [] });
      case 'get_balance':
        return ok({ balance: Number(node.balanceMsat) });
      default:
        return err('NOT_IMPLEMENTED', `${method} is not supported`);
    }
  }

  function incoming(i: FakeInvoice): Record<string, unknown> {
    const state = node.invoiceState(i);
    return {
      type: 'incoming',
      state: state === 'settled' ? 'settled' : state === 'canceled' ? 'expired' : state === 'accepted' ? 'accepted' : 'pending',
      invoice: i.bolt11,
      description: i.description,
      payment_hash: i.paymentHash,
      ...(state === 'settled' ? { preimage: i.preimage } : {}),
      amount: Number(state === 'settled' ? i.receivedMsat : (i.amountMsat ?? 0n)),
      fees_paid: 0,
      created_at: i.createdAt,
      expires_at: i.expiresAt,
      ...(i.settledAt !== null ? { settled_at: i.settledAt } : {}),
    };
  }

  function outgoing(p: FakePayment): Record<string, unknown> {
    return {
      type: 'outgoing',
      state: p.status === 'succeeded' ? 'settled' : p.status === 'failed' ? 'failed' : 'pending',
      invoice: p.bolt11,
      payment_hash: p.paymentHash,
      ...(p.preimage ? { preimage: p.preimage } : {}),
      amount: Number(p.amountMsat),
      fees_paid: Number(p.feeMsat),
      created_at: p.createdAt,
      ...(p.completedAt !== null && p.status === 'succeeded' ? { settled_at: p.completedAt } : {}),
    };
  }

  const notifyOf = (type: string) => (invoice: FakeInvoice): void => {
    if (!notify) return;
    const text = JSON.stringify({ notification_type: type, notification: incoming(invoice) });
    const kinds: ['nip04' | 'nip44_v2', number][] = nip44Ok ? [['nip44_v2', 23197], ['nip04', 23196]] : [['nip04', 23196]];
    for (const [encryption, kind] of kinds) {
      void relay.publish(finalizeEvent({ kind, created_at: now(), tags: [['p', clientPubkey]], content: seal(encryption, text) }, walletSecret)).catch(() => undefined);
    }
  };
  const onSettled = notifyOf('payment_received');
  const onAccepted = notifyOf('hold_invoice_accepted');
  node.events.on('settled', onSettled);
  node.events.on('accepted', onAccepted);

  // like a wallet service, it connects again when the relay goes away: listens, then says what it offers
  const connect = async (): Promise<void> => {
    relay = await Relay.connect(opts.relayUrl);
    relay.onclose = () => void reconnect();
    await new Promise<void>((resolve) => {
      relay.subscribe([{ kinds: [23194], '#p': [walletPubkey], since: now() - 10 }], {
        onevent: (event) => void handle(event).catch(() => undefined),
        oneose: () => resolve(),
      });
    });
    await relay.publish(
      finalizeEvent(
        { kind: 13194, created_at: now(), content: METHODS.join(' '), tags: [...(advertised === 'nip04' ? [] : [['encryption', advertised]]), ...(notify ? [['notifications', 'payment_received hold_invoice_accepted']] : [])] },
        walletSecret,
      ),
    );
  };
  const reconnect = async (): Promise<void> => {
    while (!closing) {
      try {
        return await connect();
      } catch {
        await new Promise((r) => setTimeout(r, 50)); // the relay is still away
      }
    }
  };
  await connect();

  return {
    walletPubkey,
    clientPubkey,
    uri: (relayUrl = opts.relayUrl) => `nostr+walletconnect://${walletPubkey}?relay=${encodeURIComponent(relayUrl)}&secret=${Buffer.from(clientSecret).toString('hex')}`,
    requests,
    ignoreNext: (method) => faults.push({ method, kind: 'ignore' }),
    answerNextWithError: (method, code, message = 'refused') => faults.push({ method, kind: 'error', code, message }),
    holdNextAnswer: (method) => {
      let release!: () => void;
      faults.push({ method, kind: 'hold', release: new Promise<void>((r) => (release = r)) });
      return release;
    },
    close: async () => {
      node.events.off('settled', onSettled);
      node.events.off('accepted', onAccepted);
      closing = true;
      relay.close();
    },
  };
}
