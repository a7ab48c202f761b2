/**
 * Whole trials on a real engine with tiny fixture tasks: every ending a trial can have, and the
 * container removed on every path out.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { loadTask } from '../../../src/core/tasks';
import { runTrial, type TrialSpec } from '../../../src/core/run/trial-runner';
import { oracleHarness } from '../../../src/core/harness/oracle';
import { nopHarness } from '../../../src/core/harness/nop';
import type { Harness } from '../../../src/core/harness/harness';
import type { DockerRuntime } from '../../../src/core/runtime/docker/docker-runtime';
import { tempDir, writeHarborTask, writeTb1Task } from '../../helpers/task-fixtures';
import { containersOfRun, dockerRuntime, waitFor } from '../../helpers/docker';

const DOCKERFILE = 'FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends python3 python3-pytest && rm -rf /var/lib/apt/lists/*\nWORKDIR /app\n';
const PYTEST = '#!/bin/bash\ncd /app\npython3 -m pytest "$TEST_DIR/test_outputs.py" -rA\n';

/** A harness that runs one shell command as "the agent" (a real process in the real container). */
function shellAgent(command: string): Harness {
  return {
    name: 'shell-agent',
    modelInContainer: false,
    needsModel: false,
    async run(ctx) {
      const r = await ctx.sandbox.exec(['bash', '-c', command], { timeoutMs: ctx.timeoutMs, signal: ctx.signal });
      if (r.cancelled) return { status: 'cancelled' };
      return r.timedOut ? { status: 'timeout', exitCode: r.exitCode } : { status: 'completed', exitCode: r.exitCode };
    },
  };
}

describe('trial lifecycle (real engine)', function () {
  this.timeout(300_000);
  const runId = `life-${process.pid}`;
  let runtime: DockerRuntime;
  let root: string;
  let n = 0;
  const trial = async (dir: string, harness: Harness, extra: Partial<TrialSpec> = {}, signal?: AbortSignal) => {
    const task = await loadTask(dir);
    assert.deepEqual(task.errors, []);
    return runTrial(runtime, { runId, trialId: `${runId}-${++n}`, task, harness, ...extra }, signal ? { signal } : {});
  };

  before(() => {
    runtime = dockerRuntime();
    root = tempDir();
  });
  afterEach(async () => assert.deepEqual(await containersOfRun(runId), [], 'no container outlives its trial'));
  after(() => rmSync(root, { recursive: true, force: true }));

  it('TB 1.x: the oracle passes, nop fails, and the agent never sees the tests', async () => {
    const dir = writeTb1Task(root, 'tb1-basic', {
      Dockerfile: DOCKERFILE,
      'run-tests.sh': PYTEST,
      'tests/test_outputs.py': [
        'import os',
        'def test_file():',
        '    assert open("/app/hello.txt").read().strip() == "hello"',
        'def test_agent_did_not_see_tests():',
        '    assert not os.path.exists("/app/saw-tests")',
        '',
      ].join('\n'),
      'solution.sh': '#!/bin/bash\n[ -e /tests ] && touch /app/saw-tests\necho hello > /app/hello.txt\n',
    });
    const oracle = await trial(dir, oracleHarness);
    assert.equal(oracle.status, 'passed', oracle.verifierOutput);
    assert.deepEqual(oracle.tests.map((t) => [t.name.replace(/^.*::/, ''), t.outcome]), [['test_file', 'passed'], ['test_agent_did_not_see_tests', 'passed']]);
    assert.equal(oracle.testsPassed, 2);
    const nop = await trial(dir, nopHarness);
    assert.equal(nop.status, 'failed');
    assert.equal(nop.testsFailed, 1);
    assert.ok(nop.agentMs >= 0 && nop.testMs > 0 && nop.durationMs >= nop.testMs);
  });

  it('a broken Dockerfile ends the trial as infra_error with the build log', async () => {
    const dir = writeTb1Task(root, 'tb1-broken-build', { Dockerfile: 'FROM debian:bookworm-slim\nRUN echo broken-step-output && false\n' });
    const outcome = await trial(dir, oracleHarness);
    assert.equal(outcome.status, 'infra_error');
    assert.match(outcome.error ?? '', /image build failed/);
    assert.match(outcome.detail ?? '', /broken-step-output/);
  });

  it('an agent timeout kills the agent and still runs the verifier', async () => {
    const dir = writeTb1Task(root, 'tb1-agent-timeout', {
      'task.yaml': 'instruction: wait\nmax_agent_timeout_sec: 2\n',
      Dockerfile: DOCKERFILE,
      'run-tests.sh': PYTEST,
      'tests/test_outputs.py': [
        'import glob',
        'def test_agent_processes_are_gone():',
        '    cmdlines = [open(p, "rb").read() for p in glob.glob("/proc/[0-9]*/cmdline")]',
        '    assert not any(b"sleep\\x00600" in c for c in cmdlines)',
        'def test_work_before_timeout_kept():',
        '    assert open("/app/partial").read() == "started\\n"',
        '',
      ].join('\n'),
    });
    const outcome = await trial(dir, shellAgent('echo started > /app/partial; sleep 600 & sleep 600'));
    assert.equal(outcome.status, 'timeout');
    assert.match(outcome.error ?? '', /past its 2 s limit/);
    assert.equal(outcome.testsPassed, 2, outcome.verifierOutput);
    assert.ok(outcome.agentMs < 20_000);
  });

  it('a hanging verifier ends as test_timeout', async () => {
    const dir = writeTb1Task(root, 'tb1-test-timeout', {
      'task.yaml': 'instruction: x\nmax_test_timeout_sec: 2\n',
      Dockerfile: DOCKERFILE,
      'run-tests.sh': '#!/bin/bash\nsleep 600\n',
    });
    const outcome = await trial(dir, nopHarness);
    assert.equal(outcome.status, 'test_timeout');
    assert.ok(outcome.testMs < 20_000);
  });

  it('verifier output without a pytest summary is a verifier_error, not a fail', async () => {
    const dir = writeTb1Task(root, 'tb1-garbage-output', { Dockerfile: DOCKERFILE, 'run-tests.sh': '#!/bin/bash\necho "all good, trust me"\n' });
    const outcome = await trial(dir, oracleHarness);
    assert.equal(outcome.status, 'verifier_error');
    assert.match(outcome.error ?? '', /short test summary info/);
  });

  it('Harbor: the reward file decides, per-test results come from ctrf.json, a missing reward is a verifier_error', async () => {
    const testSh = [
      '#!/bin/bash',
      'mkdir -p /logs/verifier',
      'if [ -f /app/done ]; then r=1; s=passed; else r=0; s=failed; fi',
      'echo $r > /logs/verifier/reward.txt',
      'echo "{\\"results\\":{\\"tests\\":[{\\"name\\":\\"done_exists\\",\\"status\\":\\"$s\\"}]}}" > /logs/verifier/ctrf.json',
      '',
    ].join('\n');
    const dir = writeHarborTask(root, 'harbor-reward', {
      'environment/Dockerfile': 'FROM debian:bookworm-slim\nWORKDIR /app\n',
      'tests/test.sh': testSh,
      'solution/solve.sh': '#!/bin/bash\ntouch /app/done\n',
    });
    const pass = await trial(dir, oracleHarness);
    assert.equal(pass.status, 'passed', pass.verifierOutput);
    assert.deepEqual(pass.tests.map((t) => [t.name, t.outcome]), [['done_exists', 'passed']]);
    const fail = await trial(dir, nopHarness);
    assert.equal(fail.status, 'failed');
    assert.deepEqual(fail.tests.map((t) => [t.name, t.outcome]), [['done_exists', 'failed']]);

    const silent = writeHarborTask(root, 'harbor-no-reward', {
      'environment/Dockerfile': 'FROM debian:bookworm-slim\nWORKDIR /app\n',
      'tests/test.sh': '#!/bin/bash\necho tests ran but wrote no reward\n',
    });
    const missing = await trial(silent, oracleHarness);
    assert.equal(missing.status, 'verifier_error');
    assert.match(missing.error ?? '', /no \/logs\/verifier\/reward\.txt/);
  });

  it('cancelling mid-agent ends the trial as cancelled and removes its container', async () => {
    const dir = writeTb1Task(root, 'tb1-cancel', { Dockerfile: DOCKERFILE });
    const abort = new AbortController();
    const pending = trial(dir, shellAgent('sleep 600'), {}, abort.signal);
    await waitFor('the trial container', async () => (await containersOfRun(runId)).length > 0);
    await new Promise((r) => setTimeout(r, 500));
    abort.abort();
    const outcome = await pending;
    assert.equal(outcome.status, 'cancelled');
  });

  it('a harness that fails ends the trial as harness_error', async () => {
    const dir = writeTb1Task(root, 'tb1-no-solution', { Dockerfile: DOCKERFILE });
    rmSync(`${dir}/solution.sh`);
    const outcome = await trial(dir, oracleHarness);
    assert.equal(outcome.status, 'harness_error');
    assert.match(outcome.error ?? '', /no reference solution/);
  });
});
