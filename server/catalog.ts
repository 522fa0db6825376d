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
    const lines = parsed.error.issues.flatMap((i) => explain(i, [])).map((l) => `  ${formatPath(l.path)}: ${l.message}`);
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

type Issue = { code: string; path: PropertyKey[]; message: string; errors?: Issue[][] };

/**
 * A value none of a union's shapes takes (a price is a number of sats or a metered price): the
 * issues of the shape it came closest to (whose issues lie deepest), or, when it matched none even
 * in part, what each shape expects — not the validator's bare "Invalid input".
 */
function explain(issue: Issue, base: readonly PropertyKey[]): { path: PropertyKey[]; message: string }[] {
  const path = [...base, ...issue.path];
  const branches = issue.code === 'invalid_union' ? (issue.errors ?? []).filter((b) => b.length > 0) : [];
  if (branches.length === 0) return [{ path, message: issue.message }];
  const depth = (b: Issue[]) => Math.max(...b.map((i) => i.path.length + (i.code === 'invalid_union' ? 1 : 0)));
  const deepest = Math.max(...branches.map(depth));
  if (deepest > 0) {
    const closest = branches.filter((b) => depth(b) === deepest).sort((a, b) => a.length - b.length)[0]!;
    return closest.flatMap((i) => explain(i, path));
  }
  const expected = [...new Set(branches.map((b) => b[0]!.message))];
  return [{ path, message: expected.join('; or ') }];
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(top level)';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('');
}
