// Test stores: an in-memory PGlite, and a fresh schema on the real PostgreSQL
// (TEST_DATABASE_URL, default 127.0.0.1:5432/test) so test files can run in parallel.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Db } from './db.js';
import { openStore } from './index.js';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestStore {
  db: Db;
  /** a connection string for another process to open the same store (postgres only) */
  url: string | null;
  close(): Promise<void>;
}

export async function createPostgresSchema(): Promise<{ url: string; drop(): Promise<void> }> {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const url = new URL(TEST_DATABASE_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await c.connect();
      await c.query(`DROP SCHEMA ${schema} CASCADE`);
      await c.end();
    },
  };
}

export async function openTestStore(kind: 'pglite' | 'postgres'): Promise<TestStore> {
  if (kind === 'pglite') {
    const db = await openStore({ dataDir: null });
    return { db, url: null, close: () => db.close() };
  }
  const schema = await createPostgresSchema();
  const db = await openStore({ databaseUrl: schema.url, dataDir: null });
  return {
    db,
    url: schema.url,
    async close() {
      await db.close();
      await schema.drop();
    },
  };
}

export const STORE_KINDS = ['pglite', 'postgres'] as const;
