#!/usr/bin/env node
// Run before `npm start` and `npm test`: installs dependencies (dev ones included, whatever
// NODE_ENV says) when any is missing, and builds the web app when its sources are newer
// than its build. Plain Node with no dependencies, so it works on a fresh clone.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'development' } });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

function missingDependencies() {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const names = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {})];
  return names.filter((n) => !existsSync(join(root, 'node_modules', n, 'package.json')));
}

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry === 'dist' || entry === 'e2e' || entry.endsWith('.md')) continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

const missing = missingDependencies();
if (missing.length > 0) {
  console.log(`installing dependencies (${missing.length} missing)...`);
  run('npm', ['install', '--include=dev', '--no-audit', '--no-fund']);
}

const builtAt = newestMtime(join(root, 'web', 'dist', 'index.html'));
const sourcesAt = Math.max(newestMtime(join(root, 'web')), newestMtime(join(root, 'contract')));
if (existsSync(join(root, 'web', 'index.html')) && builtAt < sourcesAt) {
  console.log('building the web app...');
  run(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn']);
}
