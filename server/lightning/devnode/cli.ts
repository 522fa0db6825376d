// Runs a development node in the foreground:
//   node --import tsx server/lightning/devnode/cli.ts --port 9740 --password X [--host 127.0.0.1]
//     [--data-dir DIR] [--webhook URL --webhook-secret S] [--peer URL#PASSWORD]... [--payee-port N]
// The password may come from DEVNODE_PASSWORD instead, to keep it out of the process list.
// --payee-port also starts a payee node there ("someone else's wallet": empty, same password,
// the first node's peer), so that a server on this node can pay withdrawals to its invoices.
// Prints one JSON line {"url","nodeId"} (and "payeeUrl") once it listens; SIGTERM / SIGINT stop it cleanly.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startDevnode, type DevnodeOptions, type PeerConfig, type RunningDevnode } from './index.js';

function parsePeer(spec: string): PeerConfig {
  const hash = spec.indexOf('#'); // URLs have no '#' here; the password may
  if (hash <= 0 || hash === spec.length - 1) throw new Error('--peer wants URL#PASSWORD'); // never echo a password
  return { url: spec.slice(0, hash), password: spec.slice(hash + 1) };
}

function parseNumber(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`--${name} wants a whole number, got ${value}`);
  return n;
}

const USAGE = `usage: npm run devnode -- [--port 9740] [--host 127.0.0.1] [--data-dir DIR]
         [--webhook URL --webhook-secret S] [--peer URL#PASSWORD]... [--payee-port N] [--initial-balance-sat N]
  A development Lightning node (phoenixd's HTTP API, regtest, play money). Its password comes from
  DEVNODE_PASSWORD (or --password, which the process list and npm's echo then show). --payee-port
  also starts an empty payee node there, the first one's peer. Prints {"url","nodeId"} once it listens.`;

function optionsFromArgs(argv: string[]): DevnodeOptions & { payeePort?: number } {
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      password: { type: 'string' },
      'data-dir': { type: 'string' },
      webhook: { type: 'string' },
      'webhook-secret': { type: 'string' },
      peer: { type: 'string', multiple: true },
      'initial-balance-sat': { type: 'string' },
      'payee-port': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const password = values.password ?? process.env.DEVNODE_PASSWORD;
  if (!password) throw new Error('--password (or DEVNODE_PASSWORD) is required');
  if (values.webhook && !values['webhook-secret']) throw new Error('--webhook needs --webhook-secret');
  const port = parseNumber(values.port, 'port');
  const initialBalanceSat = parseNumber(values['initial-balance-sat'], 'initial-balance-sat');
  const payeePort = parseNumber(values['payee-port'], 'payee-port');
  return {
    ...(payeePort !== undefined ? { payeePort } : {}),
    password,
    ...(values.host ? { host: values.host } : {}),
    ...(port !== undefined ? { port } : {}),
    ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
    ...(values.webhook ? { webhookUrl: values.webhook } : {}),
    ...(values['webhook-secret'] ? { webhookSecret: values['webhook-secret'] } : {}),
    ...(initialBalanceSat !== undefined ? { initialBalanceSat } : {}),
    peers: (values.peer ?? []).map(parsePeer),
  };
}

async function main(): Promise<void> {
  const { payeePort, ...opts } = optionsFromArgs(process.argv.slice(2));
  let payee: RunningDevnode | null = null;
  if (payeePort !== undefined) {
    payee = await startDevnode({
      host: opts.host ?? '127.0.0.1',
      port: payeePort,
      password: opts.password,
      initialBalanceSat: 0,
      ...(opts.dataDir ? { dataDir: join(opts.dataDir, 'payee') } : {}),
    });
  }
  const node = await startDevnode({ ...opts, peers: [...(opts.peers ?? []), ...(payee ? [{ url: payee.url, password: opts.password }] : [])] });
  process.stdout.write(`${JSON.stringify({ url: node.url, nodeId: node.nodeId, ...(payee ? { payeeUrl: payee.url } : {}) })}\n`);
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    node
      .close()
      .then(() => payee?.close())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          process.stderr.write(`devnode: close failed: ${err instanceof Error ? err.message : String(err)}\n`);
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`devnode: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
