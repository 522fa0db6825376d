// One server on a development Lightning node peered with a second wallet (the payee: where a
// session's refund goes), one fake OpenAI upstream, and a clock the test can move. Started in a
// test's beforeAll, closed in its afterAll; `close` undoes whatever `start` got to.
import { randomBytes } from 'node:crypto';
import { request } from 'undici';
import { startDevnode, type RunningDevnode } from '../lightning/devnode/index.js';
import { startFakeUpstream, type FakeUpstream } from './fake-upstream/server.js';
import { startTestServer, type TestDevnode, type TestServer } from './harness.js';

export interface ServerWithPayee {
  up: FakeUpstream;
  node: TestDevnode;
  t: TestServer;
  /** the server's clock: the wall clock plus what a test moves it by */
  clock: { offset: number };
  /** that clock's time now (Unix seconds), as the server reads it */
  now(): number;
  /** the server's environment: the catalog and the upstream */
  env(): Record<string, string>;
  /** the payee wallet's HTTP API: basic auth, form bodies, JSON answers */
  payeeCall(method: 'GET' | 'POST', path: string, form?: Record<string, string>): Promise<any>;
  payeeBalance(): Promise<number>;
  start(): Promise<void>;
  close(): Promise<void>;
}

export function serverWithPayee(opts: { store: 'pglite' | 'postgres'; apiKey: string; configPath: string }): ServerWithPayee {
  let payee: RunningDevnode | undefined;
  const payeePassword = randomBytes(8).toString('hex');
  const webhookSecret = 'whsec-' + randomBytes(8).toString('hex');
  const rig: ServerWithPayee = Object.assign({} as ServerWithPayee, {
    clock: { offset: 0 },
    now: () => Math.floor(Date.now() / 1000) + rig.clock.offset,
    env: () => ({ ABL_CONFIG: opts.configPath, OPENAI_API_KEY: opts.apiKey, OPENAI_BASE_URL: rig.up.url }),
    async payeeCall(method: 'GET' | 'POST', path: string, form?: Record<string, string>) {
      const res = await request(payee!.url + path, {
        method,
        headers: { authorization: `Basic ${Buffer.from(`:${payeePassword}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
        ...(form ? { body: new URLSearchParams(form).toString() } : {}),
      });
      return (await res.body.json()) as any;
    },
    payeeBalance: async (): Promise<number> => (await rig.payeeCall('GET', '/getbalance')).balanceSat,
    async start() {
      rig.up = await startFakeUpstream({ apiKey: opts.apiKey });
      payee = await startDevnode({ host: '127.0.0.1', port: 0, password: payeePassword });
      const password = randomBytes(8).toString('hex');
      const own = await startDevnode({ host: '127.0.0.1', port: 0, password, webhookSecret, peers: [{ url: payee.url, password: payeePassword }] });
      rig.node = { url: own.url, password, nodeId: own.nodeId, webhookSecret, close: () => own.close() };
      rig.t = await startTestServer({ store: opts.store, devnode: rig.node, env: rig.env(), now: rig.now });
    },
    async close() {
      await rig.t?.close();
      await rig.node?.close();
      await payee?.close();
      await rig.up?.close();
    },
  });
  return rig;
}
