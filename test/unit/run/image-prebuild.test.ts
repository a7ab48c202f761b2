import assert from 'node:assert/strict';
import { join } from 'node:path';
import { prebuildTaskImages, taskImageSpec } from '../../../src/core/run/image-prebuild';
import type { ContainerRuntime, ImageSpec } from '../../../src/core/runtime/container-runtime';
import { loadTask } from '../../../src/core/tasks/load-tasks';
import { tempDir, writeTb1Task } from '../../helpers/task-fixtures';

/** A runtime that only records the images asked for (the rest is never called here). */
function recordingRuntime(fail: string[] = []): { runtime: ContainerRuntime; asked: ImageSpec[] } {
  const asked: ImageSpec[] = [];
  const runtime = {
    ensureImage: async (spec: ImageSpec) => {
      asked.push(spec);
      if (fail.includes(spec.taskId)) throw new Error(`build of ${spec.taskId} failed`);
      return { name: `img-${spec.taskId}`, id: spec.taskId };
    },
  } as unknown as ContainerRuntime;
  return { runtime, asked };
}

describe('run: task images built ahead of the trials', () => {
  it('asks for each task image in plan order, exactly as a trial would, and goes on past a failed build', async () => {
    const root = tempDir();
    const tasks = await Promise.all(['first', 'second', 'third'].map((id) => loadTask(writeTb1Task(root, id))));
    const { runtime, asked } = recordingRuntime(['second']);
    await prebuildTaskImages(runtime, tasks);
    assert.deepEqual(asked.map((s) => s.taskId), ['first', 'second', 'third']);
    assert.deepEqual(asked[0], taskImageSpec(tasks[0]!));
    assert.equal(asked[0]!.contextDir, join(root, 'first'));
    const forced = recordingRuntime();
    await prebuildTaskImages(forced.runtime, tasks.slice(0, 1), { buildImages: true });
    assert.equal(forced.asked[0]!.preferBuild, true);
  });

  it('stops at a cancelled run', async () => {
    const root = tempDir();
    const tasks = await Promise.all(['a', 'b'].map((id) => loadTask(writeTb1Task(root, id))));
    const { runtime, asked } = recordingRuntime();
    const abort = new AbortController();
    abort.abort();
    await prebuildTaskImages(runtime, tasks, { signal: abort.signal });
    assert.deepEqual(asked, []);
  });
});
