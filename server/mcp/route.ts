// One MCP request over the streamable HTTP transport, stateless: a server and a transport are
// built for the request and dropped with it, so any instance answers any request (no session
// to find). Answers are JSON (no server-sent events): every tool answers once.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { Toolbox } from './server.js';

export interface McpCaller {
  /** the request's abl_ token, null without one */
  token: string | null;
  /** the client address (rate limits) */
  client: string;
}

export async function serveMcp(toolbox: Toolbox, req: IncomingMessage, res: ServerResponse, body: unknown, caller: McpCaller): Promise<void> {
  const server = toolbox(caller);
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  res.on('close', () => {
    void transport.close().catch(() => {});
    void server.close().catch(() => {});
  });
  await server.connect(transport);
  await transport.handleRequest(req, res, body);
}
