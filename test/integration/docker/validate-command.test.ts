/** `kilobench validate` end to end: real engine, JSON report, exit codes, and trials in the store. */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Store } from '../../../src/core/store';
import { kilobench } from '../../helpers/cli';
import { tempDir, writeTb1Task } from '../../helpers/task-fixtures';

const DOCKERFILE = 'FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends python3 python3-pytest && rm -rf /var/lib/apt/lists/*\nWORKDIR /app\n';
const PYTEST = '#!/bin/bash\ncd /app\npython3 -m pytest "$TEST_DIR/test_outputs.py" -rA\n';

describe('kilobench validate (real engine)', function () {
  this.timeout(300_000);
  let root: string;
  before(() => {
    root = tempDir();
    writeTb1Task(join(root, 'tasks'), 'sound', { Dockerfile: DOCKERFILE, 'run-tests.sh': PYTEST });
    // Tests that pass whatever the agent does: a broken task.
    writeTb1Task(join(root, 'tasks'), 'always-passes', {
      Dockerfile: DOCKERFILE, 'run-tests.sh': PYTEST, 'tests/test_outputs.py': 'def test_nothing():\n    assert True\n',
    });
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('reports each task as JSON, exits 1 for a broken one, and records every trial in the store', async () => {
    const db = join(root, 'results.sqlite');
    const result = kilobench(['validate', '--no-bundled', '--path', join(root, 'tasks'), '--json', '--db', db]);
    assert.equal(result.code, 1, result.stderr);
    const { results } = JSON.parse(result.stdout) as { results: { task: string; oracle: string; nop: string; ok: boolean; durationMs: number }[] };
    assert.deepEqual(results.map((r) => [r.task, r.oracle, r.nop, r.ok]), [['always-passes', 'passed', 'passed', false], ['sound', 'passed', 'failed', true]]);
    assert.ok(results.every((r) => r.durationMs > 0));

    const store = await Store.open(db);
    try {
      const [run] = store.listRuns();
      assert.equal(run?.status, 'finished');
      const trials = store.listTrials(run!.id);
      assert.deepEqual(trials.map((t) => [t.taskId, t.harness, t.status]).sort(), [
        ['always-passes', 'nop', 'passed'], ['always-passes', 'oracle', 'passed'], ['sound', 'nop', 'failed'], ['sound', 'oracle', 'passed'],
      ]);
      const soundNop = trials.find((t) => t.taskId === 'sound' && t.harness === 'nop')!;
      assert.deepEqual(soundNop.tests.map((t) => t.status), ['failed']);
      assert.equal(soundNop.testsFailed, 1);
      assert.ok((soundNop.testDurationMs ?? 0) > 0);
      assert.match(soundNop.imageDigest ?? '', /^sha256:/);
      assert.equal(store.getTaskSnapshots(run!.id).length, 2);
      const oracle = trials.find((t) => t.taskId === 'sound' && t.harness === 'oracle')!;
      assert.ok(store.listTranscript(oracle.id).some((e) => e.kind === 'command'));
    } finally {
      await store.close();
    }
  });

  it('explains usage mistakes with exit code 2', () => {
    const unknown = kilobench(['validate', '--no-bundled', '--path', join(root, 'tasks'), '--tasks', 'nope']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown task id: nope/);
    const bad = kilobench(['validate', '--concurrency', '0']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--concurrency must be a whole number of at least 1/);
  });
});
