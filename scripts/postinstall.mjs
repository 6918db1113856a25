#!/usr/bin/env node
// Run by `npm install`/`npm ci`: generates the Prisma client, then builds dist/ (scripts/build.mjs).
// In a production install (`npm ci --omit=dev`) the build tools are absent: a dist/ built beforehand
// is used as it is, and only a missing one is an error.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const has = (relative) => existsSync(path.join(root, relative));

if (!has('node_modules/prisma/build/index.js') || !has('node_modules/esbuild/package.json')) {
  if (has('dist/main.js')) {
    console.log('rollcall: build tools not installed (--omit=dev): using the dist/ built before');
    process.exit(0);
  }
  console.error(
    'rollcall: dist/ is missing and the build tools are not installed: run `npm install` (with dev dependencies) and `npm run build` first',
  );
  process.exit(1);
}

// the same commands as `npm run generate` and `npm run build`, without an npm process for each
for (const script of [['scripts/prisma.mjs', 'generate'], ['scripts/build.mjs']]) {
  const result = spawnSync(process.execPath, script, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
