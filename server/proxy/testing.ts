// Helpers for the proxy's tests (and the route's): the shipped catalog, example requests turned
// into parsed input, and multipart bodies encoded the way HTTP clients encode them.
import { fileURLToPath } from 'node:url';
import type { Catalog, Endpoint, Example } from '../../contract/catalog.js';
import { loadCatalog } from '../catalog.js';
import type { RequestInput } from './body.js';

export const CONFIG_PATH = fileURLToPath(new URL('../../config.yaml', import.meta.url));

export function shippedCatalog(): Catalog {
  return loadCatalog(CONFIG_PATH);
}

export function findEndpoint(catalog: Catalog, apiName: string, method: string, path: string): Endpoint {
  const endpoint = catalog.apis.find((a) => a.name === apiName)?.endpoints.find((e) => e.method === method && e.path === path);
  if (!endpoint) throw new Error(`no ${method} ${apiName}${path} in the catalog`);
  return endpoint;
}

/** A copy of the catalog where one endpoint takes the given query parameters. */
export function withQuery(catalog: Catalog, apiName: string, method: string, path: string, names: string[]): Catalog {
  const copy = structuredClone(catalog);
  findEndpoint(copy, apiName, method, path).validation.query = names;
  return copy;
}

const FILE_REF = /^@file:(.+)$/;

/** The parsed input an example request stands for; `@file:` fields become uploaded files. */
export function exampleInput(contentType: Example['content_type'], body?: Record<string, unknown>, fields?: Record<string, string>): RequestInput {
  if (contentType === 'none') return { kind: 'none' };
  if (contentType === 'json') return { kind: 'json', body: body ?? {} };
  const parts: Extract<RequestInput, { kind: 'multipart' }>['parts'] = { fields: {}, files: [] };
  for (const [name, value] of Object.entries(fields ?? {})) {
    const file = FILE_REF.exec(value);
    if (file) parts.files.push({ field: name, filename: file[1] as string, mimeType: 'application/octet-stream', size: 1024 });
    else parts.fields[name] = value;
  }
  return { kind: 'multipart', parts };
}

export interface EncodedForm {
  body: Buffer;
  contentType: string;
}

/** Encodes a multipart/form-data body with the platform's own encoder (what fetch would send); a list sends the field once per value. */
export async function encodeForm(fields: Record<string, string | string[]>, files: Record<string, { name: string; type?: string; bytes: Uint8Array }> = {}): Promise<EncodedForm> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) for (const v of Array.isArray(value) ? value : [value]) form.append(name, v);
  for (const [name, file] of Object.entries(files)) form.append(name, new Blob([file.bytes], { type: file.type ?? 'application/octet-stream' }), file.name);
  const request = new Request('http://form.invalid/', { method: 'POST', body: form });
  return { body: Buffer.from(await request.arrayBuffer()), contentType: request.headers.get('content-type') ?? '' };
}
