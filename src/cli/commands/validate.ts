/** `kilobench validate`: run each task's reference solution (must pass) and nothing (must fail). */
import type { Command } from 'commander';
import { pruneContainers, pruneNetworks } from '../../core/runtime';
import {
  forcedOfflineWarning, NETWORK_SETTINGS, RUN_LIMITS, TrialRecorder, validateTasks, type NetworkSetting, type TaskValidation,
} from '../../core/run';
import { UsageError } from '../errors';
import { connectRuntime } from '../runtime';
import { DEFAULT_DB, newRunId, openCliStore } from '../store';
import { collect, positiveInt } from '../options';
import { formatDuration } from '../../core/format';
import { formatTable } from '../table';
import { loadCliTasks, selectTasks } from './tasks';

export interface ValidateJson {
  results: { task: string; oracle: string; nop: string; ok: boolean; durationMs: number; problems: string[] }[];
}

export function validateJson(results: readonly TaskValidation[]): ValidateJson {
  return {
    results: results.map((r) => ({ task: r.task, oracle: r.oracle.status, nop: r.nop.status, ok: r.ok, durationMs: r.durationMs, problems: r.problems })),
  };
}

export function registerValidateCommand(program: Command): void {
  program
    .command('validate')
    .description('Check tasks in Docker: the reference solution must pass (oracle) and doing nothing must fail (nop).')
    .option('-t, --tasks <ids>', 'comma-separated task ids (default: every task loaded)')
    .option('-p, --path <dir>', 'a task folder or a folder of tasks (repeatable)', collect)
    .option('--no-bundled', 'leave out the tasks bundled with KiloBench')
    .option('-c, --concurrency <n>', 'tasks validated at the same time', positiveInt('--concurrency', RUN_LIMITS.concurrency), 2)
    .option('--docker-host <url>', 'Docker engine (default: DOCKER_HOST or the local socket)')
    .option('--network <mode>', 'task: each task\'s own network (default); none: no task gets one (offline); host: the host\'s network')
    .option('--docker-network <name>', 'an existing Docker network for tasks with network, instead of one made for the run')
    .option('--build-images', 'build every task image from its Dockerfile, even when the task names a prebuilt image')
    .option('--db <file>', `results database; the run's journal is kept beside it (default: ${DEFAULT_DB})`)
    .option('--json', 'print {"results": [{task, oracle, nop, ok, durationMs}]}')
    .addHelpText('after', '\nExit code: 0 when every task is ok, 1 when any is broken, 2 on bad usage.')
    .action(async (options: {
      tasks?: string; path?: string[]; bundled: boolean; concurrency: number; dockerHost?: string; db?: string; json?: boolean;
      network?: string; dockerNetwork?: string; buildImages?: boolean;
    }) => {
      const tasks = selectTasks(await loadCliTasks(options.path ?? [], options.bundled), options.tasks);
      if (tasks.length === 0) throw new UsageError('no tasks to validate');
      const network = options.network;
      if (network !== undefined && !(NETWORK_SETTINGS as readonly string[]).includes(network)) throw new UsageError(`--network must be one of ${NETWORK_SETTINGS.join(', ')}, not "${network}"`);
      const offline = forcedOfflineWarning(tasks, network as NetworkSetting | undefined);
      if (offline) process.stderr.write(`kilobench: warning: ${offline}\n`);
      const runtime = await connectRuntime(options.dockerHost);
      await pruneContainers(runtime);
      await pruneNetworks(runtime);
      const store = await openCliStore(options.db);
      const recorder = new TrialRecorder(store, newRunId('validate'));
      recorder.createRun('validate', { tasks: tasks.map((t) => t.id), models: [], harness: 'oracle+nop', trialsPerPair: 1 }, { concurrency: options.concurrency });

      const abort = new AbortController();
      const onSigint = () => {
        process.stderr.write('\ncancelling: stopping containers…\n');
        abort.abort();
      };
      process.once('SIGINT', onSigint);
      const results = await validateTasks(runtime, tasks, {
        concurrency: options.concurrency,
        ...(network ? { network: network as NetworkSetting } : {}),
        ...(options.dockerNetwork ? { dockerNetwork: options.dockerNetwork } : {}),
        ...(options.buildImages ? { buildImages: true } : {}),
        signal: abort.signal,
        recorder,
        onResult: (r) => {
          if (!options.json) process.stderr.write(`${r.ok ? 'ok    ' : 'BROKEN'} ${r.task} (oracle ${r.oracle.status}, nop ${r.nop.status}, ${formatDuration(r.durationMs)})\n`);
        },
      }).finally(() => process.removeListener('SIGINT', onSigint));
      recorder.endRun(abort.signal.aborted ? 'cancelled' : 'finished');
      await store.close();

      if (options.json) process.stdout.write(JSON.stringify(validateJson(results), null, 2) + '\n');
      else {
        process.stdout.write(formatTable(['TASK', 'ORACLE', 'NOP', 'OK', 'SECONDS'],
          results.map((r) => [r.task, r.oracle.status, r.nop.status, r.ok ? 'yes' : 'NO', formatDuration(r.durationMs)])) + '\n');
        for (const r of results.filter((x) => !x.ok)) {
          process.stdout.write(`\n${r.task} is broken:\n${r.problems.map((p) => `  - ${p}`).join('\n')}\n`);
          const detail = r.oracle.status !== 'passed' ? r.oracle : r.nop;
          const output = detail.detail ?? detail.verifierOutput;
          if (output) process.stdout.write(`  verifier/build output (last lines):\n${output.split('\n').slice(-25).map((l) => `    ${l}`).join('\n')}\n`);
        }
      }
      if (!options.json) process.stdout.write(`\nrecorded as run ${recorder.runId} in ${store.path}\n`);
      if (abort.signal.aborted) process.exitCode = 130;
      else if (results.some((r) => !r.ok)) process.exitCode = 1;
    });
}
