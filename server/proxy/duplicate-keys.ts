// Finds a key repeated inside one JSON object. JSON.parse keeps the last of two equal keys, while
// an upstream may read the first: `{"model":"gpt-4o-mini","model":"o3"}` would be priced as one
// model and served as the other. So a body with a repeated key is refused, at any depth (a
// repeated `type` inside a tool hides a hosted tool the same way).
//
// This is a scan, not a parser: it runs only on text JSON.parse has already accepted, so it only
// has to tell keys from string values (a string right after `{` or `,` in an object is a key) and
// skip over strings; everything else is structure it does not need to check again.

export interface DuplicateKey {
  /** the repeated key, escapes decoded */
  key: string;
  /** the top-level field it sits under (the key itself at the top level); null in a top-level array */
  field: string | null;
  /** false when the repeated key is a top-level field */
  nested: boolean;
}

interface Frame {
  object: boolean;
  keys: Set<string> | null;
  expectKey: boolean;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** The first key repeated within one object of `text`, which must be valid JSON; null when none is. */
export function findDuplicateKey(text: string): DuplicateKey | null {
  const stack: Frame[] = [];
  let topField: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = stringEnd(text, i);
      const frame = stack[stack.length - 1];
      if (frame?.object && frame.expectKey) {
        const key = decodeKey(text.slice(i, end + 1));
        frame.keys ??= new Set();
        if (frame.keys.has(key)) return stack.length === 1 ? { key, field: key, nested: false } : { key, field: topField, nested: true };
        frame.keys.add(key);
        frame.expectKey = false;
        if (stack.length === 1) topField = key;
      }
      i = end;
    } else if (c === 0x7b /* { */) {
      stack.push({ object: true, keys: null, expectKey: true });
    } else if (c === 0x5b /* [ */) {
      stack.push({ object: false, keys: null, expectKey: false });
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
    } else if (c === 0x2c /* , */) {
      const frame = stack[stack.length - 1];
      if (frame?.object) frame.expectKey = true;
    }
  }
  return null;
}

/** Index of the quote closing the string that opens at `start`. */
function stringEnd(text: string, start: number): number {
  let from = start + 1;
  for (;;) {
    const q = text.indexOf('"', from);
    if (q === -1) return text.length - 1; // cannot happen in valid JSON
    let backslashes = 0;
    for (let k = q - 1; k > start && text.charCodeAt(k) === BACKSLASH; k--) backslashes++;
    if (backslashes % 2 === 0) return q;
    from = q + 1;
  }
}

/** `"\u006dodel"` and `"model"` are the same key. */
function decodeKey(quoted: string): string {
  return quoted.includes('\\') ? (JSON.parse(quoted) as string) : quoted.slice(1, -1);
}
