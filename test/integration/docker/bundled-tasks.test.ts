/** Every bundled task is sound: its reference solution passes and doing nothing fails. */
import assert from 'node:assert/strict';
import { bundledTasksDir, loadTasks } from '../../../src/core/tasks';
import { validateTasks } from '../../../src/core/run/validate-tasks';
import { allLabelledContainers, dockerRuntime } from '../../helpers/docker';

describe('bundled tasks in Docker', function () {
  // First run on a fresh machine builds every image (apt-get inside); later runs reuse them.
  this.timeout(45 * 60_000);

  it('every bundled task passes validation (oracle passes, nop fails), four at a time on two cores', async () => {
    const tasks = await loadTasks([bundledTasksDir()]);
    assert.ok(tasks.length >= 12);
    const results = await validateTasks(dockerRuntime(), tasks, {
      concurrency: 4,
      onResult: (r) => console.log(`      ${r.ok ? 'ok' : 'BROKEN'} ${r.task}: oracle ${r.oracle.status}, nop ${r.nop.status} (${(r.durationMs / 1000).toFixed(1)} s)`),
    });
    const broken = results.filter((r) => !r.ok).map((r) => `${r.task}: ${r.problems.join('; ')}\n${(r.oracle.detail ?? r.oracle.verifierOutput ?? '').slice(-2000)}`);
    assert.deepEqual(broken, []);
    assert.equal(results.length, tasks.length);
    assert.deepEqual(await allLabelledContainers(), []);
  });
});
