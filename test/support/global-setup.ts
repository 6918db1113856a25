// Migrates one template database per run; each test file then starts from a copy of it
// (a PGlite snapshot, or PostgreSQL's CREATE DATABASE ... TEMPLATE). Builds dist/ first: the tests
// that start the service as a process run the compiled server, as `npm start` does.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../src/db/database.ts';
import { databaseUrlFor, templateDatabaseName, testDatabaseUrl } from './backends.ts';
import { ROUTINES } from '../../src/ingest/routines.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteSnapshot: string;
    templateDatabase: string;
  }
}

export default async function setup(project: TestProject) {
  execFileSync(process.execPath, ['scripts/build.mjs'], {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    stdio: 'pipe',
  });
  const TEMPLATE_DATABASE = templateDatabaseName();
  project.provide('templateDatabase', TEMPLATE_DATABASE);
  if (testDatabaseUrl) {
    const admin = new pg.Client({ connectionString: testDatabaseUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DATABASE} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`);
    await admin.end();
    const db = await openDatabase({ kind: 'postgres', url: databaseUrlFor(TEMPLATE_DATABASE), poolSize: 2 });
    await db.migrate(ROUTINES);
    await db.close();
  }
  const db = await openDatabase({ kind: 'memory' });
  await db.migrate(ROUTINES);
  const snapshot = await db.pglite!.dumpDataDir('gzip');
  await db.close();
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'rollcall-test-')), 'migrated.tar.gz');
  writeFileSync(file, Buffer.from(await snapshot.arrayBuffer()));
  project.provide('pgliteSnapshot', file);
  return async () => {
    if (!testDatabaseUrl) return;
    const admin = new pg.Client({ connectionString: testDatabaseUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DATABASE} WITH (FORCE)`);
    await admin.end();
  };
}
