/**
 * Summarizes a sampling heap profile (bench/profile-app.ts writes tmp/profile-<Q>.heapprofile):
 * bytes allocated per function (self) and per package.
 *   npx tsx bench/allocations.ts tmp/profile-Q2.heapprofile [top] [requests]
 */
import { readFile } from 'node:fs/promises';

interface Node {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: Node[];
}
const [file, topArg, requestsArg] = process.argv.slice(2);
if (!file) throw new Error('usage: tsx bench/allocations.ts <file.heapprofile> [top] [requests]');
const { head, samples } = JSON.parse(await readFile(file, 'utf8')) as { head: Node; samples: { size: number; nodeId: number }[] };
const top = Number(topArg ?? 25);
const requests = Number(requestsArg ?? 1);

function area(url: string): string {
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const src = url.indexOf('/src/');
  return src >= 0 ? url.slice(src + 1) : url || '(native)';
}
const byFunction = new Map<string, number>();
const byArea = new Map<string, number>();
const walk = (node: Node, stack: string[]) => {
  const label = `${node.callFrame.functionName || '(anonymous)'} ${area(node.callFrame.url)}:${node.callFrame.lineNumber + 1}`;
  byFunction.set(label, (byFunction.get(label) ?? 0) + node.selfSize);
  byArea.set(area(node.callFrame.url), (byArea.get(area(node.callFrame.url)) ?? 0) + node.selfSize);
  for (const child of node.children) walk(child, [...stack, label]);
};
walk(head, []);
const total = [...byArea.values()].reduce((a, b) => a + b, 0);
console.log(`${file}: ${(total / 2 ** 20).toFixed(0)} MB sampled allocations (${samples.length} samples), ${(total / requests / 1024).toFixed(0)} KB per request`);
for (const [title, map] of [['By package / file', byArea], ['By function', byFunction]] as const) {
  console.log(`\n${title}`);
  for (const [key, bytes] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`  ${((bytes / total) * 100).toFixed(1).padStart(5)}%  ${(bytes / requests / 1024).toFixed(1).padStart(8)} KB/req  ${key}`);
  }
}
