// The start-up summary tells an operator what to fix: a wallet node that refuses our credentials is
// told apart from one that does not answer.
import { describe, expect, it } from 'vitest';
import { shippedCatalog } from './proxy/testing.js';
import { startupSummary } from './summary.js';

const summary = (walletKind: string, walletFailure: string | null) =>
  startupSummary({ url: 'http://127.0.0.1:3000', devnode: false, walletKind, walletReachable: false, walletFailure, store: 'pglite', dataDir: './data', catalog: shippedCatalog(), upstreams: {} })[1]!;

describe('the start-up summary', () => {
  it('says a node refusing our credentials is a credentials problem, naming the setting to check', () => {
    expect(summary('phoenixd', 'phoenixd answered getinfo with HTTP 401')).toContain('ITS NODE REFUSES OUR CREDENTIALS (phoenixd answered getinfo with HTTP 401): check PHOENIXD_PASSWORD');
    expect(summary('lnd', 'LND answered HTTP 403')).toContain('check LND_MACAROON');
  });

  it('says a node that does not answer does not, with the reason', () => {
    const line = summary('phoenixd', 'connect ECONNREFUSED 127.0.0.1:9740');
    expect(line).toContain('ITS NODE DOES NOT ANSWER (connect ECONNREFUSED 127.0.0.1:9740)');
    expect(line).not.toContain('CREDENTIALS');
  });
});
