// Writes a .br and a .gz beside each text file of the built web app, once, at build time, so the
// server (@fastify/static `preCompressed`) sends the ~440 KB main script as ~130 KB without
// compressing on every request. A compressed copy is kept only when it is smaller.
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);
const TEXT = /\.(js|mjs|css|html|svg|json|txt|webmanifest|map)$/;
/** below this, compressing saves less than the headers it costs */
const MIN_BYTES = 1024;

async function* files(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (entry.isFile()) yield path;
  }
}

/** Compresses the text files under `dir`; answers how many it compressed. */
export async function precompressDir(dir: string): Promise<number> {
  let count = 0;
  for await (const path of files(dir)) {
    if (!TEXT.test(path) || (await stat(path)).size < MIN_BYTES) continue;
    const raw = await readFile(path);
    const [br, gzipped] = await Promise.all([
      brotli(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length } }),
      gz(raw, { level: 9 }),
    ]);
    if (br.length < raw.length) await writeFile(`${path}.br`, br);
    if (gzipped.length < raw.length) await writeFile(`${path}.gz`, gzipped);
    count++;
  }
  return count;
}

/** A Vite plugin: precompresses the output directory once the build has written it. */
export function precompressPlugin(outDir: string): { name: string; apply: 'build'; closeBundle: () => Promise<void> } {
  return {
    name: 'abl-precompress',
    apply: 'build',
    closeBundle: async () => {
      await precompressDir(outDir);
    },
  };
}
