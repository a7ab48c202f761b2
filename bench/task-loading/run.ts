/**
 * Loading and checking tasks, against a baseline in the same run: reading every file of the same
 * task folders without parsing or checking anything. The task set is the bundled tasks copied until
 * there are N of them (default 100).
 *
 *   node --require tsx/cjs bench/task-loading/run.ts [tasks]
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundledTasksDir, loadTasks } from '../../src/core/tasks';

const COUNT = Number(process.argv[2] ?? 100);
const ROUNDS = 15;

function readAll(dir: string): number {
  let bytes = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    bytes += entry.isDirectory() ? readAll(path) : readFileSync(path).length;
  }
  return bytes;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const source = bundledTasksDir();
  const ids = readdirSync(source).filter((id) => statSync(join(source, id)).isDirectory());
  const root = mkdtempSync(join(tmpdir(), 'kb-bench-tasks-'));
  for (let i = 0; i < COUNT; i++) cpSync(join(source, ids[i % ids.length]!), join(root, `${ids[i % ids.length]}-${i}`), { recursive: true });

  const load: number[] = [];
  const read: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    let t = performance.now();
    const tasks = await loadTasks([root]);
    load.push(performance.now() - t);
    if (tasks.length !== COUNT || tasks.some((task) => task.errors.length)) throw new Error('the copied tasks should all load cleanly');
    t = performance.now();
    readAll(root);
    read.push(performance.now() - t);
  }
  rmSync(root, { recursive: true, force: true });
  console.log(`${COUNT} tasks, ${ROUNDS} rounds (median)`);
  console.log(`load + check (kilobench)   ${median(load).toFixed(1)} ms`);
  console.log(`read every file (baseline) ${median(read).toFixed(1)} ms`);
  console.log(`ratio: ${(median(load) / median(read)).toFixed(2)}× the time of just reading the files`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
