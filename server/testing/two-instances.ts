// Two server instances on one PostgreSQL schema and one development Lightning node, with one
// fake OpenAI upstream: both verify what either minted (one L402 root key, one public origin, so
// one MPP realm). Started in a test's beforeAll, closed in its afterAll; `close` undoes whatever
// `start` got to, so a failed start leaves nothing running.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPostgresSchema } from '../store/testing.js';
import { startFakeUpstream, type FakeUpstream } from './fake-upstream/server.js';
import { startTestDevnode, startTestServer, type TestDevnode, type TestServer } from './harness.js';

export interface TwoInstances {
  up: FakeUpstream;
  node: TestDevnode;
  a: TestServer;
  b: TestServer;
  start(): Promise<void>;
  close(): Promise<void>;
}

/** The rig, not yet started: `configPath` is the catalog both serve, `dirPrefix` names their data directories, `env` adds settings to both. */
export function twoInstances(opts: { apiKey: string; configPath: string; dirPrefix: string; env?: Record<string, string> }): TwoInstances {
  let schema: Awaited<ReturnType<typeof createPostgresSchema>> | undefined;
  const dirs: string[] = [];
  const rig: TwoInstances = Object.assign({} as TwoInstances, {
    async start() {
      rig.up = await startFakeUpstream({ apiKey: opts.apiKey });
      schema = await createPostgresSchema();
      rig.node = await startTestDevnode({ webhookSecret: 'whsec-' + randomBytes(8).toString('hex') });
      const env = { ABL_CONFIG: opts.configPath, OPENAI_API_KEY: opts.apiKey, OPENAI_BASE_URL: rig.up.url, L402_ROOT_KEY: randomBytes(32).toString('hex'), ABL_PUBLIC_URL: 'https://api.example', ...opts.env };
      const start = async () => {
        const dataDir = mkdtempSync(join(tmpdir(), opts.dirPrefix));
        dirs.push(dataDir);
        return startTestServer({ store: 'postgres', databaseUrl: schema!.url, devnode: rig.node, dataDir, env });
      };
      rig.a = await start();
      rig.b = await start();
    },
    async close() {
      await Promise.all([rig.a?.close(), rig.b?.close()]);
      await rig.node?.close();
      await rig.up?.close();
      await schema?.drop();
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    },
  });
  return rig;
}
