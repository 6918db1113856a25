// On PostgreSQL every distinct statement is prepared once per connection (PostgreSQL then skips
// parsing and planning it), unless DATABASE_PREPARED_STATEMENTS=false (PgBouncer in transaction mode).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/database.ts';
import { testDatabaseUrl } from '../support/backends.ts';
import { openTestDatabase } from '../support/database.ts';

/** The statements prepared on the connection of one transaction, after running `sql` twice on it. */
async function preparedAfter(db: Database, marker: string) {
  return db.prisma.$transaction(async (tx) => {
    for (let i = 0; i < 2; i++) await tx.$queryRawUnsafe(`SELECT $1::text AS "${marker}"`, 'x');
    return tx.$queryRaw<{ name: string; statement: string }[]>`SELECT name, statement FROM pg_prepared_statements`;
  });
}

describe.skipIf(!testDatabaseUrl)(
  `prepared statements on PostgreSQL${testDatabaseUrl ? '' : ' (skipped: TEST_DATABASE_URL unset)'}`,
  () => {
    let db: Database & { url?: string };
    beforeAll(async () => {
      db = await openTestDatabase();
    });
    afterAll(async () => {
      await db?.close();
    });

    it('prepares each statement once on a connection, under one name per SQL text', async () => {
      const prepared = await preparedAfter(db, 'marker_on');
      const mine = prepared.filter((p) => p.statement.includes('marker_on'));
      expect(mine).toHaveLength(1);
      expect(mine[0].name).toMatch(/^rc_[0-9a-f]{40}$/);
    });

    it('prepares nothing by name when turned off', async () => {
      const unprepared = await openDatabase({ kind: 'postgres', url: db.url!, poolSize: 2, preparedStatements: false });
      try {
        const prepared = await preparedAfter(unprepared, 'marker_off');
        expect(prepared.filter((p) => p.statement.includes('marker_off'))).toEqual([]);
        expect(prepared).toEqual([]);
      } finally {
        await unprepared.close();
      }
    });
  },
);
