// JavaScript samples with a prepaid token: the official openai SDK for the openai api, else fetch.
import { fetchInit, formDataLines, handleResponseLines, jsKey, jsLiteral, jsString, nodeImports } from './jsShared';
import { TOKEN_PLACEHOLDER, type ExampleRequest } from './request';

/** openai SDK call for each upstream path it covers; other paths fall back to fetch. */
const OPENAI_SDK_METHODS: Record<string, string> = {
  'POST /v1/chat/completions': 'chat.completions.create',
  'POST /v1/completions': 'completions.create',
  'POST /v1/responses': 'responses.create',
  'POST /v1/embeddings': 'embeddings.create',
  'POST /v1/moderations': 'moderations.create',
  'POST /v1/images/generations': 'images.generate',
  'POST /v1/images/edits': 'images.edit',
  'POST /v1/images/variations': 'images.createVariation',
  'POST /v1/audio/speech': 'audio.speech.create',
  'POST /v1/audio/transcriptions': 'audio.transcriptions.create',
  'POST /v1/audio/translations': 'audio.translations.create',
  'GET /v1/models': 'models.list',
};

export function openAiSdkMethod(req: ExampleRequest): string | null {
  if (req.api !== 'openai') return null;
  return OPENAI_SDK_METHODS[`${req.method} ${req.upstreamPath}`] ?? null;
}

function sdkArgument(req: ExampleRequest): string {
  if (req.kind === 'json') return jsLiteral(req.json ?? {}, 0);
  if (req.kind === 'none') return '';
  const lines = ['{'];
  for (const f of req.fileFields) lines.push(`  ${jsKey(f.name)}: fs.createReadStream(${jsString(f.filename)}),`);
  for (const f of req.textFields) lines.push(`  ${jsKey(f.name)}: ${jsString(f.value)},`);
  lines.push('}');
  return lines.join('\n');
}

/** The openai SDK sample, or null when the endpoint is not an OpenAI call the SDK knows. */
export function toOpenAiSdk(req: ExampleRequest, token = TOKEN_PLACEHOLDER): string | null {
  const method = openAiSdkMethod(req);
  if (!method) return null;
  const needsFs = req.fileFields.length > 0 || req.binaryResponse;
  const lines = [...(needsFs ? ["import fs from 'node:fs';"] : []), "import OpenAI from 'openai';", ''];
  lines.push(
    'const client = new OpenAI({',
    `  baseURL: ${jsString(req.sdkBaseUrl)},`,
    `  apiKey: ${jsString(token)}, // your prepaid token`,
    '});',
    '',
    `const result = await client.${method}(${sdkArgument(req)});`,
  );
  if (req.binaryResponse) lines.push(`fs.writeFileSync(${jsString(req.outputFile)}, Buffer.from(await result.arrayBuffer()));`);
  else lines.push('console.log(result);');
  return lines.join('\n');
}

/** Plain fetch with X-Token: works in Node 20+ and, without the fs parts, in browsers. */
export function toFetch(req: ExampleRequest, token = TOKEN_PLACEHOLDER): string {
  const imports = nodeImports(req);
  const lines = [...imports, ...(imports.length ? [''] : [])];
  if (req.kind === 'multipart') lines.push(...formDataLines(req), '');
  lines.push(`const response = await fetch(${jsString(req.url)}, ${fetchInit(req, { 'X-Token': token })});`);
  lines.push(...handleResponseLines(req));
  return lines.join('\n');
}

/** The JavaScript sample for the token: the SDK where it applies, else fetch. */
export function toJavaScript(req: ExampleRequest, token = TOKEN_PLACEHOLDER): string {
  return toOpenAiSdk(req, token) ?? toFetch(req, token);
}
