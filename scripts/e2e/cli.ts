// npm run e2e [-- https://host]: the catalog suite against a loopback stack it starts itself, or
// against a deployed server paid through a phoenixd test node. Exits 0 when every check passed,
// 1 when one failed, 2 on a usage error.
import { parseCliOptions, type CliOptions } from './cli-options.js';
import { startLocalStack } from './local-stack.js';
import { phoenixdPayer } from './phoenixd-payer.js';
import { remoteAudit } from './remote-audit.js';
import { runCatalogE2E, type CatalogE2EOptions } from './suite.js';

const log = (line: string) => console.log(line);
const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

async function main(opts: Exclude<CliOptions, { kind: 'usage' }>): Promise<number> {
  const common = { verbose: opts.verbose, strictKeywords: opts.strictKeywords, log };
  if (opts.kind === 'remote') {
    const started = performance.now();
    const result = await runCatalogE2E({
      ...common,
      baseUrl: opts.baseUrl,
      payInvoice: phoenixdPayer({ url: opts.phoenixdUrl, password: opts.phoenixdPassword }),
      audit: remoteAudit(opts.baseUrl, opts.adminSecret),
    });
    log(`suite: ${seconds(started)}`);
    return result.failed === 0 ? 0 : 1;
  }

  let started = performance.now();
  log('starting a development node, the fake upstream and the server on loopback…');
  const stack = await startLocalStack();
  log(`started in ${seconds(started)}: server ${stack.baseUrl}`);
  const stop = () => {
    log('interrupted: stopping the local stack');
    void stack.close().finally(() => process.exit(130));
  };
  process.once('SIGINT', stop);
  try {
    started = performance.now();
    const suite: CatalogE2EOptions = { ...common, baseUrl: stack.baseUrl, payInvoice: stack.payInvoice, audit: stack.audit };
    const result = await runCatalogE2E(suite);
    log(`suite: ${seconds(started)}`);
    return result.failed === 0 ? 0 : 1;
  } finally {
    process.off('SIGINT', stop);
    started = performance.now();
    await stack.close();
    log(`stopped in ${seconds(started)}`);
  }
}

const opts = parseCliOptions(process.argv.slice(2), process.env);
if (opts.kind === 'usage') {
  (opts.exitCode === 0 ? console.log : console.error)(opts.message);
  process.exit(opts.exitCode);
}
main(opts).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error('e2e: could not run:', err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);
