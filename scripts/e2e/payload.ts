// Requests built from a catalog example: the example itself, its e2e invalid case, the example
// without its required field, with "stream": true, or with another model. Pure, except that
// toHttpBody generates the files that `@file:` placeholders stand for.
import { FormData } from 'undici';
import type { Example } from '../../contract/catalog.js';
import { filePlaceholder, generateFile } from './files.js';
import type { HttpRequest } from './http.js';

export type Payload =
  | { kind: 'json'; body: Record<string, unknown> }
  | { kind: 'multipart'; fields: Record<string, string> }
  | { kind: 'none' };

export function examplePayload(ex: Example): Payload {
  if (ex.content_type === 'multipart') return { kind: 'multipart', fields: { ...ex.fields } };
  if (ex.content_type === 'json') return { kind: 'json', body: { ...ex.body } };
  return { kind: 'none' };
}

/** The e2e invalid case: `fields` is a multipart request, `body` a JSON one. */
export function invalidPayload(ex: Example): Payload | null {
  const invalid = ex.e2e?.invalid;
  if (invalid?.fields) return { kind: 'multipart', fields: { ...invalid.fields } };
  if (invalid?.body) return { kind: 'json', body: { ...invalid.body } };
  return null;
}

export function withoutField(p: Payload, field: string): Payload {
  if (p.kind === 'json') {
    const { [field]: _dropped, ...body } = p.body;
    return { kind: 'json', body };
  }
  if (p.kind === 'multipart') {
    const { [field]: _dropped, ...fields } = p.fields;
    return { kind: 'multipart', fields };
  }
  return p;
}

/** Sets one field: a JSON value, or its text form in a multipart form. */
export function withField(p: Payload, field: string, value: string | boolean): Payload {
  if (p.kind === 'json') return { kind: 'json', body: { ...p.body, [field]: value } };
  if (p.kind === 'multipart') return { kind: 'multipart', fields: { ...p.fields, [field]: String(value) } };
  return p;
}

export const withStream = (p: Payload): Payload => withField(p, 'stream', true);

/** The value of a (string) field, e.g. the model, or undefined. */
export function fieldOf(p: Payload, field: string): string | undefined {
  const v = p.kind === 'json' ? p.body[field] : p.kind === 'multipart' ? p.fields[field] : undefined;
  return typeof v === 'string' ? v : undefined;
}

/** The body part of an HttpRequest: JSON, or a real multipart form with generated files. */
export function toHttpBody(p: Payload): Pick<HttpRequest, 'json' | 'form'> {
  if (p.kind === 'json') return { json: p.body };
  if (p.kind === 'none') return {};
  const form = new FormData();
  for (const [name, value] of Object.entries(p.fields)) {
    const fileName = filePlaceholder(value);
    if (fileName === null) {
      form.append(name, value);
      continue;
    }
    const file = generateFile(fileName);
    form.append(name, new Blob([new Uint8Array(file.bytes)], { type: file.type }), file.name);
  }
  return { form };
}
