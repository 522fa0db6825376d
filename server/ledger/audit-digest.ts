// The digest of a journal segment: every live journal row in [from, below) with its entries, in a
// canonical text, hashed per chunk of ids in SQL (bounded memory) and the chunk hashes hashed here.
// A changed, added or deleted row or entry changes it.
import { createHash } from 'node:crypto';
import type { Queryable } from '../store/index.js';

const CHUNK_SQL = `
SELECT j.id / 4096 AS chunk,
       encode(sha256(convert_to(string_agg(concat_ws(',', j.id, quote_literal(j.kind), quote_nullable(j.ref), quote_nullable(j.memo),
         (extract(epoch FROM j.created_at) * 1000000)::bigint, e.account_id, e.amount_msat), E'\\n' ORDER BY j.id, e.account_id, e.amount_msat), 'UTF8')), 'hex') AS h
FROM journal j LEFT JOIN entries e ON e.journal_id = j.id
WHERE j.id >= $1 AND j.id < $2
GROUP BY 1 ORDER BY 1`;

export async function segmentDigest(q: Queryable, from: bigint, below: bigint): Promise<string> {
  const res = await q.query<{ chunk: bigint; h: string }>(CHUNK_SQL, [from, below]);
  const hash = createHash('sha256');
  for (const r of res.rows) hash.update(`${r.chunk}:${r.h}\n`);
  return hash.digest('hex');
}

export const chainHash = (previous: string, digest: string): string => createHash('sha256').update(`${previous}\n${digest}`).digest('hex');
