// Parameters for the pg driver. An array goes as PostgreSQL's array literal built here: the driver
// would quote every element and run two regular expressions over it, several arrays of up to 64
// elements in every settlement and reservation batch. Numbers go bare, text is quoted and escaped
// only when it holds a quote or a backslash; an array holding anything else is left to the driver.
const NEEDS_ESCAPE = /["\\]/;

/** bigint as decimal text; arrays of numbers, bigints, strings, booleans and nulls as array literals. */
export function toPgParams(params: readonly unknown[] | undefined): unknown[] | undefined {
  if (!params) return undefined;
  return params.map((p) => (typeof p === 'bigint' ? p.toString() : Array.isArray(p) ? arrayLiteral(p) : p));
}

function arrayLiteral(values: readonly unknown[]): string | unknown[] {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i > 0) out += ',';
    if (v === null || v === undefined) out += 'NULL';
    else if (typeof v === 'bigint' || (typeof v === 'number' && Number.isFinite(v))) out += String(v);
    else if (typeof v === 'string') out += NEEDS_ESCAPE.test(v) ? `"${v.replace(/[\\"]/g, '\\$&')}"` : `"${v}"`;
    else if (typeof v === 'boolean') out += v ? 'true' : 'false';
    else return values.map((x) => (typeof x === 'bigint' ? x.toString() : x)); // the driver's own serialiser
  }
  return out + '}';
}
