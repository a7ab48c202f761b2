/**
 * Running a task's tests after the agent has stopped: copy the tests in (only now, so the agent never
 * saw them), run the format's entry under the test timeout, and turn what it left behind into a
 * verdict.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Task } from '../tasks/task';
import type { TrialSandbox } from '../harness/harness';
import { harborVerdict } from './harbor-reward';
import { parsePytestSummary } from './pytest-summary';
import { parseTb1Output } from './tb1-parsers';
import type { Verdict } from './test-result';

export interface VerifierRun {
  verdict: Verdict;
  /** stdout then stderr of the test run (capped). */
  output: string;
  timedOut: boolean;
  exitCode: number;
  durationMs: number;
}

const OUTPUT_CAP = 1024 * 1024;

async function runTb1(task: Task, sandbox: TrialSandbox, timeoutMs: number, signal?: AbortSignal) {
  await sandbox.copyDirIn(task.verifier.testsDir, '/tests').catch((e: Error) => {
    // A task may keep every test inside run-tests.sh (the loader warned about it).
    if (task.verifier.entry === undefined) throw e;
  });
  let command: string[];
  if (task.verifier.entry) {
    await sandbox.copyFilesIn([{ path: 'run-tests.sh', content: await readFile(join(task.path, task.verifier.entry)), mode: 0o755 }], '/tests');
    command = ['bash', '/tests/run-tests.sh'];
  } else {
    command = ['bash', '-c', 'python3 -m pytest "$TEST_DIR/test_outputs.py" -rA'];
  }
  return sandbox.exec(command, { env: { TEST_DIR: '/tests' }, user: 'root', timeoutMs, signal, maxOutputBytes: OUTPUT_CAP });
}

async function runHarbor(task: Task, sandbox: TrialSandbox, timeoutMs: number, signal?: AbortSignal) {
  await sandbox.copyDirIn(task.verifier.testsDir, '/tests');
  const script = 'mkdir -p /logs/verifier; bash /tests/test.sh 2>&1 | tee /logs/verifier/test-stdout.txt; exit ${PIPESTATUS[0]}';
  return sandbox.exec(['bash', '-c', script], { user: 'root', timeoutMs, signal, maxOutputBytes: OUTPUT_CAP });
}

export async function runVerifier(task: Task, sandbox: TrialSandbox, timeoutMs: number, signal?: AbortSignal): Promise<VerifierRun> {
  const result = task.format === 'harbor'
    ? await runHarbor(task, sandbox, timeoutMs, signal)
    : await runTb1(task, sandbox, timeoutMs, signal);
  const output = result.stderr ? `${result.stdout}\n${result.stderr}` : result.stdout;
  let verdict: Verdict;
  if (result.timedOut) verdict = { kind: 'unparseable', reason: `tests ran past their ${Math.round(timeoutMs / 1000)} s limit` };
  else if (task.format === 'harbor') {
    const read = async (name: string) => (await sandbox.readFile(`/logs/verifier/${name}`, OUTPUT_CAP))?.toString('utf8');
    verdict = harborVerdict({ rewardTxt: await read('reward.txt'), rewardJson: await read('reward.json'), ctrf: await read('ctrf.json') });
    // Without a CTRF report, pytest's own summary (when the script ran pytest -rA) still names the tests.
    if (verdict.kind === 'scored' && verdict.tests.length === 0) {
      const pytest = parsePytestSummary(output);
      if (pytest.kind === 'scored') verdict = { ...verdict, tests: pytest.tests };
    }
  } else verdict = parseTb1Output(task.verifier.parser, output);
  return { verdict, output, timedOut: result.timedOut, exitCode: result.exitCode, durationMs: result.durationMs };
}
