// One rig per wallet backend for the conformance suite: the wallet under test on its node (the
// development node through phoenixd's API, the fake LND, the fake Core Lightning, the fake NWC
// wallet service on a local relay), an outside development node that pays it and that it pays,
// and the node's faults (a failed or held payment, the node going away and coming back) behind
// one interface.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PaymentReceivedEvent, WalletBackend } from '../lightning/backend.js';
import { ClnWallet } from '../lightning/cln/wallet.js';
import { startDevnode, type RunningDevnode } from '../lightning/devnode/index.js';
import { LndWallet } from '../lightning/lnd/wallet.js';
import { NwcWallet } from '../lightning/nwc/wallet.js';
import { PhoenixdWallet } from '../lightning/phoenixd/wallet.js';
import { callNode, closedPort, payThroughNode, randomPassword, startWebhookReceiver, waitUntil } from '../lightning/testing.js';
import { startFakeCln } from './fake-lightning/cln.js';
import { startFakeLnd } from './fake-lightning/lnd.js';
import { startFakeNwc, type FakeNwc } from './fake-lightning/nwc.js';
import { startTestRelay, type TestRelay } from './nostr-relay.js';
import { FakeNode } from './fake-lightning/node.js';
import { selfSignedCert } from './fake-lightning/tls.js';
import { listenOnStablePort } from './stable-port.js';

type ClosableWallet = WalletBackend & { close(): Promise<void> };

export interface WalletRig {
  wallet: ClosableWallet;
  nodeId: string;
  /** true when invoices may carry msat that are not whole sats */
  msatInvoices: boolean;
  /** another node pays this invoice of the wallet under test */
  payFromOutside(bolt11: string): Promise<void>;
  /** an invoice of another node that the wallet can pay */
  outsideInvoice(amountMsat: bigint): Promise<{ bolt11: string; paymentHash: string }>;
  /** what the other node received for its invoice */
  outsideReceivedMsat(paymentHash: string): Promise<bigint>;
  /** the balance of the wallet's node */
  balanceMsat(): Promise<bigint>;
  /** the node's next payment fails at the route */
  failNextPayment(): Promise<void>;
  /** the node's next payment stays in flight until released (the devnode: for a short while) */
  holdNextPayment(): Promise<() => void>;
  /** a second client of the same node that waits for a payment only briefly */
  impatientWallet(): ClosableWallet;
  /** a client of the same node's software where nothing listens */
  unreachableWallet(port: number): ClosableWallet;
  /** moves the wallet's node clock forward (expiry without waiting); 0 puts it back */
  setSkewSeconds(seconds: number): void;
  /** the verified notice of this invoice's payment (webhook or subscription) */
  notice(paymentHash: string): Promise<PaymentReceivedEvent>;
  /** the wallet loses its node between calls: the fakes' API (LND, clnrest) or relay (NWC) stops, the node runs on; the devnode stops altogether */
  cutOff(): Promise<void>;
  /** the node (or its API, or relay) is back on the same address */
  reconnect(): Promise<void>;
  /** whether another node can pay the wallet's invoices while it is cut off (not when the devnode itself is down) */
  payableWhileCut: boolean;
  /** whether stopping finishes the payments in flight first (the devnode does; a cut API or relay leaves them unanswered) */
  finishesPaymentsWhenStopped: boolean;
  close(): Promise<void>;
}

export type RigName = 'devnode' | 'lnd' | 'cln' | 'nwc';

export function startRig(name: RigName): Promise<WalletRig> {
  return name === 'devnode' ? devnodeRig() : fakeRig(name);
}

async function devnodeRig(): Promise<WalletRig> {
  const secret = randomBytes(16).toString('hex');
  const [passwordA, passwordB] = [randomPassword(), randomPassword()];
  const hooks = await startWebhookReceiver();
  // each pays the other: B's port is chosen first, so A can know it as a peer before B listens
  const portB = await closedPort();
  let skewMs = 0;
  // A keeps its state in a directory, so it can stop and start again on the same port as the same node
  const dataDir = mkdtempSync(join(tmpdir(), 'abl-rig-devnode-'));
  const optsA = { password: passwordA, dataDir, webhookUrl: hooks.url, webhookSecret: secret, peers: [{ url: `http://127.0.0.1:${portB}`, password: passwordB }], initialBalanceSat: 100_000, now: () => Date.now() + skewMs };
  // a stable port: A is cut off and starts again on the same address
  let a!: RunningDevnode;
  const portA = await listenOnStablePort(async (port) => {
    a = await startDevnode({ ...optsA, port });
  });
  let aRunning = true;
  const b = await startDevnode({ port: portB, password: passwordB, initialBalanceSat: 100_000, peers: [{ url: a.url, password: passwordA }] });
  const outside = new PhoenixdWallet({ url: b.url, password: passwordB });
  const extra: ClosableWallet[] = [];
  const wallet = new PhoenixdWallet({ url: a.url, password: passwordA, webhookSecret: secret });
  return {
    wallet,
    nodeId: a.nodeId,
    msatInvoices: false,
    payFromOutside: (bolt11) => payOrThrow(b.url, passwordB, bolt11),
    outsideInvoice: (amountMsat) => outside.createInvoice({ amountMsat, description: 'outside', expirySeconds: 600 }),
    outsideReceivedMsat: async (hash) => (await outside.getInvoice(hash))?.receivedMsat ?? 0n,
    balanceMsat: async () => BigInt((JSON.parse((await callNode(a.url, passwordA, 'GET', '/getbalance')).text) as { balanceSat: number }).balanceSat) * 1000n,
    failNextPayment: async () => {
      await callNode(a.url, passwordA, 'POST', '/_devnode/next-payment', { outcome: 'fail' });
    },
    holdNextPayment: async () => {
      await callNode(a.url, passwordA, 'POST', '/_devnode/next-payment', { outcome: 'pending', holdMs: '400' });
      return () => undefined; // the devnode ends its own stall
    },
    impatientWallet: () => track(extra, new PhoenixdWallet({ url: a.url, password: passwordA, payTimeoutMs: 100 })),
    setSkewSeconds: (seconds) => {
      skewMs = seconds * 1000;
    },
    unreachableWallet: (port) => track(extra, new PhoenixdWallet({ url: `http://127.0.0.1:${port}`, password: passwordA, requestTimeoutMs: 1_000 })),
    cutOff: async () => {
      aRunning = false;
      await a.close();
    },
    reconnect: async () => {
      a = await startDevnode({ ...optsA, port: portA });
      aRunning = true;
    },
    payableWhileCut: false,
    finishesPaymentsWhenStopped: true,
    notice: async (hash) => {
      const hook = await hooks.waitFor(hash);
      const event = wallet.verifyWebhook(hook.body, hook.signature);
      if (!event) throw new Error('the webhook did not verify');
      return event;
    },
    close: async () => {
      await Promise.all([wallet.close(), outside.close(), ...extra.map((w) => w.close())]);
      if (aRunning) await a.close();
      await b.close();
      await hooks.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface FakeBackend {
  node: FakeNode;
  /** the server settings that point at this node (LND_*, CLN_* or NWC_URL) */
  env: Record<string, string>;
  url: string;
  /** a client of the node (for NWC: through the relay at `url`); `fast`: waits for a payout only briefly */
  open(url: string, fast?: boolean): ClosableWallet;
  /** the outside development node: pays the fake's invoices, and is paid by it */
  payer: { url: string; password: string; wallet: PhoenixdWallet };
  /** pays an invoice from the outside node; answers the preimage */
  payFromOutside(bolt11: string): Promise<string>;
  /** moves the fake node's clock forward */
  setSkewSeconds(seconds: number): void;
  /** the API (LND, clnrest) or the relay (NWC) goes away; the node runs on, paying and being paid */
  cut(): Promise<void>;
  /** it is back on the same address (NWC: once the wallet service listens on the relay again) */
  restore(): Promise<void>;
  /** NWC only: the local relay and the wallet service on it */
  nwc?: { relay: TestRelay; service: FakeNwc };
  close(): Promise<void>;
}

/** A fake LND, Core Lightning or NWC wallet service node, its API server (NWC: relay and service), and an outside development node wired to it. */
export async function startFakeBackend(kind: 'lnd' | 'cln' | 'nwc'): Promise<FakeBackend> {
  const backendSkew = { seconds: 0 };
  const peerPassword = randomPassword();
  const payerPassword = randomPassword();
  const node = new FakeNode({ balanceMsat: 100_000_000n, now: () => Math.floor(Date.now() / 1000) + backendSkew.seconds });
  const peer = await node.startPeerEndpoint(peerPassword);
  const payer = await startDevnode({ port: 0, password: payerPassword, initialBalanceSat: 100_000, peers: [{ url: peer.url, password: peerPassword }] });
  node.setPeers([{ url: payer.url, password: payerPassword }]);
  const outside = new PhoenixdWallet({ url: payer.url, password: payerPassword });
  let server: { url: string; stop(): Promise<void>; start(): Promise<void>; close(): Promise<void> };
  let open: (url: string, fast?: boolean) => ClosableWallet;
  let env: Record<string, string>;
  let nwc: FakeBackend['nwc'];
  if (kind === 'nwc') {
    const relay = await startTestRelay();
    const service = await startFakeNwc(node, { relayUrl: relay.url });
    nwc = { relay, service };
    const listening = { kind: 23194, pubkey: service.clientPubkey, tags: [['p', service.walletPubkey]], created_at: Math.floor(Date.now() / 1000), id: '' };
    server = {
      url: relay.url,
      stop: () => relay.stop(),
      start: async () => {
        await relay.start();
        await waitUntil(() => (relay.subscribersFor({ ...listening, created_at: Math.floor(Date.now() / 1000) }) > 0 ? true : null));
      },
      close: async () => {
        await service.close();
        await relay.close();
      },
    };
    open = (url, fast) => new NwcWallet({ connection: service.uri(url), resubscribeDelayMs: 50, requestTimeoutMs: 2_000, now: () => Math.floor(Date.now() / 1000) + backendSkew.seconds, ...(fast ? { payWaitMs: 100 } : {}) });
    env = { NWC_URL: service.uri() };
  } else if (kind === 'lnd') {
    const macaroonHex = randomBytes(48).toString('hex');
    const tls = selfSignedCert();
    server = await startFakeLnd(node, { macaroonHex, tls });
    open = (url, fast) => new LndWallet({ url, macaroonHex, tlsCertPem: tls.certPem, resubscribeDelayMs: 50, requestTimeoutMs: 1_000, ...(fast ? { payWaitMs: 100 } : {}) });
    env = { LND_REST_URL: server.url, LND_MACAROON: macaroonHex, LND_TLS_CERT: tls.certPem };
  } else {
    const rune = randomBytes(32).toString('base64url');
    server = await startFakeCln(node, { rune });
    open = (url, fast) => new ClnWallet({ url, rune, resubscribeDelayMs: 50, requestTimeoutMs: 1_000, waitSeconds: 30, ...(fast ? { payWaitMs: 100 } : {}) });
    env = { CLN_REST_URL: server.url, CLN_RUNE: rune };
  }
  return {
    node,
    env,
    url: server.url,
    open,
    payer: { url: payer.url, password: payerPassword, wallet: outside },
    ...(nwc ? { nwc } : {}),
    payFromOutside: async (bolt11) => {
      const answer = await payThroughNode(payer.url, payerPassword, bolt11);
      if (typeof answer.paymentPreimage !== 'string') throw new Error(`the outside node could not pay: ${JSON.stringify(answer)}`);
      return answer.paymentPreimage;
    },
    setSkewSeconds: (seconds) => {
      backendSkew.seconds = seconds;
    },
    cut: () => server.stop(),
    restore: () => server.start(),
    close: async () => {
      await outside.close();
      await server.close();
      await peer.close();
      await node.close();
      await payer.close();
    },
  };
}

async function fakeRig(kind: 'lnd' | 'cln' | 'nwc'): Promise<WalletRig> {
  const backend = await startFakeBackend(kind);
  const { node, open, payer } = backend;
  const outside = payer.wallet;
  const server = { url: backend.url };
  const extra: ClosableWallet[] = [];
  const wallet = open(server.url);
  const events: PaymentReceivedEvent[] = [];
  wallet.onPaymentReceived?.((e) => events.push(e));
  return {
    wallet,
    nodeId: node.nodeId,
    msatInvoices: true,
    payFromOutside: async (bolt11) => {
      await backend.payFromOutside(bolt11);
    },
    outsideInvoice: (amountMsat) => outside.createInvoice({ amountMsat, description: 'outside', expirySeconds: 600 }),
    outsideReceivedMsat: async (hash) => (await outside.getInvoice(hash))?.receivedMsat ?? 0n,
    balanceMsat: async () => node.balanceMsat,
    failNextPayment: async () => node.failNextPayment(),
    holdNextPayment: async () => node.holdNextPayment(),
    impatientWallet: () => track(extra, open(server.url, true)),
    setSkewSeconds: (seconds) => backend.setSkewSeconds(seconds),
    unreachableWallet: (port) => track(extra, open(`${{ lnd: 'https', cln: 'http', nwc: 'ws' }[kind]}://127.0.0.1:${port}`)),
    notice: (hash) => waitUntil(() => events.find((e) => e.paymentHash === hash) ?? null),
    cutOff: () => backend.cut(),
    reconnect: () => backend.restore(),
    payableWhileCut: true,
    finishesPaymentsWhenStopped: false,
    close: async () => {
      await Promise.all([wallet.close(), ...extra.map((w) => w.close())]);
      await backend.close();
    },
  };
}

function track(list: ClosableWallet[], wallet: ClosableWallet): ClosableWallet {
  list.push(wallet);
  return wallet;
}

/** A development node pays; a refusal (answered 200 with a reason, as phoenixd does) is an error here. */
async function payOrThrow(url: string, password: string, bolt11: string): Promise<void> {
  const answer = await payThroughNode(url, password, bolt11);
  if (typeof answer.paymentPreimage !== 'string') throw new Error(`the outside node could not pay: ${JSON.stringify(answer)}`);
}
