// The benchmark's upstream: a minimal node:http server on loopback, as cheap as it can be, so the
// proxy's cost is what shows. Any GET answers a model list; a POST answers a small chat
// completion (with its `usage`), or server-sent events when the body asks to stream
// ("stream":true) — paced by x-bench-chunk-ms (default 0) and x-bench-chunks (default 16), so
// streams can be made slow — ending with a usage chunk when the body asks for one
// ("include_usage":true, as the proxy does for a metered stream), as OpenAI does.
// Run as its own process: `node --import tsx bench/upstream.ts <port>`.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';

const COMPLETION = Buffer.from(
  JSON.stringify({
    id: 'chatcmpl-bench0000000000000000000000',
    object: 'chat.completion',
    created: 1_750_000_000,
    model: 'gpt-4o-mini',
    choices: [{ index: 0, message: { role: 'assistant', content: 'Hello there, nice to meet you!', refusal: null, annotations: [] }, logprobs: null, finish_reason: 'stop' }],
    usage: { prompt_tokens: 14, completion_tokens: 8, total_tokens: 22 },
    service_tier: 'default',
    system_fingerprint: 'fp_bench0001',
  }),
);
const MODELS = Buffer.from(JSON.stringify({ object: 'list', data: ['gpt-4o-mini', 'gpt-4o', 'gpt-4.1-nano'].map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'system' })) }));

// the kind of headers OpenAI sends beside its answer, so every path copies a realistic set
const COMMON = ['openai-version', '2020-10-01', 'openai-processing-ms', '12', 'x-request-id', 'req_bench', 'x-ratelimit-limit-requests', '10000', 'x-ratelimit-remaining-requests', '9999'];
const JSON_HEADERS = (length: number) => [...COMMON, 'content-type', 'application/json', 'content-length', String(length)];
const SSE_HEADERS = [...COMMON, 'content-type', 'text/event-stream; charset=utf-8', 'cache-control', 'no-cache'];
const frame = (i: number): string =>
  `data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1750000000,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"word${i} "},"finish_reason":null}]}\n\n`;
/** the last chunk of a stream that asked for usage: `choices: []`, one token per content chunk */
const usageFrame = (chunks: number): string =>
  `data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1750000000,"model":"gpt-4o-mini","choices":[],"usage":{"prompt_tokens":14,"completion_tokens":${chunks},"total_tokens":${14 + chunks}}}\n\n`;

function handle(req: IncomingMessage, res: ServerResponse): void {
  if (req.method === 'GET') {
    req.resume();
    res.writeHead(200, JSON_HEADERS(MODELS.length)).end(MODELS);
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('latin1');
    if (!/"stream"\s*:\s*true/.test(body)) {
      res.writeHead(200, JSON_HEADERS(COMPLETION.length)).end(COMPLETION);
      return;
    }
    stream(res, Number(req.headers['x-bench-chunks'] ?? 16), Number(req.headers['x-bench-chunk-ms'] ?? 0), /"include_usage"\s*:\s*true/.test(body));
  });
}

function stream(res: ServerResponse, count: number, everyMs: number, usage: boolean): void {
  res.writeHead(200, SSE_HEADERS);
  let i = 0;
  const next = (): void => {
    if (res.destroyed) return;
    if (i === count) {
      res.end(usage ? `${usageFrame(count)}data: [DONE]\n\n` : 'data: [DONE]\n\n');
      return;
    }
    res.write(frame(i++));
    if (everyMs > 0) setTimeout(next, everyMs);
    else setImmediate(next);
  };
  next();
}

export function startUpstream(port: number): Promise<Server> {
  const server = createServer(handle);
  server.keepAliveTimeout = 120_000; // idle proxies between benchmark rounds keep their connections
  server.headersTimeout = 130_000;
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(process.argv[2]);
  void startUpstream(port).then(() => console.log(`bench upstream on 127.0.0.1:${port}`));
  process.on('SIGTERM', () => process.exit(0));
}
