import { parseAst } from 'rolldown/parseAst';
import { describe, expect, it } from 'vitest';
import {
  chatEndpoint,
  modelsEndpoint,
  otherApiEndpoint,
  speechEndpoint,
  transcriptionEndpoint,
} from '../../testing/catalogFixture';
import { toCurl } from './curl';
import { codeSamples } from './index';
import { toFetch, toOpenAiSdk } from './javascript';
import { toL402 } from './l402';
import { pythonLiteral, toPython, toPythonSdk, toPythonStream } from './python';
import { buildExampleRequest } from './request';

const ORIGIN = 'https://abl.example';
const TOKEN = 'abl_test123';

/** Splits a POSIX command line the way sh does for the quoting our samples use. */
function shellWords(cmd: string): string[] {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  for (let i = 0; i < cmd.length; i++) {
    const ch = cmd[i] as string;
    if (ch === "'") {
      const end = cmd.indexOf("'", i + 1);
      current += cmd.slice(i + 1, end);
      i = end;
      inWord = true;
    } else if (ch === '\\') {
      if (cmd[i + 1] === '\n') i++;
      else {
        current += cmd[i + 1];
        i++;
        inWord = true;
      }
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else {
      current += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(current);
  return words;
}

const after = (words: string[], flag: string): string[] => words.flatMap((w, i) => (w === flag ? [words[i + 1] as string] : []));

/** Python literal back to JSON: swaps the three keywords outside strings. */
function pythonToJson(src: string): unknown {
  return JSON.parse(src.replace(/"(?:[^"\\]|\\.)*"|\bTrue\b|\bFalse\b|\bNone\b/g, (m) => ({ True: 'true', False: 'false', None: 'null' })[m] ?? m));
}

describe('buildExampleRequest', () => {
  it('derives the URL, SDK base URL and output file from the catalog entry', () => {
    const req = buildExampleRequest('openai', speechEndpoint, ORIGIN);
    expect(req.url).toBe('https://abl.example/api/v1/openai/v1/audio/speech');
    expect(req.sdkBaseUrl).toBe('https://abl.example/api/v1/openai/v1');
    expect(req.binaryResponse).toBe(true);
    expect(req.outputFile).toBe('output.opus');
  });

  it('splits multipart fields into text and @file: uploads', () => {
    const req = buildExampleRequest('openai', transcriptionEndpoint, ORIGIN);
    expect(req.kind).toBe('multipart');
    expect(req.fileFields).toEqual([{ name: 'file', filename: 'speech.mp3' }]);
    expect(req.textFields.map((f) => f.name)).toEqual(['model', 'prompt']);
  });
});

describe('curl sample', () => {
  it('posts the example body as JSON with X-Token', () => {
    const words = shellWords(toCurl(buildExampleRequest('openai', chatEndpoint, ORIGIN), TOKEN));
    expect(words.slice(0, 4)).toEqual(['curl', '-X', 'POST', 'https://abl.example/api/v1/openai/v1/chat/completions']);
    expect(after(words, '-H')).toEqual([`X-Token: ${TOKEN}`, 'Content-Type: application/json']);
    expect(JSON.parse(after(words, '-d')[0] as string)).toEqual(chatEndpoint.example?.body);
  });

  it('uses -F for fields and files, --form-string for values that look like files', () => {
    const words = shellWords(toCurl(buildExampleRequest('openai', transcriptionEndpoint, ORIGIN), TOKEN));
    expect(after(words, '-F')).toEqual(['model=whisper-1', 'file=@speech.mp3']);
    expect(after(words, '--form-string')).toEqual(['prompt=@not a file']);
    expect(words).not.toContain('-d');
  });

  it('saves a binary answer and sends GET without a body', () => {
    expect(after(shellWords(toCurl(buildExampleRequest('openai', speechEndpoint, ORIGIN))), '--output')).toEqual(['output.opus']);
    const get = shellWords(toCurl(buildExampleRequest('openai', modelsEndpoint, ORIGIN), TOKEN));
    expect(get).toEqual(['curl', 'https://abl.example/api/v1/openai/v1/models', '-H', `X-Token: ${TOKEN}`]);
  });
});

describe('JavaScript samples', () => {
  const all = [chatEndpoint, speechEndpoint, transcriptionEndpoint, modelsEndpoint];

  it('are valid ES modules for every endpoint and flavour', () => {
    for (const ep of [...all, otherApiEndpoint]) {
      const api = ep === otherApiEndpoint ? 'weather' : 'openai';
      for (const sample of codeSamples(api, ep, ORIGIN, TOKEN).filter((s) => s.id !== 'curl' && !s.id.startsWith('python'))) {
        expect(() => parseAst(sample.code), `${ep.path} ${sample.id}`).not.toThrow();
      }
    }
  });

  it('uses the openai SDK with the proxy base URL and the token as apiKey', () => {
    const code = toOpenAiSdk(buildExampleRequest('openai', chatEndpoint, ORIGIN), TOKEN) ?? '';
    expect(code).toContain("import OpenAI from 'openai';");
    expect(code).toContain("baseURL: 'https://abl.example/api/v1/openai/v1'");
    expect(code).toContain(`apiKey: '${TOKEN}'`);
    expect(code).toContain('client.chat.completions.create({');
    expect(code).toContain('"model": "gpt-4o-mini"');
  });

  it('falls back to fetch outside the openai api', () => {
    const req = buildExampleRequest('weather', otherApiEndpoint, ORIGIN);
    expect(toOpenAiSdk(req)).toBeNull();
    const code = codeSamples('weather', otherApiEndpoint, ORIGIN, TOKEN)[1]?.code ?? '';
    expect(code).toBe(toFetch(req, TOKEN));
    expect(code).toContain("fetch('https://abl.example/api/v1/weather/v2/forecast'");
    expect(code).toContain(`'X-Token': '${TOKEN}'`);
    expect(code).toContain('"city": "Zürich"');
  });

  it('builds FormData with a file for multipart and pays with fetchWithL402', () => {
    const code = toL402(buildExampleRequest('openai', transcriptionEndpoint, ORIGIN));
    expect(code).toContain("import { fetchWithL402 } from '@getalby/lightning-tools';");
    expect(code).toContain("form.append('file', await openAsBlob('speech.mp3'), 'speech.mp3');");
    expect(code).toContain('body: form,');
    expect(code).not.toContain('X-Token');
    expect(code).not.toContain('Content-Type');
  });
});

describe('Python sample', () => {
  it('turns JSON into a Python literal that round-trips', () => {
    const body = chatEndpoint.example?.body;
    const literal = pythonLiteral(body);
    expect(literal).toContain('"store": False');
    expect(literal).toContain('"user": None');
    expect(pythonToJson(literal)).toEqual(body);
  });

  it('calls requests with the URL, X-Token and the body', () => {
    const code = toPython(buildExampleRequest('openai', chatEndpoint, ORIGIN), TOKEN);
    expect(code).toContain('response = requests.post(\n    "https://abl.example/api/v1/openai/v1/chat/completions",');
    expect(code).toContain(`headers={"X-Token": "${TOKEN}"}`);
    const json = /json=(\{[\s\S]*?\n {4}\}),/.exec(code)?.[1] ?? '';
    expect(pythonToJson(json)).toEqual(chatEndpoint.example?.body);
  });

  it('sends multipart as data= and files=, and writes binary answers', () => {
    const multipart = toPython(buildExampleRequest('openai', transcriptionEndpoint, ORIGIN));
    expect(multipart).toContain('"file": open("speech.mp3", "rb")');
    expect(multipart).toContain('"model": "whisper-1"');
    const binary = toPython(buildExampleRequest('openai', speechEndpoint, ORIGIN));
    expect(binary).toContain('with open("output.opus", "wb") as out:');
    expect(toPython(buildExampleRequest('openai', modelsEndpoint, ORIGIN))).toContain('requests.get(');
  });
});

describe('Python SDK samples', () => {
  it('use the official openai SDK with the proxy base URL and the token as api_key', () => {
    const code = toPythonSdk(buildExampleRequest('openai', chatEndpoint, ORIGIN), TOKEN) ?? '';
    expect(code).toContain('from openai import OpenAI');
    expect(code).toContain('base_url="https://abl.example/api/v1/openai/v1"');
    expect(code).toContain(`api_key="${TOKEN}"`);
    expect(code).toContain('result = client.chat.completions.create(\n    model="gpt-4o-mini",');
    expect(code).not.toContain('requests');
    const labels = codeSamples('openai', chatEndpoint, ORIGIN, TOKEN).map((s) => s.label);
    expect(labels).toContain('Python (openai SDK)');
  });

  it('files, binary answers and a body key Python cannot take as an argument', () => {
    expect(toPythonSdk(buildExampleRequest('openai', transcriptionEndpoint, ORIGIN))).toContain('    file=open("speech.mp3", "rb"),');
    expect(toPythonSdk(buildExampleRequest('openai', speechEndpoint, ORIGIN))).toContain('result.write_to_file("output.opus")');
    expect(toPythonSdk(buildExampleRequest('openai', modelsEndpoint, ORIGIN))).toContain('result = client.models.list()');
    const odd = buildExampleRequest('openai', { ...chatEndpoint, example: { ...chatEndpoint.example!, body: { model: 'm', from: 1 } } }, ORIGIN);
    expect(toPythonSdk(odd)).toContain('    **{\n        "model": "m",');
    expect(toPythonSdk(buildExampleRequest('weather', otherApiEndpoint, ORIGIN))).toBeNull();
    expect(codeSamples('weather', otherApiEndpoint, ORIGIN, TOKEN).find((s) => s.id === 'python')?.label).toBe('Python (requests)');
  });

  it('a streaming sample where the endpoint streams, printing the text as it comes', () => {
    const code = toPythonStream(buildExampleRequest('openai', chatEndpoint, ORIGIN), TOKEN) ?? '';
    expect(code).toContain('    stream=True,');
    expect(code).toContain('for chunk in stream:');
    expect(code).toContain('print(chunk.choices[0].delta.content, end="", flush=True)');
    expect(codeSamples('openai', { ...chatEndpoint, streaming: true }, ORIGIN).map((s) => s.id)).toContain('python-stream');
    expect(codeSamples('openai', { ...chatEndpoint, streaming: false }, ORIGIN).map((s) => s.id)).not.toContain('python-stream');
    expect(toPythonStream(buildExampleRequest('openai', speechEndpoint, ORIGIN))).toBeNull();
  });
});
