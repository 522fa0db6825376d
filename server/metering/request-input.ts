// What of a request body becomes input tokens, per API: the texts to count, the tokens the API's
// framing adds around them, the images; or the first part whose size cannot be known before
// forwarding (audio, files, a stored conversation). Everything the model could read is counted:
// unknown fields and object keys too, so a new field overcounts rather than slips through.
import { REQUEST_FRAMING_TOKENS } from '../../contract/metered-price.js';
import { asObject, type ApiShape } from './shape.js';

export interface Unbounded {
  /** the top-level body field, for an `invalid_field_value` error */
  field: string;
  /** where in the body, e.g. messages[2].content[1] */
  path: string;
  reason: string;
}

export interface RequestInput {
  texts: string[];
  /** tokens known without counting text: framing margins, token-array inputs */
  fixedTokens: number;
  /** the same with the framing the APIs are known to add, not the margins: for an estimate, not a bound */
  likelyFixedTokens: number;
  images: number;
  unbounded: Unbounded | null;
  /** a part the upstream bills above the catalog's price (an Anthropic cache kept an hour): refused, whatever the bound */
  dearer: Unbounded | null;
}

// Framing margins, deliberately above what the APIs are known to add.
/** Per request (contract/metered-price.ts: clients' estimates count it too). */
export const REQUEST_OVERHEAD = REQUEST_FRAMING_TOKENS;
/** Per message or input item: the cookbook's 3 (+1 for a name); harmony framing is about 5. */
export const MESSAGE_OVERHEAD = 8;
/** Per nested object (a part, a tool call) and per key of it (quotes, colon, comma). */
export const OBJECT_OVERHEAD = 4;
export const ENTRY_OVERHEAD = 1;
/** What the framing likely adds (OpenAI's cookbook: 3 a message, 3 to prime the reply): estimates only. */
export const LIKELY_REQUEST_OVERHEAD = 3;
export const LIKELY_MESSAGE_OVERHEAD = 3;
/** OpenAI renders tool definitions into a preamble (`namespace functions { … }`). */
export const TOOLS_OVERHEAD = 64;
export const PER_TOOL_OVERHEAD = 16;
/** A newline in a tool's description becomes `\n// ` there: up to 2 tokens more than JSON's `\n`. */
export const PER_TOOL_NEWLINE = 2;
/** Anthropic's tool-use system prompt: at most 530 tokens in its published table (Claude 3 Opus). */
export const ANTHROPIC_TOOLS_OVERHEAD = 600;

const IMAGE_TYPES = new Set(['image_url', 'input_image', 'image', 'computer_screenshot']);
const REFUSED_TYPES: Record<string, string> = {
  input_audio: 'audio input has no size bound before forwarding',
  file: 'file input has no size bound before forwarding',
  input_file: 'file input has no size bound before forwarding',
  item_reference: 'a stored item has no size bound before forwarding',
  container_upload: 'a container file has no size bound before forwarding',
};

class Collector {
  readonly input: RequestInput = { texts: [], fixedTokens: 0, likelyFixedTokens: 0, images: 0, unbounded: null, dearer: null };
  /** Anthropic's: a cache_control lifetime other than the 5 minutes its cache writes are priced at */
  constructor(private readonly cacheLifetimes = false) {}

  text(s: string): void {
    if (s !== '') this.input.texts.push(s);
  }

  /** `likely`: what an estimate counts of them (a margin counts nothing) */
  fixed(tokens: number, likely = tokens): void {
    this.input.fixedTokens += tokens;
    this.input.likelyFixedTokens += likely;
  }

  refuse(path: string, reason: string): void {
    this.input.unbounded ??= { field: path.split(/[.[]/)[0] ?? path, path, reason };
  }

  /** Anthropic bills a cache written for an hour at twice the input price; the catalog prices the 5-minute one (1.25×). */
  private cacheLifetime(o: Record<string, unknown>, path: string): void {
    // a tool call's `input` is the tool's own arguments, whatever keys they have
    if (!this.cacheLifetimes || o.cache_control === undefined || path.includes('.input')) return;
    const ttl = asObject(o.cache_control)?.ttl;
    if (ttl === undefined || ttl === null || ttl === '5m') return;
    this.input.dearer ??= { field: path.split(/[.[]/)[0] ?? path, path: `${path}.cache_control.ttl`, reason: 'only the 5-minute cache ("5m", the default) is priced here; a longer one is billed higher upstream' };
  }

  /** A tool or schema definition: its JSON text (keys matter there), plus the rendering margin. */
  definition(value: unknown, path: string): void {
    if (value === undefined || value === null) return;
    const o = asObject(value);
    if (o) this.cacheLifetime(o, path);
    const json = JSON.stringify(value);
    this.text(json);
    this.fixed(PER_TOOL_NEWLINE * (json.split('\\n').length - 1));
  }

  /** Every string, number, key and image under `root`; iterative, so no nesting depth can overflow. */
  walk(root: unknown, rootPath: string): void {
    const stack: [unknown, string][] = [[root, rootPath]];
    while (stack.length > 0) {
      const [value, path] = stack.pop() as [unknown, string];
      if (typeof value === 'string') this.text(value);
      else if (typeof value === 'number' || typeof value === 'boolean') this.text(String(value));
      else if (Array.isArray(value)) for (let i = value.length - 1; i >= 0; i--) stack.push([value[i], `${path}[${i}]`]);
      else {
        const o = asObject(value);
        if (!o) continue;
        this.cacheLifetime(o, path);
        if (this.special(o, path)) continue;
        this.fixed(OBJECT_OVERHEAD, 0);
        for (const [key, child] of Object.entries(o)) {
          this.text(key);
          this.fixed(ENTRY_OVERHEAD, 0);
          stack.push([child, `${path}.${key}`]);
        }
      }
    }
  }

  /** Parts counted otherwise than by their text: images, and what cannot be bounded. */
  private special(o: Record<string, unknown>, path: string): boolean {
    const type = typeof o.type === 'string' ? o.type : '';
    if (IMAGE_TYPES.has(type)) {
      this.input.images++;
      return true;
    }
    const reason = this.unboundedReason(o, type);
    if (reason) this.refuse(path, reason);
    return reason !== undefined;
  }

  private unboundedReason(o: Record<string, unknown>, type: string): string | undefined {
    if (Object.hasOwn(REFUSED_TYPES, type)) return REFUSED_TYPES[type];
    // an Anthropic document is text we can count, or a PDF / URL / file we cannot
    const sourceType = asObject(o.source)?.type;
    if (type === 'document' && sourceType !== 'text' && sourceType !== 'content') return 'a PDF, URL or file document has no size bound before forwarding';
    if (Object.hasOwn(o, 'file_id')) return 'an uploaded file has no size bound before forwarding';
    return undefined;
  }

  message(m: unknown, path: string): void {
    this.fixed(MESSAGE_OVERHEAD, LIKELY_MESSAGE_OVERHEAD);
    this.walk(m, path);
  }

  messages(list: unknown, field: string): void {
    if (Array.isArray(list)) list.forEach((m, i) => this.message(m, `${field}[${i}]`));
    else this.walk(list, field);
  }

  tools(list: unknown, preamble: number): void {
    if (!Array.isArray(list) || list.length === 0) return this.walk(list, 'tools');
    this.fixed(preamble + PER_TOOL_OVERHEAD * list.length);
    list.forEach((tool, i) => this.definition(tool, `tools[${i}]`));
  }
}

function openAiChat(c: Collector, body: Record<string, unknown>): void {
  c.fixed(REQUEST_OVERHEAD, LIKELY_REQUEST_OVERHEAD);
  if (Array.isArray(body.messages)) {
    body.messages.forEach((m, i) => {
      // `audio: {id}` replays an earlier spoken answer kept by OpenAI
      if (asObject(m)?.audio != null) c.refuse(`messages[${i}].audio`, 'a stored audio answer has no size bound before forwarding');
      c.message(m, `messages[${i}]`);
    });
  } else c.walk(body.messages, 'messages');
  c.tools(body.tools, TOOLS_OVERHEAD);
  if (body.functions !== undefined) c.tools(body.functions, TOOLS_OVERHEAD);
  c.definition(body.response_format, 'response_format');
  c.definition(body.tool_choice, 'tool_choice');
  c.definition(body.function_call, 'function_call');
}

function openAiResponses(c: Collector, body: Record<string, unknown>): void {
  c.fixed(REQUEST_OVERHEAD, LIKELY_REQUEST_OVERHEAD);
  for (const field of ['previous_response_id', 'conversation', 'prompt'] as const) {
    if (body[field] !== undefined && body[field] !== null) c.refuse(field, `${field} brings stored content that has no size bound before forwarding`);
  }
  if (typeof body.input === 'string') c.message(body.input, 'input');
  else c.messages(body.input, 'input');
  if (body.instructions !== undefined && body.instructions !== null) c.message(body.instructions, 'instructions');
  c.tools(body.tools, TOOLS_OVERHEAD);
  c.definition(body.text, 'text');
  c.definition(body.tool_choice, 'tool_choice');
}

function openAiEmbeddings(c: Collector, body: Record<string, unknown>): void {
  const input = body.input;
  const isTokens = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => typeof x === 'number');
  if (typeof input === 'string') c.text(input);
  else if (isTokens(input)) c.fixed(input.length); // already tokens
  else if (Array.isArray(input)) input.forEach((x, i) => (isTokens(x) ? c.fixed(x.length) : c.walk(x, `input[${i}]`)));
  else c.walk(input, 'input');
}

function anthropicMessages(c: Collector, body: Record<string, unknown>): void {
  c.fixed(REQUEST_OVERHEAD, LIKELY_REQUEST_OVERHEAD);
  if (Array.isArray(body.mcp_servers) && body.mcp_servers.length > 0) c.refuse('mcp_servers', 'tools from MCP servers have no size bound before forwarding');
  if (body.system !== undefined && body.system !== null) c.message(body.system, 'system');
  c.messages(body.messages, 'messages');
  c.tools(body.tools, ANTHROPIC_TOOLS_OVERHEAD);
  c.definition(body.tool_choice, 'tool_choice');
}

const READERS: Record<ApiShape, (c: Collector, body: Record<string, unknown>) => void> = {
  'openai-chat': openAiChat,
  'openai-responses': openAiResponses,
  'openai-embeddings': openAiEmbeddings,
  'anthropic-messages': anthropicMessages,
};

/** The parts of `body` (a parsed JSON request of the API `shape`) that its input tokens come from. */
export function requestInput(shape: ApiShape, body: unknown): RequestInput {
  const c = new Collector(shape === 'anthropic-messages');
  const o = asObject(body);
  if (o) READERS[shape](c, o);
  else c.walk(body, 'body');
  return c.input;
}
