// Builds the "Try it" request body from the example the user may have edited; pure, so it is tested.
import type { ExampleRequest } from '../../lib/examples/request';

export interface TryItInput {
  jsonText: string;
  textFields: Record<string, string>;
  files: Record<string, File | null>;
}

export type TryItBody = { ok: true; body: unknown } | { ok: false; message: string };

export function initialInput(req: ExampleRequest): TryItInput {
  return {
    jsonText: req.kind === 'json' ? JSON.stringify(req.json ?? {}, null, 2) : '',
    textFields: Object.fromEntries(req.textFields.map((f) => [f.name, f.value])),
    files: Object.fromEntries(req.fileFields.map((f) => [f.name, null])),
  };
}

/** Line and column (from 1) of a character offset in `text`. */
function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
}

/**
 * "The body is not valid JSON: Unexpected number (line 3, column 8)." — the parser's reason,
 * without its echo of the text, with where it stopped when the parser says.
 */
export function jsonSyntaxProblem(text: string, error: unknown): string {
  const raw = error instanceof Error ? error.message : String(error);
  const at = /at position (\d+)/.exec(raw);
  const offset = at ? Number(at[1]) : /^Unexpected end of JSON input/.test(raw) ? text.length : null;
  const reason = raw
    .replace(/\s*in JSON at position \d+.*$/s, '')
    .replace(/, ".*" is not valid JSON$/s, '')
    .replace(/ of JSON input$/, '');
  const where = offset === null ? '' : ((p) => ` (line ${p.line}, column ${p.column})`)(lineAndColumn(text, offset));
  return `The body is not valid JSON: ${reason}${where}.`;
}

/** Why `text` is no JSON body, or null when it parses. */
export function jsonTextProblem(text: string): string | null {
  try {
    JSON.parse(text);
    return null;
  } catch (e) {
    return jsonSyntaxProblem(text, e);
  }
}

export function buildTryItBody(req: ExampleRequest, input: TryItInput): TryItBody {
  if (req.kind === 'none') return { ok: true, body: undefined };
  if (req.kind === 'json') {
    try {
      const body: unknown = JSON.parse(input.jsonText);
      if (typeof body !== 'object' || body === null || Array.isArray(body)) return { ok: false, message: 'The body must be a JSON object.' };
      return { ok: true, body };
    } catch (e) {
      return { ok: false, message: jsonSyntaxProblem(input.jsonText, e) };
    }
  }
  const form = new FormData();
  for (const [name, value] of Object.entries(input.textFields)) form.append(name, value);
  for (const f of req.fileFields) {
    const file = input.files[f.name];
    if (!file) return { ok: false, message: `Choose a file for “${f.name}” (e.g. ${f.filename}).` };
    form.append(f.name, file, file.name);
  }
  return { ok: true, body: form };
}

/** What the price before sending depends on: the model, the output limit asked for, the size sent. */
export interface BodyFacts {
  model: string | null;
  /** the largest of max_tokens / max_completion_tokens / max_output_tokens, when the body sets one */
  maxOutputTokens: number | null;
  /** UTF-8 bytes of what is sent (JSON as sent, multipart text fields and files) */
  bytes: number;
  /** why the JSON body does not parse (then nothing else about it is known); absent when it does */
  jsonProblem?: string;
}

const OUTPUT_LIMIT_FIELDS = ['max_tokens', 'max_completion_tokens', 'max_output_tokens'] as const;
const utf8Bytes = (text: string): number => new TextEncoder().encode(text).length;

function parsedObject(jsonText: string): Record<string, unknown> | null {
  try {
    const body: unknown = JSON.parse(jsonText);
    return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export function readBodyFacts(req: ExampleRequest, input: TryItInput): BodyFacts {
  if (req.kind === 'multipart') {
    const text = Object.entries(input.textFields).reduce((n, [k, v]) => n + utf8Bytes(k) + utf8Bytes(v), 0);
    const files = Object.values(input.files).reduce((n, f) => n + (f?.size ?? 0), 0);
    return { model: input.textFields.model ?? null, maxOutputTokens: null, bytes: text + files };
  }
  if (req.kind !== 'json') return { model: null, maxOutputTokens: null, bytes: 0 };
  const body = parsedObject(input.jsonText);
  const jsonProblem = jsonTextProblem(input.jsonText);
  if (jsonProblem !== null) return { model: null, maxOutputTokens: null, bytes: utf8Bytes(input.jsonText), jsonProblem };
  if (!body) return { model: null, maxOutputTokens: null, bytes: utf8Bytes(input.jsonText) };
  const limits = OUTPUT_LIMIT_FIELDS.map((f) => body[f]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  return {
    model: typeof body.model === 'string' ? body.model : null,
    maxOutputTokens: limits.length > 0 ? Math.max(...limits) : null,
    bytes: utf8Bytes(JSON.stringify(body)),
  };
}
