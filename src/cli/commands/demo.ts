/**
 * `kilobench demo`: the main job on the embedded default. Every bundled task, the simulated
 * profiles, through the real Kilo CLI and the built-in agent, 3 trials each, on local Docker; then
 * the leaderboard of both harnesses side by side and the HTML report.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { harnessNames, isKnownHarness } from '../../core/harness';
import { formatLeaderboard, renderHtmlReport, reportFromStore } from '../../core/report';
import { UsageError } from '../errors';
import { DEFAULT_DB, openCliStore } from '../store';
import { executeRun, type RunOptions } from './run';
import { positiveInt } from '../options';
import { RUN_LIMITS } from '../../core/run';

export const DEMO_MODELS = ['sim/direct', 'sim/explorer', 'sim/flaky', 'sim/thinker'];
export const DEMO_HARNESSES = ['kilo', 'builtin'];

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('The main job on the bundled tasks: simulated models through the Kilo CLI and the built-in agent, then the leaderboard and an HTML report.')
    .option('-t, --tasks <ids>', 'comma-separated task ids, or "all"', 'all')
    .option('-m, --models <ids>', 'models (simulated by default: no keys, no network)', DEMO_MODELS.join(','))
    .option('-H, --harnesses <names>', 'harnesses to compare', DEMO_HARNESSES.join(','))
    .option('-n, --trials <n>', 'trials per (task, model) pair', positiveInt('--trials', RUN_LIMITS.trialsPerPair), 3)
    .option('-c, --concurrency <n>', 'trials at the same time', positiveInt('--concurrency', RUN_LIMITS.concurrency), 3)
    .option('-o, --out <file>', 'the HTML report (default: report.html beside the results database)')
    .option('--db <file>', `results database (default: ${DEFAULT_DB})`)
    .option('--docker-host <url>', 'Docker engine (default: DOCKER_HOST or the local socket)')
    .action(async (options: { tasks: string; models: string; harnesses: string; trials: number; concurrency: number; out?: string; db?: string; dockerHost?: string }) => {
      const harnesses = options.harnesses.split(',').map((h) => h.trim()).filter(Boolean);
      const unknown = harnesses.filter((h) => !isKnownHarness(h));
      if (unknown.length) throw new UsageError(`unknown harness(es): ${unknown.join(', ')} (known: ${harnessNames().join(', ')})`);
      const runIds: string[] = [];
      for (const harness of harnesses) {
        const run: RunOptions = {
          tasks: options.tasks, bundled: true, models: options.models, harness, trials: options.trials, concurrency: options.concurrency,
          agentTimeoutMultiplier: 1, testTimeoutMultiplier: 1, seed: 1, name: `demo · ${harness}`,
          ...(options.db ? { db: options.db } : {}), ...(options.dockerHost ? { dockerHost: options.dockerHost } : {}),
        };
        const summary = await executeRun(run);
        runIds.push(summary.runId);
        if (summary.status === 'cancelled') {
          process.exitCode = 130;
          return;
        }
      }
      const store = await openCliStore(options.db);
      try {
        const report = reportFromStore(store, runIds, { generatedAt: new Date().toISOString() });
        const out = options.out ?? join(dirname(options.db ?? DEFAULT_DB), 'report.html');
        mkdirSync(dirname(resolve(out)), { recursive: true });
        writeFileSync(out, renderHtmlReport(report));
        process.stdout.write(`\n${formatLeaderboard(report)}\nHTML report: ${resolve(out)}\nruns: ${runIds.join(', ')}\n`);
      } finally {
        await store.close();
      }
    });
}
