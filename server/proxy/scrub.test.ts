import { Readable } from 'node:stream';
import { gzipSync, brotliCompressSync, deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { SCRUB_MAX_BYTES, scrubSmallAnswer, scrubHeaders, scrubText } from './scrub.js';

const ORG = 'org-AbCdEf0123456789GhIjKlMn';
const PROJECT = 'proj_AbCdEf0123456789GhIjKlMn';

async function text(body: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

describe('scrub', () => {
  it('masks organization and project ids in text, and nothing else', () => {
    expect(scrubText(`Rate limit reached for gpt-4o in organization ${ORG} on tokens`)).toBe('Rate limit reached for gpt-4o in organization org-redacted on tokens');
    expect(scrubText(`Project \`${PROJECT}\` does not have access`)).toBe('Project `proj_redacted` does not have access');
    expect(scrubText('an organization-wide limit for your project_x, org-1 and proj_')).toBe('an organization-wide limit for your project_x, org-1 and proj_');
  });

  it('drops headers whose value carries an id', () => {
    expect(scrubHeaders({ 'openai-project': PROJECT, 'x-note': [`in ${ORG}`], 'x-request-id': 'req_1', 'content-type': 'application/json' })).toEqual({ 'x-request-id': 'req_1', 'content-type': 'application/json' });
  });

  it('scrubs a small JSON error body, plain or compressed, and sends it uncompressed with its new length', async () => {
    const json = JSON.stringify({ error: { message: `Rate limit reached in organization ${ORG}.`, type: 'requests' } });
    for (const [encoding, bytes] of [['', Buffer.from(json)], ['gzip', gzipSync(json)], ['br', brotliCompressSync(json)], ['deflate', deflateSync(json)]] as const) {
      const headers = { 'content-type': 'application/json', 'content-length': String(bytes.length), ...(encoding ? { 'content-encoding': encoding } : {}) };
      const out = await scrubSmallAnswer(headers, Readable.from([bytes.subarray(0, 7), bytes.subarray(7)]));
      const body = await text(out.body);
      expect(body, encoding).toBe(json.replace(ORG, 'org-redacted'));
      expect(out.headers['content-length']).toBe(String(Buffer.byteLength(body)));
      expect(out.headers['content-encoding']).toBeUndefined();
    }
  });

  it('does not show a body in an encoding it cannot read', async () => {
    const out = await scrubSmallAnswer({ 'content-type': 'application/json', 'content-encoding': 'zstd' }, Readable.from([Buffer.from(`x ${ORG}`)]));
    const body = await text(out.body);
    expect(body).not.toContain(ORG);
    expect(JSON.parse(body)).toMatchObject({ error: { type: 'invalid_request_error' } });
  });

  it('streams a large or non-text body through as it came', async () => {
    const big = Buffer.alloc(SCRUB_MAX_BYTES + 10, 0x61);
    const declared = await scrubSmallAnswer({ 'content-type': 'application/json', 'content-length': String(big.length) }, Readable.from([big]));
    expect((await text(declared.body)).length).toBe(big.length);
    const chunked = await scrubSmallAnswer({ 'content-type': 'text/plain' }, Readable.from([big.subarray(0, 40_000), big.subarray(40_000)]));
    expect(await text(chunked.body)).toBe(big.toString());
    const audio = Buffer.from(`bytes ${ORG}`);
    const binary = await scrubSmallAnswer({ 'content-type': 'audio/mpeg' }, Readable.from([audio]));
    expect(await text(binary.body)).toBe(audio.toString());
  });
});
