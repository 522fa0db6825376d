// The shipped catalog with a few of its metered models priced flat per call instead: for the tests
// of the proxy's mechanics (single-use credentials, holds, parallel calls, crashes), whose
// arithmetic is simplest with a whole price per call. Every other model stays metered, so the
// same server also serves metered calls (gpt-4.1-nano, claude-sonnet-4-5 …).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { Catalog } from '../../contract/catalog.js';

const SHIPPED = fileURLToPath(new URL('../../config.yaml', import.meta.url));

/** Flat sats per call for the models the mechanics tests name. */
export const FLAT_PRICES: Readonly<Record<string, number>> = {
  'gpt-4o-mini': 30,
  'gpt-4o': 150,
  'claude-haiku-4-5': 50,
  'text-embedding-3-small': 5,
};

type Doc = { apis: { endpoints: { price: { models?: Record<string, unknown> } }[] }[] };

/** Gives the FLAT_PRICES models of a parsed config.yaml their flat price, in place; returns it. */
export function flattenPrices<T>(doc: T): T {
  for (const api of (doc as Doc).apis) {
    for (const endpoint of api.endpoints) {
      const models = endpoint.price.models;
      for (const model of Object.keys(models ?? {})) if (FLAT_PRICES[model] !== undefined) models![model] = FLAT_PRICES[model];
    }
  }
  return doc;
}

export function flatPricedCatalog(): Catalog {
  return Catalog.parse(flattenPrices(YAML.parse(readFileSync(SHIPPED, 'utf8'))));
}

/** The flat-priced copy as a file, for a server's ABL_CONFIG. */
export function writeFlatPricedConfig(): { path: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'abl-flat-'));
  const path = join(dir, 'config.yaml');
  writeFileSync(path, YAML.stringify(flattenPrices(YAML.parse(readFileSync(SHIPPED, 'utf8')))));
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
