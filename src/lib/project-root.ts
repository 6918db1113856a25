// The repository's root (where package.json, prisma/ and node_modules are), found by walking up
// from this module: it runs from src/lib/ under tsx and vitest, and from dist/ once built, where
// the module's own folder is one level deep instead of two.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

export const projectRoot = findRoot();
