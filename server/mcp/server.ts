// The MCP server of one request (stateless: every HTTP request builds one, so any instance answers
// any request). Tools are listed and called through the SDK server's own handlers: the catalog's
// input schemas are JSON Schema already, and a call's input is checked by the same rules as the
// HTTP API's (the contract's error codes), not by a second validator in front of them.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ErrorCode, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { asAppError, listing, needToken, toolError, type ErrorHints, type McpTool, type ToolContext } from './tool.js';

export interface McpServerDeps {
  tools: McpTool[];
  version: string;
  hints: ErrorHints;
  /** a call refused for an unknown token counts as a failed authentication of its client (awaited: the next request sees it) */
  onAuthFailure?: (client: string) => Promise<void>;
  log?: { error(obj: object, msg: string): void };
}

const INSTRUCTIONS = [
  'alittlebitofmoney: OpenAI and Anthropic APIs and the AI for Hire marketplace, paid in sats.',
  'Paid tools take their price from the prepaid token sent as "Authorization: Bearer abl_…" with the MCP requests; each tool says its price.',
  'A result carries its receipt (charged_sats, balance_sats, request_id); an error carries the contract code (insufficient_balance says how much to top up).',
].join(' ');

/**
 * tools/call as the handler's schema, its arguments unchecked: given the SDK's own schema, the
 * protocol layer refuses arguments that are not an object as an internal error (-32603); given
 * this one, the SDK's server checks the call itself and answers invalid params (-32602).
 */
const CallToolRequest = z.object({
  method: z.literal('tools/call'),
  params: z.looseObject({ name: z.string(), arguments: z.unknown().optional() }),
});

export function createToolbox(deps: McpServerDeps) {
  const byName = new Map(deps.tools.map((t) => [t.name, t]));
  if (byName.size !== deps.tools.length) throw new Error('two MCP tools have the same name');
  const listed = deps.tools.map(listing);

  async function call(tool: McpTool, args: Record<string, unknown>, ctx: ToolContext) {
    try {
      if (tool.needsToken) needToken(ctx);
      return await tool.run(args, ctx);
    } catch (err) {
      const { error, known } = asAppError(err);
      if (!known) deps.log?.error({ err, tool: tool.name }, 'an MCP tool failed');
      if (error.code === 'invalid_token') await deps.onAuthFailure?.(ctx.client);
      return toolError(error, deps.hints);
    }
  }

  /** A server for one request, whose calls are made as `ctx` (its token and client). */
  return function serverFor(ctx: Omit<ToolContext, 'signal'>): McpServer {
    const mcp = new McpServer({ name: 'alittlebitofmoney', version: deps.version }, { instructions: INSTRUCTIONS });
    mcp.server.registerCapabilities({ tools: { listChanged: false } });
    mcp.server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: listed }));
    mcp.server.setRequestHandler(CallToolRequest, async (req, extra) => {
      const tool = byName.get(req.params.name);
      // not McpError: its message carries "MCP error -32602:", which the client's SDK adds again
      if (!tool) throw Object.assign(new Error(`No tool is named ${req.params.name}.`), { code: ErrorCode.InvalidParams });
      return call(tool, (req.params.arguments ?? {}) as Record<string, unknown>, { ...ctx, signal: extra.signal });
    });
    return mcp;
  };
}

export type Toolbox = ReturnType<typeof createToolbox>;
