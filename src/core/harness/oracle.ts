/**
 * The oracle harness runs a task's reference solution, to prove the task can be solved and that its
 * tests recognise a solution: `solution.sh`, the `solution.yaml` commands in order, or Harbor's
 * `solution/solve.sh` (the whole `solution/` folder is uploaded to /solution).
 */
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { SolutionCommand, Task } from '../tasks/task';
import { clip, outcomeOfExec, type Harness, type HarnessContext, type HarnessOutcome } from './harness';

/**
 * solution.yaml as one bash script. Upstream types the commands into one shell, so state such as
 * `cd` carries over; a non-blocking command is started in the background and given its minimum time.
 */
export function solutionCommandsScript(commands: readonly SolutionCommand[]): string {
  const lines = ['#!/bin/bash'];
  for (const c of commands) {
    if (c.block) lines.push(c.command);
    else {
      lines.push(`{ ${c.command}\n} &`);
      if (c.minTimeoutSec > 0) lines.push(`sleep ${c.minTimeoutSec}`);
    }
  }
  lines.push('wait');
  return lines.join('\n') + '\n';
}

async function uploadSolution(task: Task, context: HarnessContext): Promise<string[] | string> {
  const { solution } = task;
  if (solution.kind === 'none') return 'the task has no reference solution (solution.sh, solution.yaml or solution/solve.sh)';
  if (solution.kind === 'commands') {
    await context.sandbox.copyFilesIn([{ path: 'solution.sh', content: solutionCommandsScript(solution.commands), mode: 0o755 }], '/solution');
    return ['bash', '/solution/solution.sh'];
  }
  if (task.format === 'harbor') {
    await context.sandbox.copyDirIn(dirname(solution.path), '/solution');
    return ['bash', '/solution/solve.sh'];
  }
  // Only the script: the rest of a TB 1.x task folder holds the tests.
  await context.sandbox.copyFilesIn([{ path: 'solution.sh', content: await readFile(solution.path), mode: 0o755 }], '/solution');
  return ['bash', '/solution/solution.sh'];
}

export const oracleHarness: Harness = {
  name: 'oracle',
  modelInContainer: false,
  needsModel: false,
  async run(context): Promise<HarnessOutcome> {
    const command = await uploadSolution(context.task, context);
    if (typeof command === 'string') return { status: 'error', error: command };
    context.record({ kind: 'command', toolCategory: 'exec', payload: { command: command.join(' ') } });
    const result = await context.sandbox.exec(command, { timeoutMs: context.timeoutMs, signal: context.signal });
    context.record({
      kind: 'output',
      payload: { exitCode: result.exitCode, stdout: clip(result.stdout), stderr: clip(result.stderr), durationMs: result.durationMs },
    });
    return outcomeOfExec(result);
  },
};
