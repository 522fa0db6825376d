import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { inputFields, parseBody } from './body.js';
import { encodeForm, findEndpoint, shippedCatalog } from './testing.js';

const catalog = shippedCatalog();
const chat = findEndpoint(catalog, 'openai', 'POST', '/v1/chat/completions');
const transcribe = findEndpoint(catalog, 'openai', 'POST', '/v1/audio/transcriptions');
const models = findEndpoint(catalog, 'openai', 'GET', '/v1/models');
const limits = catalog.limits;

async function failure(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(() => null, (e: unknown) => e);
  if (!(err instanceof AppError)) throw new Error(`expected an AppError, got ${String(err)}`);
  return err;
}
const codeOf = async (p: Promise<unknown>): Promise<string> => (await failure(p)).code;

describe('parseBody', () => {
  it('reads JSON whatever the Content-Type says (curl -d sends form encoding)', async () => {
    const raw = Buffer.from('{"model":"gpt-4o-mini","messages":[]}');
    for (const type of ['application/json', 'application/x-www-form-urlencoded', undefined]) {
      const input = await parseBody(chat, type, raw, limits);
      expect(inputFields(input)).toEqual({ model: 'gpt-4o-mini', messages: [] });
    }
  });

  it('refuses bytes that are not JSON, and an empty body, as invalid_json', async () => {
    expect(await codeOf(parseBody(chat, 'application/json', Buffer.from('{"model":'), limits))).toBe('invalid_json');
    expect(await codeOf(parseBody(chat, 'application/json', Buffer.alloc(0), limits))).toBe('invalid_json');
    expect(await codeOf(parseBody(chat, 'application/json', null, limits))).toBe('invalid_json');
  });

  it('refuses a body that repeats a key (JSON.parse keeps the last, the upstream may read the first)', async () => {
    const twice = await failure(parseBody(chat, 'application/json', Buffer.from('{"model":"gpt-4o-mini","messages":[],"model":"o3"}'), limits));
    expect(twice).toMatchObject({ code: 'invalid_field_value', details: { field: 'model' } });
    const escaped = await failure(parseBody(chat, 'application/json', Buffer.from('{"model":"gpt-4o-mini","\\u006dodel":"o3","messages":[]}'), limits));
    expect(escaped.details.field).toBe('model');
    const nested = await failure(parseBody(chat, 'application/json', Buffer.from('{"model":"gpt-4o-mini","messages":[],"tools":[{"type":"web_search","type":"function"}]}'), limits));
    expect(nested).toMatchObject({ code: 'invalid_field_value', details: { field: 'tools' } });
  });

  it('refuses a multipart form that repeats a field', async () => {
    const file = { file: { name: 'a.mp3', bytes: new Uint8Array(10) } };
    const twice = await encodeForm({ model: ['whisper-1', 'gpt-4o-transcribe'] }, file);
    expect(await failure(parseBody(transcribe, twice.contentType, twice.body, limits))).toMatchObject({ code: 'invalid_field_value', details: { field: 'model' } });
    const once = await encodeForm({ model: 'whisper-1' }, file);
    expect((await parseBody(transcribe, once.contentType, once.body, limits)).kind).toBe('multipart');
  });

  it('keeps a JSON array as parsed (validation reports it), with no fields to price', async () => {
    const input = await parseBody(chat, 'application/json', Buffer.from('[1]'), limits);
    expect(input).toEqual({ kind: 'json', body: [1] });
    expect(inputFields(input)).toBeNull();
  });

  it('refuses a body over the limit', async () => {
    const big = Buffer.alloc(limits.json_body_bytes + 1, 0x20);
    expect(await codeOf(parseBody(chat, 'application/json', big, limits))).toBe('payload_too_large');
  });

  it('reads multipart for a multipart endpoint and refuses anything else there', async () => {
    const form = await encodeForm({ model: 'whisper-1' }, { file: { name: 'a.mp3', bytes: new Uint8Array(10) } });
    const input = await parseBody(transcribe, form.contentType, form.body, limits);
    expect(input.kind).toBe('multipart');
    expect(inputFields(input)).toEqual(expect.objectContaining({ model: 'whisper-1' }));
    expect(await codeOf(parseBody(transcribe, 'application/json', Buffer.from('{"model":"whisper-1"}'), limits))).toBe('unsupported_media_type');
  });

  it('reads nothing for an endpoint without a body', async () => {
    expect(await parseBody(models, undefined, Buffer.from('ignored'), limits)).toEqual({ kind: 'none' });
  });
});

describe('parseBody: an endpoint body limit', () => {
  it('lowers the global limit for that endpoint only (audio: the size bounds the minutes a price covers)', async () => {
    expect(transcribe.max_body_bytes).toBe(2 * 1024 * 1024);
    const form = await encodeForm({ model: 'whisper-1' }, { file: { name: 'a.mp3', bytes: new Uint8Array(transcribe.max_body_bytes! + 1) } });
    expect(await codeOf(parseBody(transcribe, form.contentType, form.body, limits))).toBe('payload_too_large');
    // a global limit below the endpoint's still applies
    const small = await encodeForm({ model: 'whisper-1' }, { file: { name: 'a.mp3', bytes: new Uint8Array(4096) } });
    expect(await codeOf(parseBody(transcribe, small.contentType, small.body, { ...limits, upload_bytes: 2048 }))).toBe('payload_too_large');
    expect((await parseBody(transcribe, small.contentType, small.body, limits)).kind).toBe('multipart');
  });
});
