// Test rig: runs the fake upstream's handlers in process (no sockets) to get the exact bytes they
// send, so the metering tests read the same wire formats the proxy tests do.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { messages } from '../testing/fake-upstream/anthropic.js';
import { chatCompletions } from '../testing/fake-upstream/openai-chat.js';
import { embeddings } from '../testing/fake-upstream/openai-misc.js';
import { responses } from '../testing/fake-upstream/openai-responses.js';
import type { FakeHandler } from '../testing/fake-upstream/wire.js';
import type { ApiShape } from './shape.js';

const HANDLERS: Record<ApiShape, FakeHandler> = {
  'openai-chat': chatCompletions,
  'openai-responses': responses,
  'openai-embeddings': embeddings,
  'anthropic-messages': messages,
};

export interface FakeAnswer {
  status: number;
  /** each write the handler made, as it made it */
  chunks: Buffer[];
  body: Buffer;
}

/** What the fake upstream answers `requestBody` with, for the API `shape`. */
export async function fakeAnswer(shape: ApiShape, requestBody: Record<string, unknown>): Promise<FakeAnswer> {
  const chunks: Buffer[] = [];
  let status = 0;
  const res = {
    destroyed: false,
    writeHead(code: number) {
      status = code;
      return res;
    },
    write(chunk: string | Buffer) {
      chunks.push(Buffer.from(chunk));
      return true;
    },
    end(chunk?: string | Buffer) {
      if (chunk !== undefined) chunks.push(Buffer.from(chunk));
      return res;
    },
  };
  const text = JSON.stringify(requestBody);
  await HANDLERS[shape]({
    req: {} as IncomingMessage,
    res: res as unknown as ServerResponse,
    path: '',
    body: Buffer.from(text),
    json: JSON.parse(text),
    pace: async () => {},
    baseUrl: 'http://fake.invalid',
  });
  return { status, chunks, body: Buffer.concat(chunks) };
}
