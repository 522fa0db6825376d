// Adds top-level keys to a JSON object's raw bytes without re-serialising it: every byte the
// client sent reaches the upstream unchanged (large integers, key order, spacing).
import { AppError } from '../errors.js';

/** Returns `raw` with `"key":value` inserted first into its top-level object, for each absent key. */
export function prependJsonKeys(raw: Buffer, add: Record<string, unknown>): Buffer {
  const entries = Object.entries(add);
  if (entries.length === 0) return raw;
  const text = raw.toString('utf8');
  const open = text.search(/\S/);
  if (open < 0 || text[open] !== '{') throw new AppError('invalid_field_type', 'The body must be a JSON object.', { field: 'body' });
  const rest = text.slice(open + 1);
  const empty = /^\s*}/.test(rest);
  const inserted = entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',');
  return Buffer.from(`${text.slice(0, open + 1)}${inserted}${empty ? '' : ','}${rest}`, 'utf8');
}
