// Pieces shared by the JavaScript samples: literals, request options and the answer handling.
import { indentTail, type ExampleRequest } from './request';

/** An object key: bare when it is an identifier, quoted otherwise. */
export const jsKey = (name: string): string => (/^[A-Za-z_$][\w$]*$/.test(name) ? name : jsString(name));

export const jsString = (value: string): string => `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'").replaceAll('\n', '\\n')}'`;

/** A JSON value as a JS literal, nested at `indent` spaces. */
export const jsLiteral = (value: unknown, indent: number): string => indentTail(JSON.stringify(value, null, 2), indent);

/** Statements that build `form` for a multipart request (Node 20: fs.openAsBlob). */
export function formDataLines(req: ExampleRequest): string[] {
  const lines = ['const form = new FormData();'];
  for (const f of req.textFields) lines.push(`form.append(${jsString(f.name)}, ${jsString(f.value)});`);
  for (const f of req.fileFields) lines.push(`form.append(${jsString(f.name)}, await openAsBlob(${jsString(f.filename)}), ${jsString(f.filename)});`);
  return lines;
}

/** The `{ method, headers, body }` argument of fetch, with the given extra headers. */
export function fetchInit(req: ExampleRequest, headers: Record<string, string>): string {
  const all = { ...headers, ...(req.kind === 'json' ? { 'Content-Type': 'application/json' } : {}) };
  const headerLines = Object.entries(all).map(([k, v]) => `    ${jsString(k)}: ${jsString(v)},`);
  const lines = ['{', `  method: ${jsString(req.method)},`];
  if (headerLines.length) lines.push('  headers: {', ...headerLines, '  },');
  if (req.kind === 'json') lines.push(`  body: JSON.stringify(${jsLiteral(req.json ?? {}, 2)}),`);
  if (req.kind === 'multipart') lines.push('  body: form,');
  lines.push('}');
  return lines.join('\n');
}

/** Imports a fetch-based sample needs (files for multipart, fs for binary answers). */
export function nodeImports(req: ExampleRequest): string[] {
  const names = [...(req.kind === 'multipart' ? ['openAsBlob'] : []), ...(req.binaryResponse ? ['writeFile'] : [])];
  if (names.length === 0) return [];
  const fromFs = names.filter((n) => n === 'openAsBlob');
  const fromPromises = names.filter((n) => n === 'writeFile');
  return [
    ...(fromFs.length ? [`import { ${fromFs.join(', ')} } from 'node:fs';`] : []),
    ...(fromPromises.length ? [`import { ${fromPromises.join(', ')} } from 'node:fs/promises';`] : []),
  ];
}

/** Statements that report the charge and print or save the answer held in `response`. */
export function handleResponseLines(req: ExampleRequest): string[] {
  const lines = ["console.log(response.status, 'charged', response.headers.get('X-Charged-Sats'), 'sats');"];
  if (req.binaryResponse) lines.push(`await writeFile(${jsString(req.outputFile)}, Buffer.from(await response.arrayBuffer()));`);
  else lines.push('console.log(await response.json());');
  return lines;
}
