#!/usr/bin/env node
// Runs the Prisma CLI offline. The CLI insists on a native schema engine it cannot download here,
// so we point it at a stub that fails loudly: `generate`/`validate`/`format` never need the engine,
// and `migrate` must never silently "succeed". Migrations go through scripts/migrate.ts (wasm engine).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const stub = path.join(here, 'no-schema-engine.sh');
const cli = path.join(here, '..', 'node_modules', 'prisma', 'build', 'index.js');

const result = spawnSync(process.execPath, [cli, ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: stub,
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
    CHECKPOINT_DISABLE: '1',
  },
});
process.exit(result.status ?? 1);
