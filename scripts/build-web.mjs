// Builds the teacher's page (web/) into dist/web: one ES module and one stylesheet named by their
// content hash, and index.html pointing at them. Run by `npm install` (postinstall) and `npm run build:web`.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'dist', 'web');

let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  // `npm ci --omit=dev` on a machine that deploys a build made elsewhere
  console.log('build-web: esbuild is not installed (a production install): keeping dist/web as it is');
  process.exit(0);
}

const result = await esbuild.build({
  entryPoints: [path.join(root, 'web', 'src', 'main.tsx')],
  bundle: true,
  format: 'esm',
  target: ['es2022'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  minify: true,
  sourcemap: false,
  entryNames: 'app-[hash]',
  outdir: out,
  write: false,
  metafile: false,
  logLevel: 'warning',
});
await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });
const names = {};
for (const file of result.outputFiles) {
  await writeFile(file.path, file.contents);
  names[path.extname(file.path)] = path.basename(file.path);
}
const html = (await readFile(path.join(root, 'web', 'index.html'), 'utf8'))
  .replace('__JS__', names['.js'])
  .replace('__CSS__', names['.css']);
await writeFile(path.join(out, 'index.html'), html);
const size = result.outputFiles.reduce((sum, f) => sum + f.contents.length, 0);
console.log(`build-web: dist/web (${names['.js']}, ${names['.css']}; ${(size / 1024).toFixed(0)} KB)`);
