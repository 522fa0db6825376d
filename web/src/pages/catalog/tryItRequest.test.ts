import { describe, expect, it } from 'vitest';
import { buildExampleRequest } from '../../lib/examples/request';
import { chatEndpoint, modelsEndpoint, transcriptionEndpoint } from '../../testing/catalogFixture';
import { buildTryItBody, initialInput, readBodyFacts } from './tryItRequest';

const chat = buildExampleRequest('openai', chatEndpoint, '');
const transcription = buildExampleRequest('openai', transcriptionEndpoint, '');

describe('try it request', () => {
  it('starts from the catalog example and sends it unchanged', () => {
    const input = initialInput(chat);
    expect(buildTryItBody(chat, input)).toEqual({ ok: true, body: chatEndpoint.example?.body });
    expect(buildTryItBody(buildExampleRequest('openai', modelsEndpoint, ''), initialInput(chat))).toEqual({ ok: true, body: undefined });
  });

  it('refuses edited JSON that does not parse, or is not an object', () => {
    expect(buildTryItBody(chat, { ...initialInput(chat), jsonText: '{"model":' })).toMatchObject({ ok: false });
    expect(buildTryItBody(chat, { ...initialInput(chat), jsonText: '[1]' })).toEqual({ ok: false, message: 'The body must be a JSON object.' });
  });

  it('asks for a file before sending multipart, then builds FormData', () => {
    const input = initialInput(transcription);
    expect(buildTryItBody(transcription, input)).toEqual({ ok: false, message: 'Choose a file for “file” (e.g. speech.mp3).' });
    const file = new File(['abc'], 'me.mp3', { type: 'audio/mpeg' });
    const built = buildTryItBody(transcription, { ...input, files: { file } });
    expect(built.ok).toBe(true);
    const form = built.ok ? (built.body as FormData) : new FormData();
    expect(form.get('model')).toBe('whisper-1');
    expect((form.get('file') as File).name).toBe('me.mp3');
  });

  it('reads the model, the output limit asked for and the UTF-8 size sent', () => {
    const example = initialInput(chat);
    expect(readBodyFacts(chat, example)).toEqual({
      model: 'gpt-4o-mini',
      maxOutputTokens: null,
      bytes: new TextEncoder().encode(JSON.stringify(chatEndpoint.example?.body)).length,
    });
    // the largest limit counts, as the server reserves it; "é" is two bytes
    expect(readBodyFacts(chat, { ...example, jsonText: '{ "model": "é", "max_tokens": 50, "max_completion_tokens": 70 }' })).toEqual({
      model: 'é',
      maxOutputTokens: 70,
      bytes: 57, // 56 characters as sent, compact
    });
    expect(readBodyFacts(chat, { ...example, jsonText: '{"model":' })).toEqual({ model: null, maxOutputTokens: null, bytes: 9 });
    const file = new File(['abcd'], 'me.mp3');
    expect(readBodyFacts(transcription, { ...initialInput(transcription), files: { file } })).toMatchObject({ model: 'whisper-1', bytes: 4 + 'modelwhisper-1prompt@not a file'.length });
  });
});
