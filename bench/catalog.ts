// The benchmark's own catalog: the shipped config.yaml with one flat model added beside the
// metered ones of chat completions, so one server process serves a flat and a metered call of the
// same shape (the bench upstream answers any model name). Written to a file the servers get as
// ABL_CONFIG; checked with the server's own loader first, so a catalog it cannot derive stops the
// run before any server starts.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import { isMetered, type Catalog, type MeteredModelPrice, type UsageShape } from '../contract/catalog.js';
import { parseCatalog } from '../server/catalog.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export const CHAT_API = 'openai';
export const CHAT_ENDPOINT = { method: 'POST', path: '/v1/chat/completions' } as const;
/** metered in the shipped catalog (sats per million tokens, usage read from the answer) */
export const METERED_MODEL = 'gpt-4o-mini';
/** added by the benchmark: the same calls, priced per call */
export const FLAT_MODEL = 'gpt-4o-mini-flat';

/** Writes the bench catalog into `dir` and returns its path. */
export function writeBenchCatalog(dir: string, flatSats: number, source = join(ROOT, 'config.yaml')): string {
  const doc = parseDocument(readFileSync(source, 'utf8'));
  const apis = (doc.toJS() as { apis?: { name: string; endpoints?: { method: string; path: string }[] }[] }).apis ?? [];
  const a = apis.findIndex((x) => x.name === CHAT_API);
  const e = apis[a]?.endpoints?.findIndex((x) => x.method === CHAT_ENDPOINT.method && x.path === CHAT_ENDPOINT.path) ?? -1;
  if (a < 0 || e < 0) throw new Error(`${source}: no ${CHAT_ENDPOINT.method} ${CHAT_ENDPOINT.path} in the ${CHAT_API} api: the bench cannot derive its catalog`);
  const models = ['apis', a, 'endpoints', e, 'price', 'models'];
  if (doc.hasIn([...models, FLAT_MODEL])) throw new Error(`${source}: already prices ${FLAT_MODEL}`);
  doc.setIn([...models, FLAT_MODEL], flatSats);
  const text = doc.toString();

  // the server's loader must accept it, with one flat and one metered model on the endpoint
  const catalog = parseCatalog(text, 'the bench catalog');
  meteredChatPrice(catalog, source);
  if (chatPrice(catalog)?.models[FLAT_MODEL] !== flatSats) throw new Error(`the bench catalog does not price ${FLAT_MODEL} at ${flatSats} sats`);

  const file = join(dir, 'config.bench.yaml');
  writeFileSync(file, text);
  return file;
}

/** The chat completions endpoint's per-model prices, if it has them. */
function chatPrice(catalog: Catalog) {
  const price = catalog.apis.find((x) => x.name === CHAT_API)?.endpoints.find((x) => x.method === CHAT_ENDPOINT.method && x.path === CHAT_ENDPOINT.path)?.price;
  return price && 'models' in price ? price : null;
}

/** The metered model's price and where its answer reports usage; `source` names the file in the error when it is not metered. */
export function meteredChatPrice(catalog: Catalog, source: string): { price: MeteredModelPrice; shape: UsageShape } {
  const price = chatPrice(catalog);
  const model = price?.models[METERED_MODEL];
  if (!price?.usage || model === undefined || !isMetered(model)) throw new Error(`${source}: ${METERED_MODEL} is not metered on ${CHAT_ENDPOINT.path}; the metered rows would measure a flat call`);
  return { price: model, shape: price.usage };
}
