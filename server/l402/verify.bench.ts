// L402 verification throughput on one core (target ≥ 20,000/s, design.md "Performance targets").
// Run: node --import tsx server/l402/verify.bench.ts
// Measures verifyCredential (macaroon parse + identifier + sha256(preimage) + caveats + HMAC chain),
// then the same from the raw Authorization header. The replay check lives in the store, not here.
import { createHash, randomBytes } from 'node:crypto';
import { parseAuthorization } from './header.js';
import { mintChallenge, verifyCredential } from './mint.js';

const rootKey = randomBytes(32);
const endpoint = 'POST /api/v1/openai/v1/chat/completions';
const now = Math.floor(Date.now() / 1000);
const priceMsat = 30_000n;

// distinct credentials, so nothing is measured on one warm input only
const credentials = Array.from({ length: 256 }, () => {
  const preimage = randomBytes(32);
  const paymentHash = createHash('sha256').update(preimage).digest();
  const { macaroon, macaroonB64 } = mintChallenge({ rootKey, paymentHash, api: 'openai', endpoint, priceMsat, now, ttlSeconds: 600 });
  return { macaroon, preimage, header: `L402 ${macaroonB64}:${preimage.toString('hex')}` };
});

/** Prints verifications per wall-clock second and per second of CPU time actually used. */
function measure(name: string, seconds: number, once: (i: number) => boolean): void {
  for (let i = 0; i < 20_000; i++) once(i); // warm up the JIT
  let count = 0;
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  const budget = BigInt(Math.round(seconds * 1e9));
  let elapsed = 0n;
  while (elapsed < budget) {
    for (let i = 0; i < 1000; i++, count++) {
      if (!once(count)) throw new Error(`${name}: a valid credential was refused`);
    }
    elapsed = process.hrtime.bigint() - started;
  }
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const wallSeconds = Number(elapsed) / 1e9;
  // CPU time excludes the moments another process had the core: the fair figure on a shared host
  const fmt = (n: number): string => Math.round(n).toLocaleString('en-US').padStart(9);
  console.log(
    `${name.padEnd(40)} ${fmt(count / wallSeconds)} /s wall   ${fmt(count / cpuSeconds)} /s per CPU-second` +
      `   (${((cpuSeconds * 1e6) / count).toFixed(1)} µs CPU each)`,
  );
}

function verifyOne(i: number): boolean {
  const c = credentials[i % credentials.length]!;
  return verifyCredential({ rootKey, macaroon: c.macaroon, preimage: c.preimage, api: 'openai', endpoint, priceMsat, now }).ok;
}

function verifyFromHeader(i: number): boolean {
  const parsed = parseAuthorization(credentials[i % credentials.length]!.header);
  if (parsed === null || 'error' in parsed) return false;
  return verifyCredential({ rootKey, macaroon: parsed.macaroon, preimage: parsed.preimage, api: 'openai', endpoint, priceMsat, now }).ok;
}

console.log(`node ${process.version}, one thread, ${credentials[0]!.macaroon.length}-byte macaroons with 4 caveats`);
measure('verifyCredential', 3, verifyOne);
measure('parseAuthorization + verifyCredential', 3, verifyFromHeader);
