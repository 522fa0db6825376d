// PGlite's `query` sends an unnamed statement, parsed and planned on every call (and it cannot bind
// parameters to a named one). A parameterised statement seen twice is therefore prepared once with
// SQL `PREPARE`, outside any transaction (a failed PREPARE would abort one), and then run as
// `EXECUTE name(literals)`: the values written as SQL literals, which skips the parse and the plan.
// An array of scalars is written as an array literal (the batched statements' `unnest` arrays); any
// other value (an object, a nested array, bytes inside an array) leaves its call to go as sent.

const MAX_PREPARED = 500;

type Entry = { seen: number; name?: string; failed?: boolean };

/** A value as an SQL literal of unknown type (the prepared parameter's type applies), or null when it cannot be one. */
function literal(v: unknown): string | null {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return Number.isFinite(v) ? `'${v}'` : null;
  if (typeof v === 'string') return v.includes('\0') ? null : `'${v.replaceAll("'", "''")}'`;
  if (v instanceof Uint8Array) return `'\\x${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex')}'`;
  if (Array.isArray(v)) return arrayLiteral(v);
  return null;
}

/** An array of scalars as `'{"a","b",NULL}'`: each element quoted, its `"` and `\` escaped for the array's own syntax. */
function arrayLiteral(items: readonly unknown[]): string | null {
  const elements: string[] = [];
  for (const v of items) {
    if (v === null || v === undefined) elements.push('NULL');
    else if (typeof v === 'boolean') elements.push(v ? 'true' : 'false');
    else if (typeof v === 'number' && Number.isFinite(v)) elements.push(`"${v}"`);
    else if (typeof v === 'string' && !v.includes('\0')) elements.push(`"${v.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`);
    else return null;
  }
  return `'{${elements.join(',').replaceAll("'", "''")}}'`;
}

export interface PglitePrepared {
  /**
   * The EXECUTE text that runs sql with these values, or null to send sql as it is. `prepare` runs
   * a PREPARE (null inside a transaction: only statements prepared before are executed there).
   */
  execute(sql: string, values: readonly unknown[], prepare: ((text: string) => Promise<void>) | null): Promise<string | null>;
}

export function createPglitePrepared(): PglitePrepared {
  const entries = new Map<string, Entry>();
  let count = 0;
  return {
    async execute(sql, values, prepare) {
      let e = entries.get(sql);
      if (!e) {
        if (entries.size >= MAX_PREPARED * 4) return null;
        e = { seen: 0 };
        entries.set(sql, e);
      }
      if (e.failed) return null;
      e.seen++;
      // the first run, or one inside a transaction before it was prepared, goes as sent
      const toPrepare = e.name ? null : prepare;
      if (!e.name && (e.seen < 2 || !toPrepare || count >= MAX_PREPARED)) return null;
      const literals: string[] = [];
      for (const v of values) {
        const l = literal(v);
        if (l === null) return null;
        literals.push(l);
      }
      if (toPrepare) {
        const name = `abl_${++count}`;
        try {
          await toPrepare(`PREPARE ${name} AS ${sql}`);
        } catch {
          // e.g. a parameter whose type the statement does not say: sent as it is, as before
          e.failed = true;
          return null;
        }
        e.name = name;
      }
      return `EXECUTE ${e.name}(${literals.join(', ')})`;
    },
  };
}
