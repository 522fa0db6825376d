// The built web app is sent compressed when the build left .br/.gz copies and the client takes
// them, as it is otherwise; index.html (every client route) too.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { precompressDir } from '../../scripts/lib/precompress.js';
import { sendIndex, webApp } from './web.js';

describe('compressed static files', () => {
  const dist = mkdtempSync(join(tmpdir(), 'abl-dist-'));
  const script = `console.log(${JSON.stringify('a fairly repetitive main script '.repeat(400))});\n`;
  const index = `<!doctype html><html><head><title>t</title></head><body>${'<div>app</div>'.repeat(200)}</body></html>`;
  let app: FastifyInstance;

  beforeAll(async () => {
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'assets', 'index-abc.js'), script);
    writeFileSync(join(dist, 'assets', 'tiny.js'), 'x()');
    writeFileSync(join(dist, 'index.html'), index);
    expect(await precompressDir(dist)).toBe(2);
    app = Fastify();
    expect(await webApp(app, dist)).toBe(true);
    app.setNotFoundHandler((_req, reply) => sendIndex(reply));
  });
  afterAll(async () => {
    await app?.close();
    rmSync(dist, { recursive: true, force: true });
  });

  it('the build leaves .br and .gz only where they pay off', () => {
    expect(existsSync(join(dist, 'assets', 'index-abc.js.br'))).toBe(true);
    expect(existsSync(join(dist, 'assets', 'index-abc.js.gz'))).toBe(true);
    expect(existsSync(join(dist, 'assets', 'tiny.js.br'))).toBe(false);
  });

  it('brotli when taken, else gzip, else as it is; the same bytes once decoded', async () => {
    const br = await app.inject({ url: '/assets/index-abc.js', headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(br.headers['content-type']).toMatch(/javascript/);
    expect(br.rawPayload.length).toBeLessThan(script.length / 5);
    expect(brotliDecompressSync(br.rawPayload).toString()).toBe(script);

    const gz = await app.inject({ url: '/assets/index-abc.js', headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.rawPayload).toString()).toBe(script);

    const plain = await app.inject({ url: '/assets/index-abc.js', headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.payload).toBe(script);
  });

  it('index.html for a client route, compressed too', async () => {
    const page = await app.inject({ url: '/hire/new', headers: { 'accept-encoding': 'br' } });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(page.rawPayload).toString()).toBe(index);
  });
});
