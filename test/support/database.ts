import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { openDatabase, type Database, type DatabaseOptions } from '../../src/db/database.ts';
import { databaseUrlFor, testDatabaseUrl } from './backends.ts';

async function admin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: testDatabaseUrl });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** A migrated database of this test's own: a PGlite copy, or a fresh PostgreSQL database. */
export async function openTestDatabase(options: DatabaseOptions = {}): Promise<Database & { url?: string }> {
  if (!testDatabaseUrl) {
    const snapshot = new Blob([readFileSync(inject('pgliteSnapshot'))]);
    return openDatabase({ kind: 'memory', loadDataDir: snapshot }, options);
  }
  const name = `rollcall_test_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${inject('templateDatabase')}`));
  const url = databaseUrlFor(name);
  const db = await openDatabase({ kind: 'postgres', url, poolSize: 10 }, options);
  return {
    ...db,
    url,
    close: async () => {
      await db.close();
      await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}
