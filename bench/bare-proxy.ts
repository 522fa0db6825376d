// A bare Node reverse proxy (node:http in, an undici keep-alive Pool out, nothing else): the floor
// under any Node proxy, as nginx is the floor under any proxy. Forwards method, path, headers
// (minus hop-by-hop) and body; streams the answer back as it arrives (undici's pool.stream).
// Run as its own process: `node --import tsx bench/bare-proxy.ts <port> <upstream url>`.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';

/** request headers not forwarded, and answer headers not sent back (hop-by-hop; the length is the sender's own) */
export const HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'host', 'content-length', 'te', 'trailer', 'upgrade']);
export const HOP_BACK = new Set(['connection', 'keep-alive', 'transfer-encoding']);

export function startBareProxy(port: number, upstream: string): Promise<void> {
  const pool = new Pool(upstream);
  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer | null): void => {
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !HOP.has(k)) headers[k] = v;
    // pool.stream writes the answer straight into `res`: no intermediate Readable
    pool
      .stream({ method: req.method as 'GET', path: req.url ?? '/', headers, body }, ({ statusCode, headers: upHeaders }) => {
        const out: Record<string, string | string[]> = {};
        for (const [k, v] of Object.entries(upHeaders)) if (v !== undefined && !HOP_BACK.has(k)) out[k] = v;
        res.writeHead(statusCode, out);
        return res;
      })
      .catch(() => res.destroy());
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => forward(req, res, chunks.length === 0 ? null : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
  });
  server.keepAliveTimeout = 120_000;
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [port, upstream] = process.argv.slice(2);
  void startBareProxy(Number(port), upstream!).then(() => console.log(`bare proxy on 127.0.0.1:${port} → ${upstream}`));
  process.on('SIGTERM', () => process.exit(0));
}
