import { describe, expect, it } from 'vitest';
import type { Example, PublicEndpoint } from '../../contract/catalog.js';
import { examplePayload, invalidPayload, toHttpBody, withoutField, withStream } from './payload.js';
import { cheapestOtherModel, priceOf } from './price.js';

const upload: Example = {
  content_type: 'multipart',
  fields: { file: '@file:speech.mp3', model: 'whisper-1' },
  e2e: { required_field: 'file', invalid: { fields: { file: '@file:speech.mp3', model: 'whisper-2' } }, expect_error: 'invalid_field_value', skip_happy_path: false },
};

describe('requests built from catalog examples', () => {
  it('sends a real multipart form with a generated audio file for each @file: placeholder', async () => {
    const { form } = toHttpBody(withStream(examplePayload(upload)));
    const file = form?.get('file');
    expect(file).toBeInstanceOf(Blob);
    const bytes = Buffer.from(await (file as Blob).arrayBuffer());
    expect((file as Blob).type).toBe('audio/mpeg');
    expect(bytes.subarray(0, 3).toString('latin1')).toBe('ID3');
    expect(bytes.subarray(10, 12)).toEqual(Buffer.from([0xff, 0xfb])); // the first MPEG frame's sync word
    expect(form?.get('model')).toBe('whisper-1');
    expect(form?.get('stream')).toBe('true');
  });

  it('drops the required field and takes the invalid case as it is written', () => {
    expect(withoutField(examplePayload(upload), 'file')).toEqual({ kind: 'multipart', fields: { model: 'whisper-1' } });
    expect(invalidPayload(upload)).toEqual({ kind: 'multipart', fields: { file: '@file:speech.mp3', model: 'whisper-2' } });
    const json: Example = { content_type: 'json', body: { model: 'm', input: 'x' } };
    expect(withStream(examplePayload(json))).toEqual({ kind: 'json', body: { model: 'm', input: 'x', stream: true } });
  });

  it('prices a request by its model, the default model, or the endpoint', () => {
    const ep = { free: false, models: { a: 30, b: 10, c: 20 }, default_model: 'c' } as unknown as PublicEndpoint;
    expect(priceOf(ep, { kind: 'json', body: { model: 'a' } })).toBe(30);
    expect(priceOf(ep, { kind: 'json', body: {} })).toBe(20);
    expect(priceOf(ep, { kind: 'json', body: { model: 'zzz' } })).toBeNull();
    expect(priceOf({ free: false, price_sats: 5 } as PublicEndpoint, { kind: 'none' })).toBe(5);
    expect(cheapestOtherModel(ep, 'b')).toBe('c');
  });
});
