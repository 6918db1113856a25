// Summarizes a V8 .cpuprofile (from `npm run bench -- --profile`): where the server's CPU time went,
// by package (self time) and by function (self time), plus garbage collection and idle.
//   npx tsx bench/profile-summary.ts bench/results/profiles/<file>.cpuprofile [top=25]
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

process.stdout.on('error', () => process.exit(0));
const [file, topArg] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: tsx bench/profile-summary.ts <file.cpuprofile> [top]\n');
  process.exit(2);
}
const top = Number(topArg ?? 25);
if (file.endsWith('.heapprofile')) {
  summarizeHeap(JSON.parse(readFileSync(file, 'utf8')));
  process.exit(0);
}
const profile: Profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfUs = new Map<number, number>();
profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

interface HeapNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: HeapNode[];
}

/** A sampling heap profile: live bytes by the package and function that allocated them. */
function summarizeHeap(heap: { head: HeapNode }) {
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  const visit = (node: HeapNode, onStack: Set<string>) => {
    const p = pkg(node.callFrame.url);
    const stack = node.callFrame.url ? new Set([...onStack, p]) : onStack;
    if (node.selfSize) {
      total += node.selfSize;
      byPackage.set(p, (byPackage.get(p) ?? 0) + node.selfSize);
      const f = `${node.callFrame.functionName || '(anonymous)'} ${p}:${node.callFrame.lineNumber + 1}`;
      byFunction.set(f, (byFunction.get(f) ?? 0) + node.selfSize);
      for (const q of stack) inclusive.set(q, (inclusive.get(q) ?? 0) + node.selfSize);
    }
    for (const child of node.children) visit(child, stack);
  };
  visit(heap.head, new Set());
  const line = (name: string, bytes: number) =>
    `${(bytes / 1024).toFixed(0).padStart(9)} KB ${((bytes / total) * 100).toFixed(1).padStart(5)} %  ${name}`;
  console.log(`heap profile: ${(total / 1024 / 1024).toFixed(1)} MB live (sampled) allocated while it ran`);
  console.log('\nallocated by package (self):');
  for (const [name, bytes] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(line(name, bytes));
  console.log('\npackage on the allocation stack (inclusive):');
  for (const [name, bytes] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(line(name, bytes));
  console.log('\nallocated by function (self):');
  for (const [name, bytes] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(line(name, bytes));
}

function pkg(url: string): string {
  if (!url) return '(native/V8)';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  if (url.startsWith('node:')) return 'node: (core)';
  if (url.includes('/src/')) return 'rollcall src/';
  if (url.includes('/bench/')) return 'bench wrapper';
  return url;
}

const total = profile.endTime - profile.startTime;
const byPackage = new Map<string, number>();
const byFunction = new Map<string, number>();
for (const [id, us] of selfUs) {
  const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
  const special = ['(garbage collector)', '(idle)', '(program)'].includes(functionName) ? functionName : undefined;
  const p = special ?? pkg(url);
  byPackage.set(p, (byPackage.get(p) ?? 0) + us);
  const f = special ?? `${functionName || '(anonymous)'} ${pkg(url)}:${lineNumber + 1}`;
  byFunction.set(f, (byFunction.get(f) ?? 0) + us);
}
const busy = total - (byPackage.get('(idle)') ?? 0);

// inclusive: a sample counts once for every package that is anywhere on its stack
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const stackPackages = new Map<number, Set<string>>();
function packagesOf(id: number): Set<string> {
  let set = stackPackages.get(id);
  if (set) return set;
  const up = parent.get(id);
  set = new Set(up === undefined ? [] : packagesOf(up));
  const { url, functionName } = byId.get(id)!.callFrame;
  if (url) set.add(pkg(url));
  else if (functionName === '(garbage collector)') set.add(functionName);
  stackPackages.set(id, set);
  return set;
}
const inclusive = new Map<string, number>();
for (const [id, us] of selfUs) for (const p of packagesOf(id)) inclusive.set(p, (inclusive.get(p) ?? 0) + us);
const line = (name: string, us: number) =>
  `${(us / 1000).toFixed(0).padStart(8)} ms ${((us / busy) * 100).toFixed(1).padStart(5)} % of busy  ${name}`;
console.log(`profile ${file}: ${(total / 1e6).toFixed(1)} s wall, ${(busy / 1e6).toFixed(1)} s busy (not idle)`);
console.log('\nself time by package:');
for (const [name, us] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(line(name, us));
console.log('\non the stack (inclusive; a sample counts for every package on its stack):');
for (const [name, us] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(line(name, us));
console.log('\nself time by function:');
for (const [name, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(line(name, us));
