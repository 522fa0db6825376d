import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { isMultipart, parseMultipart } from './multipart.js';
import { encodeForm } from './testing.js';

const limits = { fileBytes: 1024 * 1024 };

async function failure(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(() => null, (e: unknown) => e);
  if (!(err instanceof AppError)) throw new Error(`expected an AppError, got ${String(err)}`);
  return err;
}

describe('parseMultipart', () => {
  it('reads text fields and describes files', async () => {
    const audio = new Uint8Array(3000).map((_, i) => i % 256);
    const form = await encodeForm({ model: 'whisper-1', prompt: 'héllo' }, { file: { name: 'speech.mp3', type: 'audio/mpeg', bytes: audio } });
    const parts = await parseMultipart(form.body, form.contentType, limits);
    expect({ ...parts.fields }).toEqual({ model: 'whisper-1', prompt: 'héllo' });
    expect(parts.files).toEqual([{ field: 'file', filename: 'speech.mp3', mimeType: 'audio/mpeg', size: 3000 }]);
  });

  it('has no file when none was sent (validation then reports the missing field)', async () => {
    const form = await encodeForm({ model: 'whisper-1' });
    const parts = await parseMultipart(form.body, form.contentType, limits);
    expect(parts.files).toEqual([]);
    expect(parts.fields.model).toBe('whisper-1');
  });

  it('stores a field named __proto__ as a plain field', async () => {
    const form = await encodeForm({ __proto__: 'x', model: 'm' } as Record<string, string>);
    const parts = await parseMultipart(form.body, form.contentType, limits);
    expect(Object.getPrototypeOf(parts.fields)).toBeNull();
  });

  it('refuses a repeated field or file part; list fields (name[]) may repeat', async () => {
    const audio = { file: { name: 'a.mp3', bytes: new Uint8Array(10) } };
    const field = await encodeForm({ model: ['whisper-1', 'gpt-4o-transcribe'] }, audio);
    expect(await failure(parseMultipart(field.body, field.contentType, limits))).toMatchObject({ code: 'invalid_field_value', details: { field: 'model' } });
    const fileAndText = await encodeForm({ file: 'text' }, audio);
    expect((await failure(parseMultipart(fileAndText.body, fileAndText.contentType, limits))).details.field).toBe('file');
    const list = await encodeForm({ model: 'whisper-1', 'timestamp_granularities[]': ['word', 'segment'] }, audio);
    const parts = await parseMultipart(list.body, list.contentType, limits);
    expect(parts.lists?.['timestamp_granularities[]']).toEqual(['word', 'segment']);
  });

  it('refuses a body cut short', async () => {
    const form = await encodeForm({ model: 'whisper-1' }, { file: { name: 'a.mp3', bytes: new Uint8Array(100) } });
    const err = await failure(parseMultipart(form.body.subarray(0, form.body.length - 30), form.contentType, limits));
    expect(err.code).toBe('invalid_field_value');
    expect(err.details.field).toBe('body');
  });

  it('refuses a Content-Type without a boundary, and garbage', async () => {
    expect((await failure(parseMultipart(Buffer.from('x'), 'multipart/form-data', limits))).details.field).toBe('body');
    const garbage = await failure(parseMultipart(Buffer.from('this is not multipart at all'), 'multipart/form-data; boundary=abc', limits));
    expect(garbage.code).toBe('invalid_field_value');
  });

  it('refuses a file over the limit', async () => {
    const form = await encodeForm({}, { file: { name: 'big.wav', bytes: new Uint8Array(4096) } });
    const err = await failure(parseMultipart(form.body, form.contentType, { fileBytes: 1024 }));
    expect(err.code).toBe('payload_too_large');
  });

  it('recognises multipart content types', () => {
    expect(isMultipart('multipart/form-data; boundary=x')).toBe(true);
    expect(isMultipart('Multipart/Form-Data;boundary=x')).toBe(true);
    expect(isMultipart('application/json')).toBe(false);
    expect(isMultipart('multipart/form-datax')).toBe(false);
    expect(isMultipart(undefined)).toBe(false);
  });
});
