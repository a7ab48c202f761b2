import assert from 'node:assert/strict';
import { DEMO_TASKS } from '../../../src/cli/commands/demo';
import { bundledTasksDir, loadTasks } from '../../../src/core/tasks';

describe('kilobench demo defaults', () => {
  it('runs bundled tasks of both formats, easy to hard, and fewer than all of them (the quick demo)', async () => {
    const tasks = await loadTasks([bundledTasksDir()]);
    const byId = new Map(tasks.map((t) => [t.id, t]));
    for (const id of DEMO_TASKS) assert.ok(byId.has(id), `${id} is not a bundled task`);
    assert.ok(DEMO_TASKS.length < tasks.length);
    const chosen = DEMO_TASKS.flatMap((id) => byId.get(id) ?? []);
    assert.deepEqual([...new Set(chosen.map((t) => t.format))].sort(), [...new Set(tasks.map((t) => t.format))].sort(), 'every task format');
    assert.ok(new Set(chosen.map((t) => t.difficulty)).size >= 2, 'more than one difficulty');
  });
});
