import { describe, expect, it } from 'vitest';
import { buildExampleRequest } from '../../lib/examples/request';
import { chatEndpoint, modelsEndpoint, transcriptionEndpoint } from '../../testing/catalogFixture';
import { buildTryItBody, initialInput, jsonSyntaxProblem, readBodyFacts } from './tryItRequest';

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
    expect(readBodyFacts(chat, { ...example, jsonText: '{"model":' })).toEqual({
      model: null,
      maxOutputTokens: null,
      bytes: 9,
      jsonProblem: 'The body is not valid JSON: Unexpected end (line 1, column 10).',
    });
    const file = new File(['abcd'], 'me.mp3');
    expect(readBodyFacts(transcription, { ...initialInput(transcription), files: { file } })).toMatchObject({ model: 'whisper-1', bytes: 4 + 'modelwhisper-1prompt@not a file'.length });
  });
});

describe('a body that is not JSON', () => {
  it('says so, with where the parser stopped, not that it names no model', () => {
    const text = '{\n  "model": "gpt-4o-mini",\n  "max_tokens" 20\n}';
    const facts = readBodyFacts(chat, { ...initialInput(chat), jsonText: text });
    expect(facts.jsonProblem).toMatch(/^The body is not valid JSON: .+ \(line 3, column 16\)\.$/);
    expect(buildTryItBody(chat, { ...initialInput(chat), jsonText: text })).toEqual({ ok: false, message: facts.jsonProblem });
  });

  it('reads the parser’s words without its echo of the text', () => {
    expect(jsonSyntaxProblem('{', new SyntaxError("Expected property name or '}' in JSON at position 1"))).toBe(
      "The body is not valid JSON: Expected property name or '}' (line 1, column 2).",
    );
    expect(jsonSyntaxProblem('{"a":}', new SyntaxError('Unexpected token \'}\', "{"a":}" is not valid JSON'))).toBe("The body is not valid JSON: Unexpected token '}'.");
    expect(jsonSyntaxProblem('{"a":\n', new SyntaxError('Unexpected end of JSON input'))).toBe('The body is not valid JSON: Unexpected end (line 2, column 1).');
  });
});
