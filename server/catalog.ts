// Loads config.yaml and validates it against the one catalog schema; a bad file stops
// start-up with the file, the key path and what is wrong.
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { Catalog } from '../contract/catalog.js';

export class CatalogError extends Error {
  override name = 'CatalogError';
}

export function parseCatalog(text: string, file = 'config.yaml'): Catalog {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new CatalogError(`${file}: not valid YAML:\n${doc.errors.map((e) => `  ${e.message}`).join('\n')}`);
  }
  const parsed = Catalog.safeParse(doc.toJS());
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${formatPath(i.path)}: ${i.message}`);
    throw new CatalogError(`${file}: invalid catalog:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

export function loadCatalog(file: string): Catalog {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new CatalogError(`${file}: cannot read the catalog (${(err as Error).message})`);
  }
  return parseCatalog(text, file);
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(top level)';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('');
}
