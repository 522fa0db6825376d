// Adds top-level keys to a JSON object's raw bytes without re-serialising it: every byte the
// client sent reaches the upstream unchanged (large integers, key order, spacing).
import { AppError } from '../errors.js';

/** Returns `raw` with `"key":value` inserted first into its top-level object, for each absent key. */
export function prependJsonKeys(raw: Buffer, add: Record<string, unknown>): Buffer {
  const entries = Object.entries(add);
  if (entries.length === 0) return raw;
  // on the bytes: JSON's whitespace and braces are ASCII, and the body is not decoded twice
  const open = afterSpace(raw, 0);
  if (raw[open] !== 0x7b) throw new AppError('invalid_field_type', 'The body must be a JSON object.', { field: 'body' });
  const empty = raw[afterSpace(raw, open + 1)] === 0x7d;
  const inserted = entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',');
  return Buffer.concat([raw.subarray(0, open + 1), Buffer.from(empty ? inserted : `${inserted},`, 'utf8'), raw.subarray(open + 1)]);
}

/** The index of the first byte at or after `from` that is not JSON whitespace (raw.length if none). */
function afterSpace(raw: Buffer, from: number): number {
  let i = from;
  while (i < raw.length && (raw[i] === 0x20 || raw[i] === 0x0a || raw[i] === 0x0d || raw[i] === 0x09)) i++;
  return i;
}
