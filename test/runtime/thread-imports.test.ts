/**
 * Serve mode runs three threads: the process's main thread (arguments, signals), the HTTP door and
 * the engine. Only the engine thread may load the engine's code: every module a thread imports stays
 * in its heap for the life of the process, and loading the engine on the other two cost 10 MiB of
 * RSS under load (docs/performance.md). This walks the static imports (type-only imports load
 * nothing) from each thread's entry and fails if the engine is reachable.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const STATIC_IMPORT = /^(?:import|export)\s+(?!type\b)([^;]*?)\s+from\s+'([^']+)'/gms;

function resolveModule(from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null; // node: built-ins and packages
  const base = resolve(dirname(from), spec);
  return [`${base}.ts`, `${base}.tsx`, join(base, 'index.ts')].find((f) => existsSync(f)) ?? null;
}

/** Each module reachable from `entry` by value imports, with the module that first imported it. */
function staticImports(entry: string): Map<string, string | null> {
  const seen = new Map<string, string | null>([[entry, null]]);
  const queue = [entry];
  for (let file = queue.pop(); file; file = queue.pop()) {
    for (const [, clause, spec] of readFileSync(file, 'utf8').matchAll(STATIC_IMPORT)) {
      const names = [...clause!.matchAll(/[{,]\s*(type\s+)?\w+/g)];
      if (clause!.trim().startsWith('{') && names.length > 0 && names.every((n) => n[1])) continue; // `import { type A, type B }`
      const target = resolveModule(file, spec!);
      if (target && !seen.has(target)) {
        seen.set(target, file);
        queue.push(target);
      }
    }
  }
  return seen;
}

function chain(graph: Map<string, string | null>, file: string): string {
  const path: string[] = [];
  for (let f: string | null | undefined = file; f; f = graph.get(f)) path.unshift(relative(root, f));
  return path.join(' -> ');
}

describe('what serve mode threads load', () => {
  const engine = join(root, 'src-main', 'engine', 'engine.ts');
  const handlers = join(root, 'src-main', 'engine', 'handlers.ts');

  for (const entry of ['src-main/cli.ts', 'src-main/runtime/serve-door.ts']) {
    it(`${entry} reaches neither the engine nor its handlers`, () => {
      const graph = staticImports(join(root, entry));
      expect(graph.size).toBeGreaterThan(3); // the walk follows imports at all
      const reached = [engine, handlers].filter((f) => graph.has(f)).map((f) => chain(graph, f));
      expect(reached).toEqual([]);
    });
  }

  it('the engine thread does reach the engine (the walk finds what is there)', () => {
    const graph = staticImports(join(root, 'src-main', 'engine', 'worker-main.ts'));
    expect(graph.has(engine)).toBe(true);
    expect(graph.has(handlers)).toBe(true);
  });
});
