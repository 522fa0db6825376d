import { describe, expect, it } from 'vitest';
import { buildExampleRequest } from '../../lib/examples/request';
import { chatEndpoint, modelsEndpoint, otherApiEndpoint, transcriptionEndpoint } from '../../testing/catalogFixture';
import { buildTryItBody, callPrice, initialInput, modelOf } from './tryItRequest';

const chat = buildExampleRequest('openai', chatEndpoint, '');
const transcription = buildExampleRequest('openai', transcriptionEndpoint, '');

describe('try it request', () => {
  it('starts from the catalog example and sends it unchanged', () => {
    const input = initialInput(chat);
    expect(buildTryItBody(chat, input)).toEqual({ ok: true, body: chatEndpoint.example?.body });
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

  it('prices the call by the model in the body', () => {
    expect(callPrice(chatEndpoint, modelOf(chat, initialInput(chat)))).toBe(30);
    expect(callPrice(chatEndpoint, 'unknown')).toBeNull();
    expect(callPrice(otherApiEndpoint, null)).toBe(5);
    expect(buildTryItBody(buildExampleRequest('openai', modelsEndpoint, ''), initialInput(chat))).toEqual({ ok: true, body: undefined });
  });
});
