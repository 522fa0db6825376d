// Python samples: the official SDK (openai, anthropic) where it covers the endpoint, with a streamed
// variant where the endpoint streams; otherwise requests with X-Token, json= or data=/files=.
import { TOKEN_PLACEHOLDER, type ExampleRequest } from './request';

/** A JSON value as a Python literal; JSON string escapes are valid Python escapes. */
export function pythonLiteral(value: unknown, indent = 0): string {
  const pad = ' '.repeat(indent);
  const inner = ' '.repeat(indent + 4);
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : 'None';
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => inner + pythonLiteral(v, indent + 4)).join(',\n')}\n${pad}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${pythonLiteral(v, indent + 4)}`).join(',\n')}\n${pad}}`;
}

export function toPython(req: ExampleRequest, token = TOKEN_PLACEHOLDER): string {
  const args = [JSON.stringify(req.url), `headers={"X-Token": ${JSON.stringify(token)}}`];
  if (req.kind === 'json') args.push(`json=${pythonLiteral(req.json ?? {}, 4)}`);
  if (req.kind === 'multipart') {
    const data = Object.fromEntries(req.textFields.map((f) => [f.name, f.value]));
    if (req.textFields.length) args.push(`data=${pythonLiteral(data, 4)}`);
    const files = req.fileFields.map((f) => `        ${JSON.stringify(f.name)}: open(${JSON.stringify(f.filename)}, "rb"),`);
    if (files.length) args.push(`files={\n${files.join('\n')}\n    }`);
  }
  args.push('timeout=180');
  const lines = [
    'import requests',
    '',
    `response = requests.${req.method.toLowerCase()}(`,
    ...args.map((a) => `    ${a},`),
    ')',
    'print(response.status_code, "charged", response.headers.get("X-Charged-Sats"), "sats")',
  ];
  if (req.binaryResponse) lines.push(`with open(${JSON.stringify(req.outputFile)}, "wb") as out:`, '    out.write(response.content)');
  else lines.push('print(response.json())');
  return lines.join('\n');
}

/** Python SDK call for each upstream path it covers (the official `openai` and `anthropic` packages). */
const PYTHON_SDK_METHODS: Record<string, Record<string, string>> = {
  openai: {
    'POST /v1/chat/completions': 'chat.completions.create',
    'POST /v1/completions': 'completions.create',
    'POST /v1/responses': 'responses.create',
    'POST /v1/embeddings': 'embeddings.create',
    'POST /v1/moderations': 'moderations.create',
    'POST /v1/images/generations': 'images.generate',
    'POST /v1/images/edits': 'images.edit',
    'POST /v1/images/variations': 'images.create_variation',
    'POST /v1/audio/speech': 'audio.speech.create',
    'POST /v1/audio/transcriptions': 'audio.transcriptions.create',
    'POST /v1/audio/translations': 'audio.translations.create',
    'GET /v1/models': 'models.list',
  },
  anthropic: { 'POST /v1/messages': 'messages.create' },
};

function pythonSdkMethod(req: ExampleRequest): string | null {
  return PYTHON_SDK_METHODS[req.api]?.[`${req.method} ${req.upstreamPath}`] ?? null;
}

/** The client of the official SDK, pointed at this server, the token as its API key. */
function pythonClient(req: ExampleRequest, token: string): string[] {
  const anthropic = req.api === 'anthropic';
  // the anthropic SDK adds /v1 itself; the openai SDK's base URL ends with it
  const base = anthropic ? req.sdkBaseUrl.replace(/\/v1$/, '') : req.sdkBaseUrl;
  return [
    anthropic ? 'from anthropic import Anthropic' : 'from openai import OpenAI',
    '',
    `client = ${anthropic ? 'Anthropic' : 'OpenAI'}(`,
    `    base_url=${JSON.stringify(base)},`,
    `    api_key=${JSON.stringify(token)},  # your prepaid token`,
    ')',
    '',
  ];
}

const PY_KEYWORDS = new Set(['False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif', 'else', 'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or', 'pass', 'raise', 'return', 'try', 'while', 'with', 'yield']);
const isKeywordName = (k: string): boolean => /^[A-Za-z_][A-Za-z0-9_]*$/.test(k) && !PY_KEYWORDS.has(k);

function keywordArguments(req: ExampleRequest, extra: Record<string, unknown> = {}): string[] {
  if (req.kind === 'json') {
    const body = { ...(req.json ?? {}), ...extra };
    // a key that cannot be a Python keyword argument: the whole body as **{...}
    if (!Object.keys(body).every(isKeywordName)) return [`    **${pythonLiteral(body, 4)},`];
    return Object.entries(body).map(([k, v]) => `    ${k}=${pythonLiteral(v, 4)},`);
  }
  if (req.kind === 'multipart') {
    return [
      ...req.fileFields.map((f) => `    ${f.name}=open(${JSON.stringify(f.filename)}, "rb"),`),
      ...req.textFields.map((f) => `    ${f.name}=${JSON.stringify(f.value)},`),
    ];
  }
  return [];
}

/** The official SDK sample, or null when no SDK covers the endpoint (then `requests`). */
export function toPythonSdk(req: ExampleRequest, token = TOKEN_PLACEHOLDER): string | null {
  const method = pythonSdkMethod(req);
  if (!method) return null;
  const args = keywordArguments(req);
  const lines = [...pythonClient(req, token), args.length ? `result = client.${method}(` : `result = client.${method}()`, ...(args.length ? [...args, ')'] : [])];
  if (req.binaryResponse) lines.push(`result.write_to_file(${JSON.stringify(req.outputFile)})`);
  else lines.push('print(result)');
  return lines.join('\n');
}

/** A streamed answer printed as it arrives, where the endpoint streams and an SDK covers it. */
export function toPythonStream(req: ExampleRequest, token = TOKEN_PLACEHOLDER): string | null {
  const method = pythonSdkMethod(req);
  const loops: Record<string, string[]> = {
    'chat.completions.create': ['for chunk in stream:', '    if chunk.choices and chunk.choices[0].delta.content:', '        print(chunk.choices[0].delta.content, end="", flush=True)'],
    'responses.create': ['for event in stream:', '    if event.type == "response.output_text.delta":', '        print(event.delta, end="", flush=True)'],
    'messages.create': ['for event in stream:', '    if event.type == "content_block_delta" and event.delta.type == "text_delta":', '        print(event.delta.text, end="", flush=True)'],
  };
  const loop = method ? loops[method] : undefined;
  if (!method || !loop || req.kind !== 'json') return null;
  return [
    ...pythonClient(req, token),
    `stream = client.${method}(`,
    ...keywordArguments(req, { stream: true }),
    ')',
    ...loop,
    'print()',
    '# The charge is settled when the stream ends: the X-Max-Charge-Sats header said the most it could',
    '# cost; GET /api/v1/usage/<X-Request-Id> with the same token says what it did cost.',
  ].join('\n');
}
