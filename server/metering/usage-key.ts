// Which events may carry a usage object, the only ones a tap decodes and parses as they pass: a
// cheap test on an event's decoded data, and the same on its bytes as sent. A false positive only
// costs a parse. (OpenAI sends `"usage":null` on every chunk of a stream that asked for usage:
// those are not picked.)

const USAGE_KEY = Buffer.from('"usage"');

/** Whether an event's data has a `"usage"` key holding an object. */
export function mayCarryUsage(data: string): boolean {
  // searched from its `u`: a search for a needle that starts with `"` stops at every quote of the JSON
  for (let u = data.indexOf('usage"', 1); u !== -1; u = data.indexOf('usage"', u + 6)) {
    if (data.charCodeAt(u - 1) !== 0x22) continue;
    let i = skipSpace(data, u + 6);
    if (data.charCodeAt(i) !== 0x3a) continue; // ':'
    i = skipSpace(data, i + 1);
    if (data.charCodeAt(i) === 0x7b) return true; // '{'
  }
  return false;
}

/**
 * mayCarryUsage on an event's bytes as sent (LF line ends): true for every event whose data it
 * would pick, and for a `"usage"` followed by a line break (its data may go on in the next `data:`
 * line). It looks for the byte `u` (a memchr) and compares the key around it in place.
 */
export function mayCarryUsageBytes(event: Buffer): boolean {
  for (let u = event.indexOf(USAGE_KEY[1]!, 1); u !== -1; u = event.indexOf(USAGE_KEY[1]!, u + 1)) {
    if (!isKeyAt(event, u - 1)) continue;
    let i = u + USAGE_KEY.length - 1;
    while (isBlank(event[i])) i++;
    if (i >= event.length || event[i] === 0x0a) return true;
    if (event[i] !== 0x3a) continue; // ':'
    i++;
    while (isBlank(event[i])) i++;
    if (i >= event.length || event[i] === 0x7b || event[i] === 0x0a) return true; // '{', or it goes on in the next line
  }
  return false;
}

function isKeyAt(event: Buffer, at: number): boolean {
  for (let k = 0; k < USAGE_KEY.length; k++) if (event[at + k] !== USAGE_KEY[k]) return false;
  return true;
}

const isBlank = (c: number | undefined): boolean => c === 0x20 || c === 0x09;

function skipSpace(text: string, i: number): number {
  for (let c = text.charCodeAt(i); c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d; c = text.charCodeAt(++i));
  return i;
}
