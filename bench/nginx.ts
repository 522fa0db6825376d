// nginx (Debian's nginx-light) as a bare reverse proxy to the benchmark upstream: the yardstick.
// One worker, no access log, keep-alive connections both sides, no buffering (streams pass as
// they arrive, like the proxy's). Runs in the foreground on a temporary prefix.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { childrenOf, cpuSecondsOf, freePort, spawnChild, waitUntilAnswering, type CpuReading } from './processes.js';

export interface Nginx {
  url: string;
  version: string;
  /** CPU seconds of the master and its worker so far */
  cpu(): Promise<CpuReading>;
  close(): Promise<void>;
}

const CANDIDATES = ['/usr/sbin/nginx', '/usr/bin/nginx', '/usr/local/sbin/nginx'];

/** null (with the reason) when nginx is not installed: install it with `apt-get install -y nginx-light`. */
export async function startNginx(upstreamPort: number, dir: string): Promise<Nginx | { missing: string }> {
  const bin = CANDIDATES.find((p) => existsSync(p));
  if (!bin) return { missing: 'nginx is not installed (apt-get install -y nginx-light); the nginx row is skipped' };
  const version = execFileSync('sh', ['-c', `${bin} -v 2>&1`], { encoding: 'utf8' }).trim(); // nginx -v writes to stderr
  const prefix = join(dir, 'nginx');
  mkdirSync(prefix, { recursive: true });
  const port = await freePort();
  const conf = join(prefix, 'nginx.conf');
  writeFileSync(conf, config(prefix, port, upstreamPort));
  const logFile = join(dir, 'nginx.log');
  const child = spawnChild(bin, ['-p', prefix, '-c', conf, '-e', join(prefix, 'error.log')], { logFile });
  const url = `http://127.0.0.1:${port}`;
  await waitUntilAnswering(`${url}/v1/models`, child, logFile);
  return {
    url,
    version,
    cpu: async () => ({ proxy: cpuSecondsOf(child.pid) + childrenOf(child.pid).reduce((s, pid) => s + cpuSecondsOf(pid), 0), db: new Map() }),
    close: async () => {
      await child.stop();
    },
  };
}

function config(prefix: string, port: number, upstreamPort: number): string {
  return `worker_processes 1;
daemon off;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
events { worker_connections 8192; }
http {
  access_log off;
  client_body_temp_path ${prefix}/body;
  proxy_temp_path ${prefix}/proxy;
  fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi;
  scgi_temp_path ${prefix}/scgi;
  keepalive_timeout 120s;
  keepalive_requests 1000000;
  upstream bench_upstream {
    server 127.0.0.1:${upstreamPort};
    keepalive 256;
    keepalive_requests 1000000;
    keepalive_timeout 120s;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://bench_upstream;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
    }
  }
}
`;
}
