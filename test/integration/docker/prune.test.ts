/** A run killed with SIGKILL leaves containers behind; `kilobench prune` removes every one. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, kilobench } from '../../helpers/cli';
import { tempDir, writeTb1Task } from '../../helpers/task-fixtures';
import { allLabelledContainers, waitFor } from '../../helpers/docker';

describe('kilobench prune after a SIGKILLed run (real engine)', function () {
  this.timeout(180_000);
  let root: string;
  before(() => {
    root = tempDir();
    // Two slow tasks validated two at a time: both containers are up when the kill comes.
    for (const id of ['slow-a', 'slow-b']) {
      writeTb1Task(root, id, { Dockerfile: 'FROM debian:bookworm-slim\nWORKDIR /app\n', 'solution.sh': '#!/bin/bash\nsleep 600\n' });
    }
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('leaves zero labelled containers', async () => {
    assert.deepEqual(await allLabelledContainers(), [], 'starts clean');
    const child = spawn(process.execPath, [CLI, 'validate', '--no-bundled', '--path', root, '--concurrency', '2', '--db', join(root, 'a.sqlite')], { stdio: 'ignore', env: process.env });
    await waitFor('two running trial containers', async () => (await allLabelledContainers()).length >= 2);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    await new Promise((r) => setTimeout(r, 500));
    assert.ok((await allLabelledContainers()).length >= 2, 'the killed run left its containers');

    const result = kilobench(['prune', '--json']);
    assert.equal(result.code, 0, result.stderr);
    const { removed } = JSON.parse(result.stdout) as { removed: unknown[] };
    assert.ok(removed.length >= 2);
    assert.deepEqual(await allLabelledContainers(), []);
  });

  it('keeps the containers of a run whose process is still alive', async () => {
    const child = spawn(process.execPath, [CLI, 'validate', '--no-bundled', '--path', root, '--tasks', 'slow-a', '--db', join(root, 'b.sqlite')], { stdio: 'ignore', env: process.env });
    try {
      await waitFor('the trial container', async () => (await allLabelledContainers()).length >= 1);
      const result = kilobench(['prune', '--json']);
      const parsed = JSON.parse(result.stdout) as { removed: unknown[]; kept: { reason: string }[] };
      assert.equal(parsed.removed.length, 0);
      assert.match(parsed.kept[0]?.reason ?? '', /still running/);
    } finally {
      child.kill('SIGINT');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    await waitFor('the interrupted run to clean up after itself', async () => (await allLabelledContainers()).length === 0, 30_000);
  });
});
