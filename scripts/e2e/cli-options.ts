// What `npm run e2e [-- <url>]` was asked to do, read from its arguments and environment (pure).
export type CliOptions =
  | { kind: 'local'; verbose: boolean; strictKeywords: boolean }
  | { kind: 'remote'; baseUrl: string; phoenixdUrl: string; phoenixdPassword: string; adminSecret: string | null; verbose: boolean; strictKeywords: boolean }
  | { kind: 'usage'; message: string; exitCode: 0 | 2 };

export const USAGE = `usage:
  npm run e2e                      start a development node, a fake OpenAI/Anthropic upstream and
                                   the server on loopback, and run the catalog suite against them
  npm run e2e -- https://host      run the suite against a deployed server, paying its invoices
                                   through a phoenixd test node

environment:
  PHOENIX_TEST_URL                 the phoenixd HTTP API that pays (required with a URL), e.g. http://localhost:9741
  PHOENIX_TEST_PASSWORD            its http-password (required with a URL)
  ABL_ADMIN_SECRET                 optional, with a URL: the server's admin secret, to run the ledger audit
  VERBOSE=1                        print every request and response
  STRICT_KEYWORD_MATCH=0           accept an error keyword anywhere in a 4xx body instead of error.code`;

export function parseCliOptions(argv: string[], env: Record<string, string | undefined>): CliOptions {
  const verbose = env.VERBOSE === '1' || env.VERBOSE === 'true';
  const strictKeywords = env.STRICT_KEYWORD_MATCH !== '0' && env.STRICT_KEYWORD_MATCH !== 'false';
  const args = argv.filter((a) => a !== '--');
  if (args.some((a) => a === '-h' || a === '--help')) return { kind: 'usage', message: USAGE, exitCode: 0 };
  if (args.length === 0) return { kind: 'local', verbose, strictKeywords };
  const target = args[0] ?? '';
  if (args.length > 1 || !/^https?:\/\/[^/\s]+/i.test(target)) {
    return { kind: 'usage', message: `expected one http(s) URL, got: ${args.join(' ')}\n\n${USAGE}`, exitCode: 2 };
  }
  const phoenixdUrl = env.PHOENIX_TEST_URL?.trim();
  const phoenixdPassword = env.PHOENIX_TEST_PASSWORD?.trim();
  const missing = [!phoenixdUrl && 'PHOENIX_TEST_URL', !phoenixdPassword && 'PHOENIX_TEST_PASSWORD'].filter(Boolean);
  if (!phoenixdUrl || !phoenixdPassword) {
    return { kind: 'usage', message: `running against ${target} needs ${missing.join(' and ')}: the phoenixd node that pays the invoices.\n\n${USAGE}`, exitCode: 2 };
  }
  return { kind: 'remote', baseUrl: target, phoenixdUrl, phoenixdPassword, adminSecret: env.ABL_ADMIN_SECRET?.trim() || null, verbose, strictKeywords };
}
