// Accepts both a bare object/array and one wrapped in a named key, e.g. [..] or {"tasks": [..]}:
// the contract names the fields but not every envelope, so the client reads either.
import type { Message, Quote, Task } from './types';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export function listOf<T>(body: unknown, key: string): T[] {
  if (Array.isArray(body)) return body as T[];
  if (isObject(body) && Array.isArray(body[key])) return body[key] as T[];
  return [];
}

export function unwrap<T>(body: unknown, key: string): T {
  if (isObject(body) && isObject(body[key])) return body[key] as T;
  return body as T;
}

/** A task with its quotes, whether they come inside the task or beside it. */
export function taskWithQuotes(body: unknown): Task {
  const task = unwrap<Task>(body, 'task');
  const beside = isObject(body) && Array.isArray(body.quotes) ? (body.quotes as Quote[]) : undefined;
  return { ...task, quotes: task.quotes ?? beside ?? [] };
}

export const messagesOf = (body: unknown): Message[] => listOf<Message>(body, 'messages');

/** `next_offset` of a paged list, or null. */
export function nextOffsetOf(body: unknown): number | null {
  return isObject(body) && typeof body.next_offset === 'number' ? body.next_offset : null;
}
