/**
 * src/core's folders form layers: a folder imports only the folders below it, never one above, and
 * no files import each other in a circle. The order is written here once, and src/core/README.md
 * must show the same order (this test checks it).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { CORE, importSpecifiers, resolveImport, sourceFiles } from './imports';

/**
 * From the bottom up. The core's root files (errors.ts, random.ts, json.ts) sit below all of them
 * and import no folder. A new folder must be placed here (and in the README) before it can be used.
 */
export const LAYERS = [
  'domain', 'pricing', 'calls', 'tasks', 'runtime', 'providers', 'models', 'meter', 'store', 'harness', 'verifier', 'analysis', 'run', 'report', 'mine',
] as const;

export interface ImportEdge {
  from: string;
  to: string;
}

/** The folder a core file belongs to ('' for the root files). */
export function folderOf(file: string): string {
  const parts = relative(CORE, file).split(sep);
  return parts.length > 1 ? (parts[0] as string) : '';
}

/** Every relative import between core files, as paths relative to src/core. */
export function coreImports(): ImportEdge[] {
  return sourceFiles(CORE).flatMap((file) => importSpecifiers(readFileSync(file, 'utf8')).flatMap((spec) => {
    const target = resolveImport(file, spec);
    return target && !relative(CORE, target).startsWith('..') ? [{ from: relative(CORE, file), to: relative(CORE, target) }] : [];
  }));
}

/** Imports that go up the layers, from a root file into a folder, or to or from a folder not in `layers`. */
export function layeringViolations(edges: readonly ImportEdge[], layers: readonly string[] = LAYERS): string[] {
  const rank = (folder: string): number => (folder === '' ? -1 : layers.indexOf(folder));
  return edges.flatMap(({ from, to }) => {
    const [a, b] = [folderOf(join(CORE, from)), folderOf(join(CORE, to))];
    if (a === b || b === '') return [];
    if (a === '') return [`${from} imports ${to}: the core's root files import no folder`];
    for (const folder of [a, b]) {
      if (rank(folder) < 0) return [`${from} imports ${to}: folder ${folder}/ is not in the layer order (add it to LAYERS and src/core/README.md)`];
    }
    return rank(b) > rank(a) ? [`${from} imports ${to}: ${a}/ is below ${b}/ and must not import it`] : [];
  });
}

/** Groups of files that import each other in a circle (strongly connected components of two or more). */
export function importCycles(edges: readonly ImportEdge[]): string[][] {
  const graph = new Map<string, string[]>();
  for (const { from, to } of edges) {
    graph.set(from, [...(graph.get(from) ?? []), to]);
    if (!graph.has(to)) graph.set(to, []);
  }
  // Tarjan's algorithm.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v) as number);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop() as string;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) cycles.push(component.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return cycles;
}

describe('src/core layering', () => {
  it('the checker catches upward imports, unknown folders, root files importing folders, and cycles', () => {
    const layers = ['domain', 'store', 'analysis'];
    assert.deepEqual(layeringViolations([{ from: 'analysis/a.ts', to: 'store/index.ts' }, { from: 'store/s.ts', to: 'domain/index.ts' }, { from: 'store/s.ts', to: 'errors.ts' }], layers), []);
    assert.equal(layeringViolations([{ from: 'store/call-summaries.ts', to: 'analysis/call-summary.ts' }], layers).length, 1);
    assert.match(layeringViolations([{ from: 'store/x.ts', to: 'newthing/y.ts' }], layers)[0] ?? '', /not in the layer order/);
    assert.match(layeringViolations([{ from: 'json.ts', to: 'domain/index.ts' }], layers)[0] ?? '', /root files import no folder/);
    assert.deepEqual(importCycles([{ from: 'a.ts', to: 'b.ts' }, { from: 'b.ts', to: 'c.ts' }, { from: 'c.ts', to: 'a.ts' }, { from: 'c.ts', to: 'd.ts' }]), [['a.ts', 'b.ts', 'c.ts']]);
    assert.deepEqual(importCycles([{ from: 'a.ts', to: 'b.ts' }, { from: 'b.ts', to: 'c.ts' }]), []);
  });

  it('every core folder is in the layer order, and imports only folders below it', () => {
    const edges = coreImports();
    assert.ok(edges.length > 100, 'the core has imports to check');
    const folders = new Set(sourceFiles(CORE).map(folderOf).filter(Boolean));
    assert.deepEqual([...folders].filter((f) => !(LAYERS as readonly string[]).includes(f)), [], 'folders missing from LAYERS');
    assert.deepEqual(layeringViolations(edges), []);
  });

  it('no core files import each other in a circle', () => {
    assert.deepEqual(importCycles(coreImports()), []);
  });

  it('src/core/README.md shows the same layer order', () => {
    const readme = readFileSync(join(CORE, 'README.md'), 'utf8');
    const line = /^Layers, bottom up: (.+)$/m.exec(readme)?.[1];
    assert.ok(line, 'README has a line "Layers, bottom up: `domain` → …"');
    assert.deepEqual([...line.matchAll(/`([a-z-]+)\/?`/g)].map((m) => m[1]), [...LAYERS]);
  });
});
