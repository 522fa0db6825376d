// In process, no sockets: what one metered stream's relay and usage tap cost, against piping the
// same 17 chunks straight through (the flat path); each chunk as OpenAI sends it with
// include_usage ("usage":null on every chunk). Rounds take turns; the best round is printed.
//   node --import tsx bench/stream-micro.ts [streams per round] [rounds]
// Run it in two checkouts one after the other to compare a change (run it under tsx, as the
// server runs: esbuild's keepNames makes every named closure cost a defineProperty per call).
import { PassThrough, Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createUsageTap } from '../server/metering/index.js';
import { meterStream } from '../server/payments/metered-answer.js';
import type { MeteredRequest } from '../server/proxy/metered-request.js';

const frame = (i: number): string =>
  `data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1750000000,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"word${i} "},"finish_reason":null}],"usage":null}\n\n`;
const usageFrame = `data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1750000000,"model":"gpt-4o-mini","choices":[],"usage":{"prompt_tokens":14,"completion_tokens":16,"total_tokens":30}}\n\ndata: [DONE]\n\n`;
const CHUNKS = [...Array.from({ length: 16 }, (_, i) => Buffer.from(frame(i))), Buffer.from(usageFrame)];
const call = { shape: 'openai-chat', model: 'gpt-4o-mini', inputTokensBound: 20, outputLimit: 16 } as unknown as MeteredRequest;
const sink = () => new Writable({ write(_c, _e, cb) { cb(); } });
const source = () => Readable.from(CHUNKS, { objectMode: false });

type Case = [name: string, one: () => Promise<void> | void];

/** CPU µs per stream of each case: rounds taking turns, the best round (least disturbed by other load). */
async function measure(cases: Case[], n: number, rounds: number): Promise<void> {
  const best = new Map<string, number>();
  for (const [, one] of cases) for (let i = 0; i < 2000; i++) await one();
  for (let r = 0; r < rounds; r++) {
    for (const [name, one] of cases) {
      const t0 = process.cpuUsage();
      for (let i = 0; i < n; i++) await one();
      const t = process.cpuUsage(t0);
      best.set(name, Math.min(best.get(name) ?? Infinity, (t.user + t.system) / n));
    }
  }
  for (const [name, us] of best) console.log(`${name}: ${us.toFixed(1)} µs CPU per stream`);
}

const n = Number(process.argv[2] ?? 5000);
await measure([
  ['tap alone', () => {
    const tap = createUsageTap('openai-chat');
    for (const c of CHUNKS) tap.push(c);
    if (!tap.usage()) throw new Error('no usage');
  }],
  ['pipe (flat)', () => pipeline(source(), sink())],
  ['PassThrough between', () => pipeline(source(), new PassThrough(), sink())],
  ['meterStream (relayed)', () => new Promise<void>((resolve, reject) => {
    const out = sink().once('finish', resolve).once('error', reject);
    meterStream(source(), call, async (o) => { if (!o.reported) throw new Error('estimated'); }).relayTo(out);
  })],
], n, Number(process.argv[3] ?? 6));
