// The MCP server over real HTTP for tests: a server on one store with the fake upstreams, tokens
// bought through the development node, and MCP clients (the SDK's own, streamable HTTP) that call
// tools and check each result's text is its structured content. Call inside a describe: it starts
// the server before the describe's tests and closes it and its clients after them.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, expect } from 'vitest';
import type { PublicCatalog } from '../../contract/catalog.js';
import { startFakeUpstream, type FakeUpstream } from '../testing/fake-upstream/server.js';
import { buyToken as buyWith } from '../testing/flows.js';
import { call, startTestServer, type TestServer } from '../testing/harness.js';

export const UPSTREAM_KEY = 'sk-test-upstream-key';
export const MCP = '/api/v1/mcp';

export type Structured = Record<string, any>;

export function useMcpTestServer(store: 'postgres' | 'pglite') {
  let up: FakeUpstream;
  let t: TestServer;
  let catalog: PublicCatalog;
  const clients: Client[] = [];
  const api = (method: string, path: string, opts?: Parameters<typeof call>[3]) => call(t.url, method, path, opts);
  const balanceMsat = async (token: string) => BigInt((await api('GET', '/api/v1/balance', { headers: { 'x-token': token } })).body.balance_msat as number);
  const buyToken = (sats: number) => buyWith(t, sats);

  /** An MCP client connected with this token (or none). */
  async function connect(token: string | null): Promise<Client> {
    const transport = new StreamableHTTPClientTransport(new URL(`${t.url}${MCP}`), token === null ? {} : { requestInit: { headers: { authorization: `Bearer ${token}` } } });
    const client = new Client({ name: 'mcp-test', version: '1.0.0' });
    await client.connect(transport);
    clients.push(client);
    return client;
  }

  async function tool(client: Client, name: string, args: Record<string, unknown> = {}): Promise<{ result: CallToolResult; s: Structured }> {
    const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
    // the text is the structured content's JSON, for clients that read only text
    const first = result.content[0];
    expect(first?.type).toBe('text');
    const s = result.structuredContent as Structured;
    expect(JSON.parse((first as { text: string }).text)).toEqual(s);
    return { result, s };
  }

  async function ok(client: Client, name: string, args: Record<string, unknown> = {}): Promise<Structured> {
    const { result, s } = await tool(client, name, args);
    expect(result.isError ?? false, JSON.stringify(s)).toBe(false);
    return s;
  }

  async function fails(client: Client, name: string, args: Record<string, unknown> = {}): Promise<Structured> {
    const { result, s } = await tool(client, name, args);
    expect(result.isError).toBe(true);
    return s;
  }

  beforeAll(async () => {
    up = await startFakeUpstream({ apiKey: UPSTREAM_KEY });
    t = await startTestServer({ store, env: { OPENAI_API_KEY: UPSTREAM_KEY, OPENAI_BASE_URL: up.url, ANTHROPIC_API_KEY: UPSTREAM_KEY, ANTHROPIC_BASE_URL: up.url } });
    catalog = (await api('GET', '/api/v1/catalog')).body;
  });
  afterAll(async () => {
    for (const c of clients) await c.close().catch(() => {});
    await t?.close();
    await up?.close();
  });

  return {
    get testServer(): TestServer {
      return t;
    },
    get upstream(): FakeUpstream {
      return up;
    },
    get catalog(): PublicCatalog {
      return catalog;
    },
    api,
    balanceMsat,
    buyToken,
    connect,
    tool,
    ok,
    fails,
  };
}
