// Runs the fake upstream on its own, for the e2e suite, benchmarks and manual tries:
//   npx tsx server/proxy/fake-upstream/cli.ts --port 9999 --api-key sk-fake [--anthropic-key k] [--host 127.0.0.1]
// It prints its URL on stdout (one line) and runs until SIGINT or SIGTERM.
import { parseArgs } from 'node:util';
import { startFakeUpstream } from './server.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    'api-key': { type: 'string' },
    'anthropic-key': { type: 'string' },
  },
});

const apiKey = values['api-key'];
if (!apiKey) {
  console.error('usage: cli.ts --api-key <key> [--port <n>] [--host <addr>] [--anthropic-key <key>]');
  process.exit(2);
}
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`--port must be a port number, not "${values.port}"`);
  process.exit(2);
}

const fake = await startFakeUpstream({ port, host: values.host, apiKey, ...(values['anthropic-key'] ? { anthropicKey: values['anthropic-key'] } : {}) });
console.log(fake.url);

const stop = (): void => {
  fake.close().then(() => process.exit(0), () => process.exit(1));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
