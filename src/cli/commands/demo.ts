/**
 * `kilobench demo`: the main job on the embedded default. Every bundled task, the simulated
 * profiles, through the real Kilo CLI and the built-in agent in one run (their trials interleaved,
 * so every model and harness has results early), on local Docker; a first leaderboard as soon as
 * every (model, harness) has a finished trial, the full one and the HTML report at the end.
 * By default five of the bundled tasks, one trial per (task, model, harness): 40 trials, about five
 * minutes on 2 cores, because a `kilo` trial takes some 40 s, most of it the Kilo CLI's start-up
 * before its first model call (measured: BENCHMARKS.md row 23a). `--full` runs every bundled task 3 times.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { harnessNames, isKnownHarness } from '../../core/harness';
import { formatLeaderboard, renderHtmlReport, reportFromStore } from '../../core/report';
import type { RunEvent } from '../../core/run';
import { FINAL_STATUSES } from '../../core/domain';
import type { Store } from '../../core/store';
import { UsageError } from '../errors';
import { DEFAULT_DB, openCliStore } from '../store';
import { executeRun, type RunOptions } from './run';
import { positiveInt } from '../options';
import { RUN_LIMITS } from '../../core/run';

export const DEMO_MODELS = ['sim/direct', 'sim/explorer', 'sim/flaky', 'sim/thinker'];
export const DEMO_HARNESSES = ['kilo', 'builtin'];
/** Trials per (task, model, harness): the quick demo, and `--full`. */
export const DEMO_TRIALS = { quick: 1, full: 3 } as const;
/**
 * The quick demo's tasks: both task formats (Terminal-Bench 1 and Harbor), easy to hard, and one
 * (backup-rotation-script) that the flaky profile fails, so the headline figures have a failure to weigh.
 */
export const DEMO_TASKS = ['access-log-report', 'backup-rotation-script', 'fileserver-path-traversal', 'git-bisect-regression', 'sqlite-shop-repair'];

interface DemoOptions {
  tasks?: string;
  models: string;
  harnesses: string;
  trials?: number;
  full?: boolean;
  concurrency: number;
  out?: string;
  db?: string;
  dockerHost?: string;
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('The main job on the bundled tasks: simulated models through the Kilo CLI and the built-in agent, then the leaderboard and an HTML report.')
    .option('-t, --tasks <ids>', `comma-separated task ids, or "all" (default: ${DEMO_TASKS.length} of the bundled tasks; all with --full)`)
    .option('-m, --models <ids>', 'models (simulated by default: no keys, no network)', DEMO_MODELS.join(','))
    .option('-H, --harnesses <names>', 'harnesses to compare', DEMO_HARNESSES.join(','))
    .option('-n, --trials <n>', `trials per (task, model, harness) (default ${DEMO_TRIALS.quick}; ${DEMO_TRIALS.full} with --full)`, positiveInt('--trials', RUN_LIMITS.trialsPerPair))
    .option('--full', `the full-size demo: every bundled task, ${DEMO_TRIALS.full} trials per (task, model, harness)`)
    .option('-c, --concurrency <n>', 'trials at the same time', positiveInt('--concurrency', RUN_LIMITS.concurrency), 3)
    .option('-o, --out <file>', 'the HTML report (default: report.html beside the results database)')
    .option('--db <file>', `results database (default: ${DEFAULT_DB})`)
    .option('--docker-host <url>', 'Docker engine (default: DOCKER_HOST or the local socket)')
    .action(async (options: DemoOptions) => {
      const harnesses = options.harnesses.split(',').map((h) => h.trim()).filter(Boolean);
      const unknown = harnesses.filter((h) => !isKnownHarness(h));
      if (unknown.length) throw new UsageError(`unknown harness(es): ${unknown.join(', ')} (known: ${harnessNames().join(', ')})`);
      const run: RunOptions = {
        tasks: options.tasks ?? (options.full ? 'all' : DEMO_TASKS.join(',')), bundled: true, models: options.models, harness: harnesses.join(','),
        trials: options.trials ?? (options.full ? DEMO_TRIALS.full : DEMO_TRIALS.quick), concurrency: options.concurrency,
        agentTimeoutMultiplier: 1, testTimeoutMultiplier: 1, seed: 1, name: `demo · ${harnesses.join(' vs ')}`,
        ...(options.db ? { db: options.db } : {}), ...(options.dockerHost ? { dockerHost: options.dockerHost } : {}),
      };
      const summary = await executeRun(run, firstLeaderboard());
      if (summary.status === 'cancelled') {
        process.exitCode = 130;
        return;
      }
      const store = await openCliStore(options.db);
      try {
        const report = reportFromStore(store, [summary.runId], { generatedAt: new Date().toISOString() });
        const out = options.out ?? join(dirname(options.db ?? DEFAULT_DB), 'report.html');
        mkdirSync(dirname(resolve(out)), { recursive: true });
        writeFileSync(out, renderHtmlReport(report));
        process.stdout.write(`\n${formatLeaderboard(report)}\nHTML report: ${resolve(out)}\nrun: ${summary.runId}\n`);
      } finally {
        await store.close();
      }
    });
}

/**
 * A run observer that prints the leaderboard once, as soon as every (model, harness) of the run has
 * a finished trial: the trials are interleaved, so that comes after about one task's worth of them.
 */
function firstLeaderboard(): (event: RunEvent, store: Store) => void {
  let printed = false;
  return (event, store) => {
    if (printed || event.type !== 'trial_finished') return;
    const trials = store.listTrials(event.runId);
    const groups = new Map<string, boolean>();
    for (const t of trials) {
      const key = `${t.modelId}\u0000${t.harness}`;
      groups.set(key, (groups.get(key) ?? false) || FINAL_STATUSES.has(t.status));
    }
    if ([...groups.values()].some((done) => !done)) return;
    printed = true;
    const done = trials.filter((t) => FINAL_STATUSES.has(t.status)).length;
    const report = reportFromStore(store, [event.runId], { generatedAt: new Date().toISOString(), comparisons: false, cache: false });
    process.stdout.write(`\nFirst results (${done} of ${trials.length} trials; the full leaderboard follows when the run ends):\n${formatLeaderboard(report)}\n`);
  };
}
