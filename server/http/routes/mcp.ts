// /api/v1/mcp: the Model Context Protocol server (streamable HTTP, stateless). POST carries the
// JSON-RPC messages; GET (a server-sent event stream) and DELETE (ending a session) have no use
// without sessions and are refused with 405. The token is the request's Bearer (or X-Token):
// a malformed one is refused here (401 invalid_token), an unknown one by the tools that need it.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import { serveMcp } from '../../mcp/route.js';
import type { Toolbox } from '../../mcp/server.js';
import { readToken } from '../auth.js';
import type { OperationSpec } from '../openapi.js';

export const MCP_PATH = '/api/v1/mcp';

const JsonRpcMessage = z.looseObject({ jsonrpc: z.literal('2.0'), method: z.string().optional(), id: z.union([z.string(), z.int()]).nullish(), params: z.record(z.string(), z.unknown()).optional() });

/** The OpenAPI description: one JSON-RPC endpoint; the tools are described by tools/list. */
export function mcpOperations(): OperationSpec[] {
  return [
    {
      method: 'post',
      path: MCP_PATH,
      summary: 'Model Context Protocol server (streamable HTTP, stateless; send Accept: application/json, text/event-stream). tools/list shows every tool with its price; paid tools take it from the Bearer token',
      tags: ['mcp'],
      auth: 'optional-token',
      body: JsonRpcMessage,
      responses: { 200: JsonRpcMessage, 202: null },
    },
  ];
}

export function mcpRoutes(app: FastifyInstance, deps: { toolbox: Toolbox }): void {
  app.post(MCP_PATH, async (req, reply) => {
    const token = readToken(req);
    const text = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new AppError('invalid_json', 'An MCP request is a JSON-RPC message in JSON.');
    }
    // the headers set so far (CORS, X-Request-Id) go out with the transport's answer
    for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) reply.raw.setHeader(name, value);
    reply.hijack();
    try {
      await serveMcp(deps.toolbox, req.raw, reply.raw, body, { token, client: req.ip });
    } catch (err) {
      req.log.error({ err }, 'the MCP transport failed');
      if (reply.raw.headersSent) reply.raw.end();
      else reply.raw.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32603, message: 'Internal error' }, id: null }));
    }
  });

  app.route({
    method: ['GET', 'DELETE'],
    url: MCP_PATH,
    // answered only to say POST: not methods the path takes (the Allow of a 405 elsewhere)
    config: { refusesMethod: true },
    handler: async () => {
      throw new AppError('method_not_allowed', 'This MCP server is stateless: send the JSON-RPC messages with POST.', {}, {}, { allow: ['POST'] });
    },
  });
}
