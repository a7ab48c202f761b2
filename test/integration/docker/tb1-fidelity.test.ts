/**
 * Terminal-Bench 1.x fidelity on the real engine, through `kilobench validate` and `kilobench show`:
 * a task shaped like Terminal-Bench's SWE-bench adapter tasks (parser `swebench`, its grader's
 * verdict between the result markers) whose docker-compose.yaml limits cpus and memory. The
 * oracle must pass and nop fail (both scored by the swebench parser), the tests read the limits
 * from the container's own cgroup, and `show` explains the failed trial without --json. A second
 * task has no reference solution, and validate says so.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Store } from '../../../src/core/store';
import { kilobench } from '../../helpers/cli';
import { tempDir, writeTb1Task } from '../../helpers/task-fixtures';

const DOCKERFILE = [
  'FROM debian:bookworm-slim',
  'WORKDIR /testbed',
  // The "repository": a calculator whose add is wrong.
  `RUN printf '#!/bin/bash\\necho $(( $1 - $2 ))\\n' > add.sh && chmod +x add.sh`,
  '',
].join('\n');

const COMPOSE = [
  'services:',
  '  client:',
  '    build:',
  '      dockerfile: Dockerfile',
  '    image: ${T_BENCH_TASK_DOCKER_CLIENT_IMAGE_NAME}',
  '    container_name: ${T_BENCH_TASK_DOCKER_CLIENT_CONTAINER_NAME}',
  '    command: ["sh", "-c", "sleep infinity"]',
  '    environment:',
  '      - TEST_DIR=${T_BENCH_TEST_DIR}',
  '    deploy:',
  '      resources:',
  '        limits:',
  '          cpus: "1.5"',
  '          memory: 768M',
  '',
].join('\n');

// Shaped like the adapter's run-tests.sh: run the tests, let the grader judge the log, print its verdict between the markers.
const RUN_TESTS = [
  '#!/bin/bash',
  'cd /testbed',
  'if [ -f /sys/fs/cgroup/memory.max ]; then mem=$(cat /sys/fs/cgroup/memory.max); read q p < /sys/fs/cgroup/cpu.max; cpu="$q/$p";',
  'else mem=$(cat /sys/fs/cgroup/memory/memory.limit_in_bytes); cpu="$(cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us)/$(cat /sys/fs/cgroup/cpu/cpu.cfs_period_us)"; fi',
  'echo "limits: memory_bytes=$mem cpu_quota=$cpu"',
  'LOG_FILE=$(mktemp)',
  'got=$(./add.sh 2 3)',
  'if [ "$got" = 5 ]; then echo "tests/test_add.py::test_add PASSED" | tee "$LOG_FILE"; else echo "tests/test_add.py::test_add FAILED (2 + 3 gave $got)" | tee "$LOG_FILE"; fi',
  'echo "SWEBench results starts here"',
  'if grep -q "test_add PASSED" "$LOG_FILE"; then echo PASSED; else echo FAILED; fi',
  'echo "SWEBench results ends here"',
  '',
].join('\n');

const TASK_YAML = [
  'descriptions:',
  '  - key: base',
  '    description: |',
  '      add.sh in /testbed subtracts instead of adding. Fix it.',
  'author_name: Test Author',
  'author_email: test@example.com',
  'difficulty: easy',
  'category: swe-bench',
  'parser_name: swebench',
  'max_agent_timeout_sec: 120',
  'max_test_timeout_sec: 60',
  '',
].join('\n');

describe('TB 1.x fidelity: compose limits, the swebench parser, why a trial failed (real engine)', function () {
  this.timeout(300_000);
  let root: string;
  before(() => {
    root = tempDir();
    const files = { 'task.yaml': TASK_YAML, Dockerfile: DOCKERFILE, 'docker-compose.yaml': COMPOSE, 'run-tests.sh': RUN_TESTS };
    writeTb1Task(join(root, 'tasks'), 'swe-add', { ...files, 'solution.sh': "#!/bin/bash\nsed -i 's/\\$1 - \\$2/$1 + $2/' /testbed/add.sh\n" });
    const unsolved = writeTb1Task(join(root, 'tasks'), 'swe-add-unsolved', files);
    rmSync(join(unsolved, 'solution.sh'), { force: true });
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('validate: oracle passes and nop fails under the swebench parser, with the compose limits applied; a missing solution is named; show explains the failure', async () => {
    const db = join(root, 'results.sqlite');
    const tasks = kilobench(['tasks', '--no-bundled', '--path', join(root, 'tasks')]);
    console.log(tasks.stdout.split('\n').map((l) => `      ${l}`).join('\n'));
    assert.match(tasks.stdout + tasks.stderr, /old instruction form: the "base" description is used/);

    const result = kilobench(['validate', '--no-bundled', '--path', join(root, 'tasks'), '--json', '--db', db]);
    const { results } = JSON.parse(result.stdout) as { results: { task: string; oracle: string; nop: string; ok: boolean; problems: string[] }[] };
    for (const r of results) console.log(`      ${r.task}: oracle ${r.oracle}, nop ${r.nop}, ok ${r.ok}${r.problems.length ? ` — ${r.problems.join('; ')}` : ''}`);
    assert.equal(result.code, 1, result.stderr);
    assert.deepEqual(results.map((r) => [r.task, r.oracle, r.nop, r.ok]), [['swe-add', 'passed', 'failed', true], ['swe-add-unsolved', 'harness_error', 'failed', false]]);
    assert.match(results[1]!.problems[0] ?? '', /^the reference solution is missing/);

    const store = await Store.open(db);
    let nopId: string;
    try {
      const trials = store.listTrials(store.listRuns()[0]!.id);
      const oracle = trials.find((t) => t.taskId === 'swe-add' && t.harness === 'oracle')!;
      const nop = trials.find((t) => t.taskId === 'swe-add' && t.harness === 'nop')!;
      nopId = nop.id;
      assert.deepEqual(oracle.tests, [{ name: 'tests', status: 'passed' }]);
      assert.deepEqual(nop.tests, [{ name: 'tests', status: 'failed' }]);
      // The container really had the task's limits: 768 MiB and 1.5 CPUs (quota 150000 per 100000 µs period).
      for (const trial of [oracle, nop]) {
        const output = String(trial.findings.find((f) => f.kind === 'verifier_output')?.text ?? '');
        assert.match(output, /limits: memory_bytes=805306368 cpu_quota=150000\/100000/, `${trial.harness}: ${output}`);
      }
    } finally {
      await store.close();
    }

    const show = kilobench(['show', nopId, '--db', db]);
    console.log(show.stdout.split('\n').map((l) => `      ${l}`).join('\n'));
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, /tests \(0 passed, 1 failed\):\n\s+TEST\s+STATUS\n\s+-+\s+-+\n\s+tests\s+failed/);
    assert.match(show.stdout, /the verifier's output:\n(.*\n)*\s+\| tests\/test_add\.py::test_add FAILED \(2 \+ 3 gave -1\)\n\s+\| SWEBench results starts here\n\s+\| FAILED/);
  });
});
