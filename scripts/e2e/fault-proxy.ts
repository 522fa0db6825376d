// A test helper: a reverse proxy in front of a good server that rewrites its answers (a dropped
// challenge line, a wrong charge header…), to prove the suite notices each kind of fault.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';

export interface ProxiedAnswer {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

export type Mutation = (answer: ProxiedAnswer, req: { method: string; url: string }) => void;

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'host']);

export async function startFaultProxy(target: string, mutate: Mutation): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    forward(target, req)
      .then((answer) => {
        mutate(answer, { method: req.method ?? 'GET', url: req.url ?? '/' });
        res.writeHead(answer.status, { ...answer.headers, 'content-length': answer.body.length });
        res.end(answer.body);
      })
      .catch((err: unknown) => {
        res.writeHead(599, { 'content-type': 'text/plain' });
        res.end(`fault proxy: ${String(err)}`);
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function forward(target: string, req: IncomingMessage): Promise<ProxiedAnswer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => !HOP_BY_HOP.has(k))) as Record<string, string | string[]>;
  const res = await request(target + (req.url ?? '/'), {
    method: (req.method ?? 'GET') as 'GET',
    headers,
    ...(chunks.length > 0 ? { body: Buffer.concat(chunks) } : {}),
  });
  const body = Buffer.from(await res.body.arrayBuffer());
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(res.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) out[k] = v;
  return { status: res.statusCode, headers: out, body };
}
