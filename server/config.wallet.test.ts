// The wallet backend settings: exactly one backend, complete, credentials from text or files.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readSettings, SettingsError } from './config.js';
import { selfSignedCert } from './testing/fake-lightning/tls.js';

const dir = mkdtempSync(join(tmpdir(), 'abl-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const lnd = { LND_REST_URL: 'https://10.0.0.2:8080', LND_MACAROON: '0201036c6e64' };
const nwcSecret = '7c'.repeat(32);
const nwc = { NWC_URL: `nostr+walletconnect://${'b8'.repeat(32)}?relay=wss%3A%2F%2Frelay.example.com&secret=${nwcSecret}` };
const cln = { CLN_REST_URL: 'https://10.0.0.3:3010', CLN_RUNE: 'tU-RLjMiDpY2U0o3W1oFowar36RFGpWloPbW9-RuZdo9MyZpZD0wMjRi' };

describe('wallet settings', () => {
  it('none set: the development node; each backend alone: that backend', () => {
    expect(readSettings({}).wallet).toEqual({ kind: 'devnode' });
    expect(readSettings({ PHOENIXD_URL: 'http://127.0.0.1:9740', PHOENIXD_PASSWORD: 'pw' }).wallet).toEqual({ kind: 'phoenixd', url: 'http://127.0.0.1:9740', password: 'pw' });
    expect(readSettings(lnd).wallet).toEqual({ kind: 'lnd', url: lnd.LND_REST_URL, macaroonHex: '0201036c6e64' });
    expect(readSettings(cln).wallet).toEqual({ kind: 'cln', url: cln.CLN_REST_URL, rune: cln.CLN_RUNE });
  });

  it('two backends at once: a start-up error naming both', () => {
    expect(() => readSettings({ ...lnd, ...cln })).toThrow(/LND_REST_URL, CLN_REST_URL: set one wallet backend only/);
    expect(() => readSettings({ ...lnd, PHOENIXD_URL: 'http://127.0.0.1:9740', PHOENIXD_PASSWORD: 'pw' })).toThrow(SettingsError);
  });

  it('an incomplete backend: a start-up error naming what is missing, never echoing a secret', () => {
    expect(() => readSettings({ LND_REST_URL: lnd.LND_REST_URL })).toThrow(/LND_MACAROON: required with LND_REST_URL/);
    expect(() => readSettings({ LND_MACAROON: lnd.LND_MACAROON })).toThrow(/LND_MACAROON: set without LND_REST_URL/);
    expect(() => readSettings({ CLN_REST_URL: cln.CLN_REST_URL })).toThrow(/CLN_RUNE: required/);
    expect(() => readSettings({ CLN_RUNE: cln.CLN_RUNE })).toThrow(/CLN_RUNE: set without CLN_REST_URL/);
    expect(() => readSettings({ PHOENIXD_URL: 'http://127.0.0.1:9740' })).toThrow(/PHOENIXD_PASSWORD/);
    expect(() => readSettings({ ...lnd, LND_REST_URL: 'http://10.0.0.2:8080' })).toThrow(/must be https/);
    let message = '';
    try {
      readSettings({ ...lnd, LND_MACAROON: 'not-hex-and-no-such-file' });
    } catch (err) {
      message = String(err);
    }
    expect(message).toMatch(/LND_MACAROON: neither hex nor a readable file/);
    expect(message).not.toContain('not-hex-and-no-such-file');
  });

  it('reads the macaroon file as hex and the certificate from PEM text or a file', () => {
    const macaroonPath = join(dir, 'admin.macaroon');
    writeFileSync(macaroonPath, Buffer.from([0x02, 0x01, 0xab]));
    const { certPem } = selfSignedCert();
    const certPath = join(dir, 'tls.cert');
    writeFileSync(certPath, certPem);
    expect(readSettings({ ...lnd, LND_MACAROON: macaroonPath, LND_TLS_CERT: certPath }).wallet).toEqual({ kind: 'lnd', url: lnd.LND_REST_URL, macaroonHex: '0201ab', tlsCertPem: certPem });
    expect(readSettings({ ...lnd, LND_TLS_CERT: certPem }).wallet).toMatchObject({ tlsCertPem: certPem.trim() }); // as an environment variable, trimmed
    expect(() => readSettings({ ...lnd, LND_TLS_CERT: macaroonPath })).toThrow(/LND_TLS_CERT: not a PEM certificate/);
  });

  it('NWC_URL: a nostr+walletconnect:// URI, alone; a malformed one is refused without echoing its secret', () => {
    expect(readSettings(nwc).wallet).toEqual({ kind: 'nwc', uri: nwc.NWC_URL });
    expect(() => readSettings({ ...nwc, ...cln })).toThrow(/CLN_REST_URL, NWC_URL: set one wallet backend only/);
    expect(() => readSettings({ ...nwc, PHOENIXD_URL: 'http://127.0.0.1:9740', PHOENIXD_PASSWORD: 'pw' })).toThrow(/PHOENIXD_URL, NWC_URL: set one/);
    const refusal = (uri: string): string => {
      try {
        readSettings({ NWC_URL: uri });
      } catch (err) {
        expect(err).toBeInstanceOf(SettingsError);
        return String(err);
      }
      throw new Error(`accepted ${uri}`);
    };
    const pubkey = 'b8'.repeat(32);
    expect(refusal(`https://example.com/?secret=${nwcSecret}`)).toMatch(/NWC_URL: must start with nostr\+walletconnect:\/\//);
    expect(refusal(`nostr+walletconnect://abc?relay=wss://r.example&secret=${nwcSecret}`)).toMatch(/NWC_URL: the wallet service pubkey/);
    expect(refusal(`nostr+walletconnect://${pubkey}?secret=${nwcSecret}`)).toMatch(/NWC_URL: names no relay/);
    expect(refusal(`nostr+walletconnect://${pubkey}?relay=https://r.example&secret=${nwcSecret}`)).toMatch(/NWC_URL: a relay must be a wss:\/\//);
    expect(refusal(`nostr+walletconnect://${pubkey}?relay=wss://r.example&secret=${nwcSecret.slice(2)}`)).toMatch(/NWC_URL: secret must be 64 hex/);
    expect(refusal(`nostr+walletconnect://${pubkey}?relay=wss://r.example&secret=${'00'.repeat(32)}`)).toMatch(/NWC_URL: secret is not a valid key/);
    for (const uri of [`https://x/?secret=${nwcSecret}`, `nostr+walletconnect://${pubkey}?relay=ftp://x&secret=${nwcSecret}`]) expect(refusal(uri)).not.toContain(nwcSecret);
  });
});
