// An error the upstream reports inside a stream after its 200 — an upstream failure, as a 5xx is,
// so the call is not charged: told from the events as the usage tap sees them pass.
import type { SseEvent } from './sse-events.js';

// An error reported inside a stream: Anthropic's and the Responses API's `error` event, a
// `response.failed`, and a chat stream's `data: {"error": …}` (OpenAI sends no event name).
const FAILED_EVENTS = new Set(['error', 'response.failed']);
const ERROR_DATA = /^\s*\{\s*"(?:error"\s*:|type"\s*:\s*"(?:error|response\.failed)")/;
export const isErrorEvent = (e: SseEvent): boolean => FAILED_EVENTS.has(e.event) || ERROR_DATA.test(e.data);

// The same on an event's bytes as these APIs send them (the name or the data on the event's first
// line, `field: value`): a few bytes compared in place, as every event of a stream passes here.
const FAILED_NAMES = [Buffer.from('error'), Buffer.from('response.failed')];
const ERROR_OPENINGS = [Buffer.from('"error"'), Buffer.from('"type":"error"'), Buffer.from('"type":"response.failed"')];
const EVENT_FIELD = Buffer.from('event:');
const DATA_FIELD = Buffer.from('data:');

// compared byte by byte: a native compare costs more than these few bytes
function bytesAt(b: Buffer, i: number, word: Buffer): boolean {
  if (b.length < i + word.length) return false;
  for (let k = 0; k < word.length; k++) if (b[i + k] !== word[k]) return false;
  return true;
}

export function isErrorEventBytes(b: Buffer): boolean {
  const field = b[0] === 0x65 ? EVENT_FIELD : b[0] === 0x64 ? DATA_FIELD : null; // 'e', 'd'
  if (field === null || !bytesAt(b, 0, field)) return false;
  let i = b[field.length] === 0x20 ? field.length + 1 : field.length;
  if (field === DATA_FIELD) {
    if (b[i] !== 0x7b) return false; // '{'
    i++;
    while (b[i] === 0x20 || b[i] === 0x09) i++;
    // most events open with a key other than these: one byte tells
    if (b[i + 1] !== 0x65 && b[i + 1] !== 0x74) return false; // "error, "type
    for (const w of ERROR_OPENINGS) if (bytesAt(b, i, w)) return true;
    return false;
  }
  for (const w of FAILED_NAMES) if (bytesAt(b, i, w) && (b[i + w.length] === 0x0a || b[i + w.length] === 0x0d)) return true;
  return false;
}
