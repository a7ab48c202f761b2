/**
 * Task validation: the reference solution must pass (oracle) and doing nothing must fail (nop).
 * A task that fails either check cannot tell a good agent from a bad one.
 */
import pLimit from 'p-limit';
import { randomUUID } from 'node:crypto';
import type { ContainerRuntime } from '../runtime/container-runtime';
import { nopHarness } from '../harness/nop';
import { oracleHarness } from '../harness/oracle';
import type { Task } from '../tasks/task';
import type { Harness } from '../harness/harness';
import { runTrial, type TrialOutcome } from './trial-runner';
import type { TrialRecorder } from './trial-recorder';
import { openModelChannel } from './model-channel';
import { networkAccess, networkFailureLine, type NetworkSetting } from './task-network';

export interface TaskValidation {
  task: string;
  oracle: TrialOutcome;
  nop: TrialOutcome;
  ok: boolean;
  /** What is wrong, in words, when not ok. */
  problems: string[];
  durationMs: number;
}

/** The last non-empty lines of a test run, on one line. */
function tailOf(text: string, lines = 4): string {
  return text.trim().split('\n').map((l) => l.trim()).filter(Boolean).slice(-lines).join(' / ').slice(0, 400);
}

/** Why the reference solution did not pass, in words a task author can act on. */
function oracleCause(oracle: TrialOutcome): string {
  const output = oracle.verifierOutput ?? (oracle.status === 'verifier_error' ? oracle.detail : undefined) ?? '';
  if (/no reference solution/.test(oracle.error ?? '')) return 'the reference solution is missing (solution.sh, solution.yaml or solution/solve.sh)';
  const line = networkFailureLine(output);
  if (line) {
    return `the tests could not reach the network (${line}): they download their tools at test time, so they need network at verification`;
  }
  // Not the task's fault, as far as anyone can tell: the engine or the run stopped it.
  if (oracle.status === 'infra_error' || oracle.status === 'cancelled' || oracle.status === 'interrupted') {
    return `the reference solution could not be run (oracle: ${oracle.status}${oracle.error ? `: ${oracle.error}` : ''})`;
  }
  const tail = tailOf(output) || oracle.error || oracle.status;
  return `the reference solution failed: ${tail} (oracle: ${oracle.status}${oracle.error && !tail.includes(oracle.error) ? `: ${oracle.error}` : ''})`;
}

export function judgeValidation(oracle: TrialOutcome, nop: TrialOutcome): string[] {
  const problems: string[] = [];
  if (oracle.status !== 'passed') problems.push(oracleCause(oracle));
  if (nop.status === 'passed') problems.push('doing nothing already passes (nop: passed): the tests do not check the work');
  else if (nop.status !== 'failed') problems.push(`doing nothing did not end in a plain fail (nop: ${nop.status}${nop.error ? `: ${nop.error}` : ''})`);
  return problems;
}

export async function validateTasks(
  runtime: ContainerRuntime,
  tasks: readonly Task[],
  options: {
    concurrency?: number;
    runId?: string;
    signal?: AbortSignal;
    /** Records every trial in the store when given. */
    recorder?: TrialRecorder;
    onResult?: (v: TaskValidation) => void;
    onBuildLog?: (task: string, line: string) => void;
    /** The run setting: `task` (default), `none` or `host`. */
    network?: NetworkSetting;
    /** An existing Docker network for tasks with network. */
    dockerNetwork?: string;
    /** Build images from Dockerfiles even when a task names a prebuilt one. */
    buildImages?: boolean;
  } = {},
): Promise<TaskValidation[]> {
  const runId = options.recorder?.runId ?? options.runId ?? `validate-${randomUUID().slice(0, 8)}`;
  const { recorder } = options;
  const limit = pLimit(Math.max(1, options.concurrency ?? 2));
  for (const task of tasks) {
    await recorder?.snapshotTask(task);
    for (const harness of [oracleHarness, nopHarness]) {
      recorder?.queue({ id: `${runId}-${task.id}-${harness.name}`, taskId: task.id, modelId: harness.name, harness: harness.name, trialIndex: 0 });
    }
  }
  const channel = openModelChannel({
    runtime, runId,
    ...(options.network ? { setting: options.network } : {}),
    ...(options.dockerNetwork ? { dockerNetwork: options.dockerNetwork } : {}),
  });
  const trial = async (task: Task, harness: Harness): Promise<TrialOutcome> => {
    const trialId = `${runId}-${task.id}-${harness.name}`;
    recorder?.start(trialId);
    let network;
    try {
      network = await channel.trialNetworks(networkAccess(task, options.network), false);
    } catch (e) {
      const now = new Date().toISOString();
      const outcome: TrialOutcome = { status: 'infra_error', tests: [], testsPassed: 0, testsFailed: 0, error: (e as Error).message, startedAt: now, finishedAt: now, durationMs: 0, buildMs: 0, agentMs: 0, testMs: 0 };
      recorder?.finish(trialId, outcome);
      return outcome;
    }
    const outcome = await runTrial(runtime, { runId, trialId, task, harness, network, ...(options.buildImages ? { buildImages: true } : {}) }, {
      ...(options.signal ? { signal: options.signal } : {}),
      onBuildLog: (line: string) => options.onBuildLog?.(task.id, line),
      onTranscript: (entry) => recorder?.transcript(trialId, entry),
    });
    recorder?.finish(trialId, outcome);
    return outcome;
  };
  try {
    return await Promise.all(tasks.map((task) => limit(async () => {
      const started = Date.now();
      const oracle = await trial(task, oracleHarness);
      const nop = await trial(task, nopHarness);
      const problems = judgeValidation(oracle, nop);
      const result: TaskValidation = { task: task.id, oracle, nop, ok: problems.length === 0, problems, durationMs: Date.now() - started };
      options.onResult?.(result);
      return result;
    })));
  } finally {
    await channel.close();
  }
}
