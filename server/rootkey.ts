// The L402 root key: from L402_ROOT_KEY, or in development generated once and kept in
// the data directory (so credentials survive a restart), with a warning.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function loadRootKey(opts: { fromEnv: string | undefined; dataDir: string; warn: (msg: string) => void }): Buffer {
  if (opts.fromEnv) return Buffer.from(opts.fromEnv, 'hex');
  const file = join(opts.dataDir, 'l402_root_key');
  if (existsSync(file)) {
    const hex = readFileSync(file, 'utf8').trim();
    if (!/^[0-9a-f]{64}$/i.test(hex)) throw new Error(`${file} does not hold 64 hex characters`);
    opts.warn(`L402_ROOT_KEY is not set: using the development key kept in ${file}`);
    return Buffer.from(hex, 'hex');
  }
  mkdirSync(opts.dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, key.toString('hex') + '\n', { mode: 0o600 });
  opts.warn(`L402_ROOT_KEY is not set: generated a development key and kept it in ${file}; set L402_ROOT_KEY in production`);
  return key;
}
