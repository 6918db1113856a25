#!/usr/bin/env node
// Compiles the server, the operator scripts and the teacher's page into dist/ with esbuild, so that
// `npm start` runs plain JavaScript: no TypeScript loader at run time (it cost ~110 MB and ~1 s a start).
// A bundle rather than tsc: the sources import each other with `.ts` extensions and the generated
// Prisma client lives in src/db/generated; esbuild follows both as they are. npm packages stay
// external (--packages=external) and are loaded from node_modules, as Node would load them.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, 'dist');

rmSync(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: {
    main: 'src/main.ts',
    migrate: 'scripts/migrate.ts',
    'post-webhook': 'scripts/post-webhook.ts',
  },
  outdir,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  // Shared code and lazily imported modules become chunks: each entry loads only what it runs.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  sourcemap: true,
  // Bundled CommonJS-style code may call require(); ESM has none, so give it one.
  banner: {
    js: "import { createRequire as __rollcallCreateRequire } from 'node:module';\nconst require = __rollcallCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
console.log(`built ${path.relative(process.cwd(), outdir) || 'dist'}/ (main.js, migrate.js, post-webhook.js)`);
// and the teacher's page into dist/web, which the server serves
await import('./build-web.mjs');
