// One source of truth: schema.graphql is printed from the Pothos schema, and the migrations
// produce exactly what schema.prisma describes.
import { readFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { printSchema } from 'graphql';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { describe, expect, it } from 'vitest';
import { openMigrationEngine } from '../src/db/migrate.ts';
import { printableSchema } from '../src/graphql/schema.ts';

describe('checked-in artifacts', () => {
  it('schema.graphql is what the Pothos schema prints (run `npm run schema:print` after changing the API)', () => {
    const checkedIn = readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8');
    expect(checkedIn).toBe(`${printSchema(printableSchema())}\n`);
  });

  it('prisma/migrations produce schema.prisma (run `npm run db:migration:create -- <name>` after changing it)', async () => {
    const shadow = await PGlite.create();
    const engine = await openMigrationEngine(new PrismaPGlite(shadow));
    try {
      expect(await engine.diffSchemaAgainstMigrations()).toBe('');
    } finally {
      engine.close();
      await shadow.close();
    }
  }, 60_000);
});
