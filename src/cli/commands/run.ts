/** `kilobench run`: tasks × models × harness × trials, metered, recorded, resumable. */
import type { Command } from 'commander';
import { EXCLUDED_FROM_PASS_RATE } from '../../core/domain';
import { getHarness, harnessNames } from '../../core/harness';
import { knownModels, resolveModels } from '../../core/models';
import {
  BenchmarkSession, buildPlan, DEFAULT_SETTINGS, forcedOfflineWarning, planFromRecord, planHarnesses, planHarnessList, RUN_LIMITS, type NetworkSetting, type RunEvent, type RunPlan, type RunSummary,
} from '../../core/run';
import type { Store } from '../../core/store';
import { formatUsd, plural } from '../../core/format';
import { UsageError } from '../errors';
import { progressReporter, type ProgressReporter } from '../progress';
import { DEFAULT_DB, openCliStore } from '../store';
import { forecastFromStore, formatForecast } from '../../core/report';
import { formatTable } from '../table';
import { loadCliTasks, selectTasks } from './tasks';
import { collect, nonNegativeNumber, positiveInt, positiveNumber } from '../options';
import { checkRegistryHost, EngineConfigError, enginesFromHosts, readEnginesConfig, resolveDockerHost, type EngineEntry } from '../../core/runtime';

/** The engine pool the options name: an engines file, or several --docker-host; undefined for one engine. */
export function enginesFromOptions(options: Pick<RunOptions, 'dockerHost' | 'engines' | 'registry'>): EngineEntry[] | undefined {
  return poolFromOptions(options).engines;
}

/**
 * The engine pool and registry the options name: an engines file, or several --docker-host (one
 * engine with --registry is a pool of one); `--registry` wins over the file's `registry:`.
 */
export function poolFromOptions(options: Pick<RunOptions, 'dockerHost' | 'engines' | 'registry'>): { engines?: EngineEntry[]; registry?: string } {
  const hosts = options.dockerHost === undefined ? [] : ([] as string[]).concat(options.dockerHost);
  const registry = options.registry === undefined ? undefined : checkRegistryHost(options.registry, '--registry');
  if (options.engines) {
    if (hosts.length) throw new EngineConfigError('give either --engines FILE or --docker-host, not both');
    const file = readEnginesConfig(options.engines);
    const shared = registry ?? file.registry;
    return { engines: file.engines, ...(shared ? { registry: shared } : {}) };
  }
  if (hosts.length > 1) return { engines: enginesFromHosts(hosts), ...(registry ? { registry } : {}) };
  if (registry) return { engines: enginesFromHosts([hosts[0] ?? resolveDockerHost() ?? 'unix:///var/run/docker.sock']), registry };
  return {};
}

export interface RunOptions {
  tasks?: string;
  path?: string[];
  bundled: boolean;
  models?: string;
  harness: string;
  trials: number;
  concurrency: number;
  budgetUsd?: number;
  trialBudgetUsd?: number;
  agentTimeoutMultiplier: number;
  testTimeoutMultiplier: number;
  seed: number;
  db?: string;
  /** One engine, or several (repeated): a pool. */
  dockerHost?: string | string[];
  /** An engines file (YAML/JSON): hosts with capacity, labels, TLS/SSH credentials. */
  engines?: string;
  /** HOST:PORT of a registry the engines share task images through. */
  registry?: string;
  resume?: string;
  name?: string;
  json?: boolean;
  modelsFile?: string[];
  network?: string;
  dockerNetwork?: string;
  buildImages?: boolean;
  /** Print the forecast of the plan and stop. */
  dryRun?: boolean;
  /** Start even when the forecast says the run will likely cross its budget. */
  yes?: boolean;
}

/** The plan for a new run, from the command line; every mistake is a usage error. */
export async function planFromOptions(options: RunOptions): Promise<RunPlan> {
  let harness: ReturnType<typeof getHarness>;
  try {
    // One harness or several (`kilo@7.7.2,kilo@7.7.9`); unknown names, bad versions and command
    // presets whose file has a mistake are told here (the message says which).
    harness = planHarnessList(options.harness)[0] as ReturnType<typeof getHarness>;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const tasks = selectTasks(await loadCliTasks(options.path ?? [], options.bundled), options.tasks);
  const invalid = tasks.filter((t) => t.errors.length);
  if (invalid.length) throw new UsageError(`invalid ${invalid.length === 1 ? 'task' : 'tasks'}: ${invalid.map((t) => t.id).join(', ')} (see \`kilobench tasks\`)`);
  if (tasks.length === 0) throw new UsageError('no tasks to run');
  let models: RunPlan['models'] = [];
  if (harness.needsModel) {
    if (!options.models) throw new UsageError(`the ${harness.name} harness needs --models (e.g. --models sim/direct,sim/explorer)`);
    models = resolveModels(options.models.split(',').map((s) => s.trim()).filter(Boolean), knownModels(options.modelsFile));
  }
  return buildPlan({
    tasks, models, harness: options.harness,
    settings: {
      trialsPerPair: options.trials,
      concurrency: options.concurrency,
      agentTimeoutMultiplier: options.agentTimeoutMultiplier,
      testTimeoutMultiplier: options.testTimeoutMultiplier,
      seed: options.seed,
      budgetUsd: options.budgetUsd,
      trialBudgetUsd: options.trialBudgetUsd,
      ...(options.network ? { network: options.network as NetworkSetting } : {}),
      ...(options.dockerNetwork ? { dockerNetwork: options.dockerNetwork } : {}),
      ...(options.buildImages ? { buildImages: true } : {}),
    },
    ...(options.name ? { name: options.name } : {}),
  });
}

/** Per model: attempts, passes and spend, as a quick summary (the full report: `kilobench report`). */
export function summaryTable(session: BenchmarkSession, runId: string): string {
  const rows = new Map<string, { attempts: number; passed: number; errors: number; cost: number; unpriced: boolean }>();
  const trials = session.store.listTrials(runId);
  // A run of several harnesses (versions) gets a row per (model, harness).
  const several = new Set(trials.map((t) => t.harness)).size > 1;
  for (const t of trials) {
    const key = several ? `${t.modelId} · ${t.harness}` : t.modelId;
    const row = rows.get(key) ?? { attempts: 0, passed: 0, errors: 0, cost: 0, unpriced: false };
    if (EXCLUDED_FROM_PASS_RATE.has(t.status)) row.errors++;
    else row.attempts++;
    if (t.status === 'passed') row.passed++;
    if (t.costUsd === null && t.status !== 'cancelled') row.unpriced ||= t.costFlags.includes('unpriced');
    row.cost += t.costUsd ?? 0;
    rows.set(key, row);
  }
  return formatTable(['MODEL', 'PASSED', 'ATTEMPTS', 'ERRORS', 'SPEND'], [...rows].map(([model, r]) => [
    model, String(r.passed), String(r.attempts), String(r.errors), `${formatUsd(r.cost)}${r.unpriced ? ' + unpriced' : ''}`,
  ]));
}

/** The forecast of a new run's plan, from the store's earlier trials; touches neither Docker nor the store's data. */
export async function printEstimate(options: RunOptions): Promise<void> {
  if (options.resume) throw new UsageError('--dry-run and estimate take a new plan, not --resume');
  const plan = await planFromOptions(options);
  const store = await openCliStore(options.db);
  try {
    const forecast = forecastFromStore(store, plan);
    process.stdout.write(options.json ? `${JSON.stringify(forecast)}\n` : formatForecast(forecast));
  } finally {
    await store.close();
  }
}

/**
 * Start (or resume) a run from command-line options, with live progress; the session is closed after.
 * `observe` sees every run event with the session's store (the demo prints a first leaderboard from it).
 */
export async function executeRun(options: RunOptions, observe?: (event: RunEvent, store: Store) => void): Promise<RunSummary> {
  // A new run's mistakes (models file, missing key, tasks, settings) are told before Docker or the store is touched.
  const newPlan = options.resume ? undefined : await planFromOptions(options);
  const { engines, registry } = poolFromOptions(options);
  const oneHost = ([] as string[]).concat(options.dockerHost ?? [])[0];
  const session = await BenchmarkSession.open({
    dbPath: options.db ?? DEFAULT_DB,
    ...(engines ? { engines } : oneHost ? { dockerHost: oneHost } : {}),
    ...(registry ? { registry } : {}),
    onStoreWarning: (w) => process.stderr.write(`kilobench: store: ${w.message}\n`),
  });
  const abort = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    process.stderr.write('\ncancelling: removing containers, marking trials cancelled (Ctrl-C again to quit at once)…\n');
    abort.abort();
  };
  process.on('SIGINT', onSigint);
  let progress: ProgressReporter | undefined;
  try {
    let plan: RunPlan;
    if (options.resume) {
      const record = session.store.getRun(options.resume);
      if (!record) throw new UsageError(`no run ${options.resume} in ${session.store.path} (see \`kilobench runs\`)`);
      plan = await planFromRecord(record);
    } else {
      plan = newPlan as RunPlan;
      // Before a run that will likely cross its budget starts, say so and ask for --yes.
      const forecast = forecastFromStore(session.store, plan);
      if (!options.json) process.stderr.write(formatForecast(forecast));
      if (forecast.budget?.likelyCross && !options.yes) {
        throw new UsageError(`the forecast spend is above --budget-usd ${plan.settings.budgetUsd}: the run would likely stop at its budget with trials not run; add --yes to start it anyway, or raise the budget`);
      }
    }
    const harness = getHarness(plan.harness);
    progress = progressReporter({ json: Boolean(options.json), tty: Boolean(process.stderr.isTTY) });
    const report = progress.onEvent;
    const onEvent = observe ? (event: RunEvent) => { report(event); observe(event, session.store); } : report;
    const offline = forcedOfflineWarning(plan.tasks, plan.settings.network);
    if (offline) process.stderr.write(`kilobench: warning: ${offline}\n`);
    if (!options.json) process.stderr.write(`${options.resume ? 'resuming' : 'run'} ${plan.runId}: ${plural(plan.tasks.length, 'task')} × ${plural(plan.models.length || 1, 'model')} × ${plural(plan.settings.trialsPerPair, 'trial')}, harness ${planHarnesses(plan).join(', ')}\n`);
    const summary = options.resume
      ? await session.resume(plan, harness, { signal: abort.signal, onEvent })
      : await session.start(plan, harness, { signal: abort.signal, onEvent });
    if (!options.json) {
      process.stdout.write(`\n${summaryTable(session, plan.runId)}\n\nrun ${plan.runId} ${summary.status}; details: kilobench report ${plan.runId}\n`);
    }
    return summary;
  } finally {
    progress?.close();
    process.removeListener('SIGINT', onSigint);
    await session.close();
  }
}

export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description('Run tasks × models through a harness in Docker, several trials each, metering every LLM call.')
    .option('-t, --tasks <ids>', 'comma-separated task ids, or "all"', 'all')
    .option('-p, --path <dir>', 'a task folder or a folder of tasks (repeatable)', collect)
    .option('--no-bundled', 'leave out the tasks bundled with KiloBench')
    .option('-m, --models <ids>', 'comma-separated model ids (from kilobench.models.json, or sim/<profile>)')
    .option('--models-file <file>', 'a models file (repeatable; default: ./kilobench.models.json and ~/.config/kilobench/models.json)', collect)
    .option('-H, --harness <name>', `harness: ${harnessNames().join(', ')}; a version with @ (kilo@7.7.9, command:claude-code@2.1.x); several to compare, comma-separated (kilo@7.7.2,kilo@7.7.9)`, 'builtin')
    .option('-n, --trials <n>', 'trials per (task, model) pair', positiveInt('--trials', RUN_LIMITS.trialsPerPair), DEFAULT_SETTINGS.trialsPerPair)
    .option('-c, --concurrency <n>', 'trials at the same time', positiveInt('--concurrency', RUN_LIMITS.concurrency), DEFAULT_SETTINGS.concurrency)
    .option('--budget-usd <x>', 'stop starting trials once the run has spent this much', nonNegativeNumber('--budget-usd'))
    .option('--trial-budget-usd <x>', 'stop a trial once it has spent this much', nonNegativeNumber('--trial-budget-usd'))
    .option('--agent-timeout-multiplier <x>', "multiply every task's agent time limit", positiveNumber('--agent-timeout-multiplier', RUN_LIMITS.timeoutMultiplier), 1)
    .option('--test-timeout-multiplier <x>', "multiply every task's test time limit", positiveNumber('--test-timeout-multiplier', RUN_LIMITS.timeoutMultiplier), 1)
    .option('--seed <n>', 'seed for everything random (simulated models, bootstrap)', positiveInt('--seed'), DEFAULT_SETTINGS.seed)
    .option('--name <text>', 'a name for the run')
    .option('--resume <runId>', 'run the trials of an earlier run that have no final status (after a crash, kill or cancel)')
    .option('--db <file>', `results database (default: ${DEFAULT_DB})`)
    .option('--docker-host <url>', 'Docker engine: unix://, tcp:// or ssh://user@host (default: DOCKER_HOST or the local socket); repeat for a pool of engines, --concurrency trials on each', collect)
    .option('--engines <file>', 'a pool of Docker engines with capacity, labels and TLS/SSH credentials (YAML or JSON; see README)')
    .option('--registry <host:port>', 'a registry the engines share task images through: each is built once, pushed, and pulled by the other engines')
    .option('--network <mode>', 'task: each task\'s own network (default); none: no task gets one (offline); host: the host\'s network (opt-in, shares its loopback)')
    .option('--docker-network <name>', 'an existing Docker network for tasks with network, instead of one made for the run')
    .option('--build-images', 'build every task image from its Dockerfile, even when the task names a prebuilt image')
    .option('--json', 'one JSON line per event on stdout instead of the progress line')
    .option('--dry-run', 'print the forecast (expected spend and wall time with a 95% interval) and stop; same as `kilobench estimate`')
    .option('--yes', 'start even when the forecast says the run will likely cross --budget-usd')
    .addHelpText('after', '\nKeys are never given on the command line: a models file names the environment variable that holds each key.\nExit code: 0 when the run finished, 1 on failure, 2 on bad usage, 130 when cancelled.')
    .action(async (options: RunOptions) => {
      if (options.dryRun) {
        await printEstimate(options);
        return;
      }
      const summary = await executeRun(options);
      if (summary.status === 'cancelled') process.exitCode = 130;
    });
}
