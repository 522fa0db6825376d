// The OpenAPI document as a person reads it: every operation's method, path and summary, grouped
// by its first tag, in the document's order. Pure; anything unexpected is left out.

export interface OutlineOperation {
  method: string;
  path: string;
  summary: string;
}

export interface OutlineGroup {
  tag: string;
  operations: OutlineOperation[];
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

export function openApiOutline(doc: unknown): OutlineGroup[] {
  const paths = (doc as { paths?: unknown } | null)?.paths;
  if (!paths || typeof paths !== 'object') return [];
  const groups = new Map<string, OutlineOperation[]>();
  for (const [path, item] of Object.entries(paths as Record<string, unknown>)) {
    if (!item || typeof item !== 'object') continue;
    for (const method of METHODS) {
      const op = (item as Record<string, unknown>)[method] as { summary?: unknown; tags?: unknown } | undefined;
      if (!op || typeof op !== 'object') continue;
      const tag = Array.isArray(op.tags) && typeof op.tags[0] === 'string' ? op.tags[0] : 'other';
      const list = groups.get(tag) ?? [];
      list.push({ method: method.toUpperCase(), path, summary: typeof op.summary === 'string' ? op.summary : '' });
      groups.set(tag, list);
    }
  }
  return [...groups].map(([tag, operations]) => ({ tag, operations }));
}
