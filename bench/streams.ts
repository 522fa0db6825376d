// Memory under streaming: waves of N concurrent slow SSE responses through the token path, metered
// as shipped (gpt-4o-mini: each stream read by a usage tap, settled at its end), the server's
// memory sampled before, during and after each wave (after a full GC when idle). Flat means what
// one wave leaves behind does not grow from wave to wave.
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import type { AblServer } from './abl-server.js';
import { rssOf } from './processes.js';
import { METERED_MODEL } from './catalog.js';
import { CHAT_PATH, PROXY_PREFIX } from './scenarios.js';

export interface StreamOptions {
  streams: number;
  /** the streams of a wave start over this long (the token path reserves a few hundred a second here) */
  rampMs: number;
  waves: number;
  chunks: number;
  chunkMs: number;
}

export interface MemorySample {
  rss: number;
  heapUsed: number;
  external: number;
}

export interface StreamReport {
  streams: number;
  waves: number;
  /** how long one stream lasts at the upstream's pace */
  streamSeconds: number;
  /** most streams open at once, seen from the client */
  maxOpen: number;
  completed: number;
  failed: number;
  firstError: string | null;
  /** idle, after a full GC, before the first wave (after a warm-up wave of 50) */
  before: MemorySample;
  /** the highest readings during each wave */
  peak: MemorySample[];
  /** idle, after a full GC, after each wave */
  after: MemorySample[];
  /** idle after the client closed its connections, after a full GC */
  closed: MemorySample;
}

const sample = async (server: AblServer, gc: boolean): Promise<MemorySample> => {
  const m = await server.memory(gc);
  return { rss: rssOf(server.pid), heapUsed: m.heapUsed, external: m.external + m.arrayBuffers };
};

export async function memoryUnderStreams(server: AblServer, token: string, opts: StreamOptions): Promise<StreamReport> {
  const pool = new Pool(server.url, { connections: opts.streams, keepAliveTimeout: 120_000 });
  const headers = {
    'content-type': 'application/json',
    authorization: `Bearer ${token}`,
    'x-bench-chunks': String(opts.chunks),
    'x-bench-chunk-ms': String(opts.chunkMs),
  };
  const body = JSON.stringify({ model: METERED_MODEL, messages: [{ role: 'user', content: 'Stream a story.' }], stream: true });
  let open = 0;
  let maxOpen = 0;
  let completed = 0;
  let failed = 0;
  let firstError: string | null = null;

  const oneStream = async (): Promise<void> => {
    try {
      const res = await pool.request({ method: 'POST', path: PROXY_PREFIX + CHAT_PATH, headers, body });
      open++;
      maxOpen = Math.max(maxOpen, open);
      let bytes = 0;
      try {
        for await (const chunk of res.body) bytes += (chunk as Buffer).length;
      } finally {
        open--;
      }
      if (res.statusCode === 200 && bytes > 0) completed++;
      else {
        failed++;
        firstError ??= `HTTP ${res.statusCode}`;
      }
    } catch (err) {
      failed++;
      firstError ??= String(err);
    }
  };

  /** Starts n streams over ~rampMs (a thousand SYNs at once would only measure the listen backlog). */
  const wave = async (n: number, rampMs: number): Promise<void> => {
    const all: Promise<void>[] = [];
    for (let i = 0; i < n; i++) {
      all.push(oneStream());
      if (i % 20 === 19) await sleep(rampMs / (n / 20));
    }
    await Promise.all(all);
  };

  const max = (a: MemorySample, b: MemorySample): MemorySample => ({ rss: Math.max(a.rss, b.rss), heapUsed: Math.max(a.heapUsed, b.heapUsed), external: Math.max(a.external, b.external) });
  try {
    await wave(50, 100);
    completed = failed = maxOpen = 0;
    await sleep(500);
    const before = await sample(server, true);
    const peak: MemorySample[] = [];
    const after: MemorySample[] = [];
    for (let w = 0; w < opts.waves; w++) {
      let high = await sample(server, false);
      let running = true;
      const sampler = (async () => {
        while (running) {
          high = max(high, await sample(server, false));
          await sleep(200);
        }
      })();
      await wave(opts.streams, opts.rampMs);
      running = false;
      await sampler;
      peak.push(high);
      await sleep(1000);
      after.push(await sample(server, true));
    }
    await pool.close();
    await sleep(1000);
    const closed = await sample(server, true);
    return { streams: opts.streams, waves: opts.waves, streamSeconds: (opts.chunks * opts.chunkMs) / 1000, maxOpen, completed, failed, firstError, before, peak, after, closed };
  } finally {
    await pool.destroy().catch(() => {});
  }
}
