// One request model built from a catalog endpoint's `example` block; every code sample and
// the "Try it" panel are generated from it, so the catalog stays the single source of truth.
import type { PublicEndpoint } from '../../../../contract/catalog';

export const TOKEN_PLACEHOLDER = 'abl_...';
const FILE_PREFIX = '@file:';
const AUDIO_FORMATS = new Set(['mp3', 'opus', 'aac', 'flac', 'wav', 'pcm']);

export interface FileField {
  name: string;
  filename: string;
}

export interface ExampleRequest {
  api: string;
  method: PublicEndpoint['method'];
  /** absolute URL of the public path */
  url: string;
  /** the upstream path, e.g. /v1/chat/completions (picks the SDK method) */
  upstreamPath: string;
  /** what an OpenAI-style SDK takes as baseURL: the public path minus the part after /v1 */
  sdkBaseUrl: string;
  kind: 'json' | 'multipart' | 'none';
  json: Record<string, unknown> | null;
  textFields: Array<{ name: string; value: string }>;
  fileFields: FileField[];
  binaryResponse: boolean;
  /** where samples save a binary answer */
  outputFile: string;
}

/** `@file:audio.mp3` → `audio.mp3`; null for a plain text value. */
export function fileNameOf(value: string): string | null {
  return value.startsWith(FILE_PREFIX) ? value.slice(FILE_PREFIX.length) || 'upload.bin' : null;
}

function outputFileFor(ep: PublicEndpoint, json: Record<string, unknown> | null): string {
  const format = json?.response_format ?? json?.format;
  if (typeof format === 'string' && AUDIO_FORMATS.has(format)) return `output.${format}`;
  return ep.upstream_path.includes('/audio/') ? 'output.mp3' : 'output.bin';
}

function sdkBaseFor(origin: string, ep: PublicEndpoint): string {
  const apiRoot = ep.path.endsWith(ep.upstream_path) ? ep.path.slice(0, ep.path.length - ep.upstream_path.length) : ep.path;
  const version = /^\/v\d+(?=\/|$)/.exec(ep.upstream_path)?.[0] ?? '';
  return origin + apiRoot + version;
}

/** apiName is the catalog api the endpoint belongs to, e.g. "openai". */
export function buildExampleRequest(apiName: string, ep: PublicEndpoint, origin: string): ExampleRequest {
  const example = ep.example;
  const kind = ep.method === 'GET' || ep.content_type === 'none' ? 'none' : (example?.content_type ?? (ep.content_type === 'multipart' ? 'multipart' : 'json'));
  const json = kind === 'json' ? (example?.body ?? {}) : null;
  const textFields: ExampleRequest['textFields'] = [];
  const fileFields: FileField[] = [];
  if (kind === 'multipart') {
    for (const [name, value] of Object.entries(example?.fields ?? {})) {
      const filename = fileNameOf(value);
      if (filename) fileFields.push({ name, filename });
      else textFields.push({ name, value });
    }
  }
  return {
    api: apiName,
    method: ep.method,
    url: origin + ep.path,
    upstreamPath: ep.upstream_path,
    sdkBaseUrl: sdkBaseFor(origin, ep),
    kind,
    json,
    textFields,
    fileFields,
    binaryResponse: ep.response === 'binary',
    outputFile: outputFileFor(ep, json),
  };
}

/** Indents every line after the first, to nest a multi-line literal inside code. */
export function indentTail(text: string, spaces: number): string {
  const pad = ' '.repeat(spaces);
  return text.split('\n').join(`\n${pad}`);
}
