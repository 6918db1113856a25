#!/usr/bin/env node
// Compiles the server, the operator scripts and the teacher's page into dist/ with esbuild, so that
// `npm start` runs plain JavaScript: no TypeScript loader at run time (it cost ~110 MB and ~1 s a start).
// A bundle rather than tsc: the sources import each other with `.ts` extensions and the generated
// Prisma client lives in src/db/generated; esbuild follows both as they are.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, 'dist');

// npm packages are bundled in: loading ~800 files of node_modules one module at a time took ~1 s of
// every start. These stay in node_modules, loaded as Node loads them: they find files beside their
// own code (PGlite's wasm and data, Prisma's query compiler, pino's worker), load optional native
// modules if present (pg-native, bufferutil), or are loaded only by some configurations (PostgreSQL,
// Redis, GraphiQL, pretty logs).
const RUNTIME_EXTERNAL = [
  '@electric-sql/pglite',
  'pglite-prisma-adapter',
  '@prisma/client',
  '@prisma/adapter-pg',
  '@prisma/schema-engine-wasm',
  'pg',
  'ioredis',
  'pino',
  'pino-pretty',
  'bufferutil',
  'utf-8-validate',
  '@graphql-yoga/render-graphiql',
];

// Prisma's client loads its query compiler (3.4 MB of WebAssembly) from a JavaScript module that
// holds it as one base64 string: compiling that 4.6 MB module cost ~150 ms of every start. The
// build writes the WebAssembly itself beside the chunks, and the module the client imports reads it.
const PRISMA_WASM_MODULE = '@prisma/client/runtime/query_compiler_fast_bg.postgresql.wasm-base64.mjs';
const PRISMA_WASM_FILE = 'prisma-query-compiler.postgresql.wasm';
const prismaWasmFromFile = {
  name: 'prisma-wasm-from-file',
  setup(build) {
    build.onResolve({ filter: /query_compiler_fast_bg\.postgresql\.wasm-base64\.mjs$/ }, (args) =>
      args.path === PRISMA_WASM_MODULE ? { path: args.path, namespace: 'prisma-wasm' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'prisma-wasm' }, () => ({
      contents: [
        "import { readFileSync } from 'node:fs';",
        `export const wasm = readFileSync(new URL('./${PRISMA_WASM_FILE}', import.meta.url)).toString('base64');`,
      ].join('\n'),
      loader: 'js',
    }));
  },
};

rmSync(outdir, { recursive: true, force: true });
mkdirSync(path.join(outdir, 'chunks'), { recursive: true });
const { wasm } = await import(createRequire(import.meta.url).resolve(PRISMA_WASM_MODULE));
writeFileSync(path.join(outdir, 'chunks', PRISMA_WASM_FILE), Buffer.from(wasm, 'base64'));
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
  external: RUNTIME_EXTERNAL,
  // Shared code and lazily imported modules become chunks: each entry loads only what it runs.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  sourcemap: true,
  // Bundled CommonJS-style code may call require(); ESM has none, so give it one.
  banner: {
    js: "import { createRequire as __rollcallCreateRequire } from 'node:module';\nconst require = __rollcallCreateRequire(import.meta.url);",
  },
  plugins: [prismaWasmFromFile],
  logLevel: 'warning',
});
console.log(`built ${path.relative(process.cwd(), outdir) || 'dist'}/ (main.js, migrate.js, post-webhook.js)`);
// and the teacher's page into dist/web, which the server serves
await import('./build-web.mjs');
