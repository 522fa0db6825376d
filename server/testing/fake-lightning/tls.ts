// A self-signed certificate for 127.0.0.1/localhost, as LND makes its tls.cert (openssl, in a temp dir).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SelfSignedCert {
  keyPem: string;
  certPem: string;
}

export function selfSignedCert(): SelfSignedCert {
  const dir = mkdtempSync(join(tmpdir(), 'abl-tls-'));
  try {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
      '-subj', '/O=fake lnd/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-keyout', join(dir, 'tls.key'), '-out', join(dir, 'tls.cert'),
    ], { stdio: 'ignore' });
    return { keyPem: readFileSync(join(dir, 'tls.key'), 'utf8'), certPem: readFileSync(join(dir, 'tls.cert'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
