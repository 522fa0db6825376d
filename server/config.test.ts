// The environment as an operator writes it: an empty line in an environment file (VAR=) is unset,
// never a zero that turns a protection off; a URL of the wrong kind is a start-up error naming it.
import { describe, expect, it } from 'vitest';
import { readSettings, SettingsError } from './config.js';

const refusal = (env: Record<string, string>): string => {
  try {
    readSettings(env);
  } catch (err) {
    expect(err).toBeInstanceOf(SettingsError);
    return (err as Error).message;
  }
  throw new Error(`accepted: ${JSON.stringify(env)}`);
};

describe('settings from the environment', () => {
  it('an empty value is the default, not zero: the rate limit, the port and the shutdown grace stay on', () => {
    const s = readSettings({ ABL_RATE_LIMIT: '', PORT: '', ABL_SHUTDOWN_GRACE_MS: ' ', ABL_SETTLE_LINGER_MS: '', HOST: '', ABL_DATA_DIR: '' });
    expect([s.ABL_RATE_LIMIT, s.PORT, s.ABL_SHUTDOWN_GRACE_MS, s.ABL_SETTLE_LINGER_MS, s.HOST, s.ABL_DATA_DIR]).toEqual([60, 3000, 10_000, 10, '127.0.0.1', './data']);
    // 0 written out still turns the limit off, as documented
    expect(readSettings({ ABL_RATE_LIMIT: '0' }).ABL_RATE_LIMIT).toBe(0);
  });

  it('DATABASE_URL must be a PostgreSQL URL: a typo is named before any connection is tried', () => {
    for (const bad of ['notaurl', 'mysql://u:p@127.0.0.1:3306/x', 'postgres://postgres@127.0.0.1:notaport/x']) {
      expect(refusal({ DATABASE_URL: bad })).toContain('DATABASE_URL: must be a postgres:// (or postgresql://) URL');
    }
    expect(readSettings({ DATABASE_URL: 'postgresql://app:secret@db.example:5432/abl' }).DATABASE_URL).toBe('postgresql://app:secret@db.example:5432/abl');
    expect(readSettings({ DATABASE_URL: '' }).DATABASE_URL).toBeUndefined();
  });

  it("a wallet's or the public URL must be http(s): another scheme is refused at start, not taken for a node that does not answer", () => {
    expect(refusal({ PHOENIXD_URL: 'ftp://127.0.0.1:9740', PHOENIXD_PASSWORD: 'x' })).toContain('PHOENIXD_URL: must be an http(s) URL');
    expect(refusal({ ABL_PUBLIC_URL: 'ws://pay.example' })).toContain('ABL_PUBLIC_URL: must be an http(s) URL');
    expect(readSettings({ PHOENIXD_URL: 'http://127.0.0.1:9740', PHOENIXD_PASSWORD: 'x' }).wallet).toMatchObject({ kind: 'phoenixd', url: 'http://127.0.0.1:9740' });
  });

  it('ABL_TRUST_PROXY and HOST are checked at start and named: a typo does not surface after the node has started', () => {
    for (const bad of ['notanip', '127.0.0.1,maybe', '10.0.0.0/33', 'yes']) expect(refusal({ ABL_TRUST_PROXY: bad })).toContain('ABL_TRUST_PROXY: must be true, false, or');
    for (const good of ['true', 'false', '127.0.0.1', '127.0.0.1, 10.0.0.0/8', '::1,fd00::/8', 'loopback', '10.0.0.0/255.0.0.0']) expect(readSettings({ ABL_TRUST_PROXY: good }).ABL_TRUST_PROXY).toBe(good);
    for (const bad of ['999.1.1.1', 'local host', 'http://0.0.0.0']) expect(refusal({ HOST: bad })).toContain('HOST: must be an IP address or a host name');
    for (const good of ['0.0.0.0', '::', 'localhost', 'api.internal']) expect(readSettings({ HOST: good }).HOST).toBe(good);
  });
});
