// deploy/: the local deployment script really runs (a development node and the server as their
// own processes on the embedded store, health, a paid top-up, the audit, a clean stop); the nginx
// example really terminates TLS in front of it; the systemd unit passes systemd's own checks.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresSchema } from '../store/testing.js';
import { freePort } from '../testing/process.js';
import { waitFor } from './testing.js';

const SCRIPT = join(process.cwd(), 'deploy', 'deploy.sh');

function run(file: string, args: string[], env: Record<string, string>, timeoutMs = 150_000): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { env: { ...process.env, ...env }, timeout: timeoutMs }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : -1) : 0;
      resolve({ code, output: stdout + stderr });
    });
  });
}

function httpsGet(port: number, path: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest({ host: '127.0.0.1', port, path, headers: { host: 'api.example.com' }, rejectUnauthorized: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('deploy/deploy.sh local', () => {
  const dir = mkdtempSync(join(tmpdir(), 'abl-deploy-'));
  let env: Record<string, string>;
  let schema: Awaited<ReturnType<typeof createPostgresSchema>>;

  beforeAll(async () => {
    // PostgreSQL: a first start on PGlite spends most of a minute creating its cluster on a busy
    // machine (the script does the same with DATABASE_URL unset; tried by hand, see docs/deploy.md)
    schema = await createPostgresSchema();
    env = { ABL_DEPLOY_DIR: dir, ABL_DEPLOY_PORT: String(await freePort()), ABL_DEPLOY_DEVNODE_PORT: String(await freePort()), ABL_DEPLOY_SKIP_BUILD: '1', DATABASE_URL: schema.url };
  });
  afterAll(async () => {
    await run(SCRIPT, ['local', 'stop'], env);
    await schema?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts the node and the server as processes, checks them, and stops them cleanly', async () => {
    const started = await run(SCRIPT, ['local', 'start'], env);
    expect(started.output).toMatch(/health: \{"status":"ok","wallet":"phoenixd","store":"postgres"/);
    expect(started.code).toBe(0);
    const pids = ['server', 'devnode'].map((n) => Number(readFileSync(join(dir, `${n}.pid`), 'utf8')));
    expect(pids.map(alive)).toEqual([true, true]);
    expect((await run('stat', ['-c', '%a', join(dir, 'secrets.env')], {})).output.trim()).toBe('600'); // generated once, private

    expect((await run(SCRIPT, ['local', 'start'], env)).output).toMatch(/devnode: already running[\s\S]*server: already running/);
    expect((await run(SCRIPT, ['local', 'status'], env)).code).toBe(0);
    const check = await run(SCRIPT, ['local', 'check'], env);
    expect(check.output).toMatch(/balance 100 sats/);
    expect(check.output).toMatch(/ledger audit: OK/);
    expect(check.code).toBe(0);
    const secrets = readFileSync(join(dir, 'secrets.env'), 'utf8').split('\n').filter(Boolean).map((l) => l.slice(l.indexOf('=') + 1));
    const logs = readFileSync(join(dir, 'server.log'), 'utf8') + readFileSync(join(dir, 'devnode.log'), 'utf8') + started.output + check.output;
    for (const s of secrets) expect(logs).not.toContain(s);

    await nginxInFront(Number(env.ABL_DEPLOY_PORT));

    const stopped = await run(SCRIPT, ['local', 'stop'], env);
    expect(stopped.output).toMatch(/server: stopped[\s\S]*devnode: stopped/);
    expect(stopped.code).toBe(0);
    expect(pids.map(alive)).toEqual([false, false]);
    expect(readFileSync(join(dir, 'server.log'), 'utf8')).toMatch(/"signal":"SIGTERM"[^\n]*"msg":"shutting down"/); // graceful, not killed
    expect((await run(SCRIPT, ['local', 'status'], env)).code).toBe(3);
  }, 120_000); // two processes started through tsx: slow on a busy machine

  /** The nginx example with its names and ports swapped for test ones and a self-signed certificate. */
  async function nginxInFront(serverPort: number): Promise<void> {
    const nginx = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p));
    expect(nginx, 'nginx is needed for this check: apt-get install -y nginx-light').toBeDefined();
    const prefix = join(dir, 'nginx');
    mkdirSync(prefix);
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=api.example.com', '-keyout', join(prefix, 'key.pem'), '-out', join(prefix, 'cert.pem')], { stdio: 'ignore' });
    const [https, http] = [await freePort(), await freePort()];
    const site = readFileSync(join(process.cwd(), 'deploy', 'nginx', 'alittlebitofmoney.conf'), 'utf8')
      .replace('server 127.0.0.1:3000', `server 127.0.0.1:${serverPort}`)
      .replace(/listen \[::\]:\d+[^;]*;/g, '')
      .replace('listen 443 ssl http2;', `listen 127.0.0.1:${https} ssl http2;`)
      .replace('listen 80;', `listen 127.0.0.1:${http};`)
      .replace('/etc/letsencrypt/live/api.example.com/fullchain.pem', join(prefix, 'cert.pem'))
      .replace('/etc/letsencrypt/live/api.example.com/privkey.pem', join(prefix, 'key.pem'));
    writeFileSync(join(prefix, 'site.conf'), site);
    const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `${t}_temp_path ${prefix}/${t};`).join(' ');
    writeFileSync(
      join(prefix, 'nginx.conf'),
      `worker_processes 1; daemon off; pid ${prefix}/nginx.pid; error_log ${prefix}/error.log warn;
events { worker_connections 64; }
http { access_log off; ${temp} include ${join(prefix, 'site.conf')}; }`,
    );
    const conf = ['-p', prefix, '-c', join(prefix, 'nginx.conf'), '-e', join(prefix, 'error.log')];
    const tested = await run(nginx!, ['-t', ...conf], {});
    expect(tested.output).toMatch(/syntax is ok/);
    const proc = execFile(nginx!, conf);
    try {
      const health = await waitFor('nginx', async () => httpsGet(https, '/api/v1/health').catch(() => undefined), 10_000, 100);
      expect(health.status).toBe(200);
      expect(JSON.parse(health.body)).toMatchObject({ status: 'ok' });
      expect(health.headers['strict-transport-security']).toBe('max-age=63072000');
      // not for the internet: 403 from nginx before the server sees them (the test connects from 127.0.0.1,
      // which the example allows, so a deny shows up only through another address: check the rule exists)
      expect(site).toMatch(/location = \/metrics \{\s*allow 127\.0\.0\.1;\s*deny all;/);
      expect(site).toMatch(/location \^~ \/api\/v1\/admin\/ \{\s*allow 127\.0\.0\.1;\s*deny all;/);
    } finally {
      proc.kill('SIGQUIT');
      await new Promise((r) => proc.on('exit', r));
    }
  }
});

describe('deploy/alittlebitofmoney.service', () => {
  it('passes systemd-analyze verify without a warning', async () => {
    const unit = join(process.cwd(), 'deploy', 'alittlebitofmoney.service');
    const text = readFileSync(unit, 'utf8');
    expect(text).toMatch(/^ExecStart=\/usr\/bin\/node --import tsx server\/main\.ts$/m);
    expect(text).toMatch(/^KillSignal=SIGTERM$/m);
    const tool = ['/usr/bin/systemd-analyze', '/bin/systemd-analyze'].find((p) => existsSync(p));
    expect(tool, 'systemd-analyze is needed for this check (package systemd)').toBeDefined();
    const verified = await run(tool!, ['verify', unit], {}, 60_000);
    expect(verified.output).toBe('');
    expect(verified.code).toBe(0);
  });
});
