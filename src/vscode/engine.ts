/**
 * The editor's handle on the engine: one results store for every view (a process may hold only
 * one), opened on first need and released when idle so the `kilobench` CLI can use the same file;
 * the active run; and events for the views, in batches (a busy run emits dozens of events a second;
 * the views take a few updates a second). "Core is ready" has its own type, `Ready`: code that reads
 * results gets one from `ready()` and cannot reach the store without it.
 */
import * as vscode from 'vscode';
import { EventBatcher, type BenchmarkSession, type RunEvent, type RunPlan, type RunSummary } from '../core/run';
import type { Store } from '../core/store';
import type { RunStatusView } from '../protocol';
import { formatUsd, plural } from '../core/format';
import type { Config } from './config';
import { dirname } from 'node:path';
import { dockerUnreachable, EngineError } from './errors';
import { ignoreInsideWorkspace } from './storage';
import { loadCore, type Core } from './load-core';
import { applyRunEvent, isActive, retime, startingStatus, type TrialInfo } from './run-status';
import { forecastView } from './forecast-view';
import { describeChoice, engineChoice, type EngineChoice } from './engine-settings';

/** The engine loaded and the results store open. */
export interface Ready {
  core: Core;
  store: Store;
}

/** How long the store stays open after its last use when no run is going. */
const IDLE_CLOSE_MS = 20_000;

export class Engine implements vscode.Disposable {
  private store: Store | undefined;
  private opening: Promise<Ready> | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private active: { abort: AbortController; done: Promise<RunSummary> } | undefined;
  private lastStatus: RunStatusView | null = null;
  /** The active run's queued trials (task, model), so the status can name the running ones. */
  private trialInfo: TrialInfo = new Map();

  private readonly runEvents = new vscode.EventEmitter<readonly RunEvent[]>();
  private readonly statusChanged = new vscode.EventEmitter<RunStatusView | null>();
  private readonly storeChanged = new vscode.EventEmitter<void>();
  /** Every event of the active run, in order, in batches at most every UI_BATCH_INTERVAL_MS (progress snapshots coalesced). */
  readonly onRunEvents = this.runEvents.event;
  /** The active (or last) run's status, after each change (once per batch of run events at most). */
  readonly onStatus = this.statusChanged.event;
  /** Runs were added, changed or deleted (by us or, seen through the file, by the CLI). */
  readonly onStoreChanged = this.storeChanged.event;

  constructor(
    private readonly config: Config,
    private readonly storageDir: string,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  get dbPath(): string {
    return this.config.resultsPath(this.storageDir);
  }

  get status(): RunStatusView | null {
    return this.lastStatus;
  }

  get running(): boolean {
    return isActive(this.lastStatus);
  }

  /** The engine and an open store. Errors say what to do (another process holds the store, …). */
  async ready(): Promise<Ready> {
    this.touch();
    if (this.store) return { core: loadCore(), store: this.store };
    this.opening ??= (async () => {
      const core = loadCore();
      const path = this.dbPath;
      try {
        await ignoreInsideWorkspace(this.config.workspaceRoot, dirname(path));
        const store = await core.Store.open(path, { onWarning: (w) => this.log.warn(`results store: ${w.message}`) });
        this.store = store;
        this.log.info(`results store open: ${path}`);
        for (const run of core.markInterruptedRuns(store)) this.log.warn(core.describeInterrupted(run));
        return { core, store };
      } catch (e) {
        const err = e as Error & { code?: string };
        if (err.code === 'locked') {
          throw new EngineError(`The results database ${path} is in use by another process (a \`kilobench\` command?). Wait for it to finish, or point kilobench.resultsPath elsewhere. (${err.message})`,
            { label: 'Open Settings', command: 'workbench.action.openSettings', args: ['kilobench.resultsPath'] }, 'store');
        }
        throw e;
      } finally {
        this.opening = undefined;
      }
    })();
    const ready = await this.opening;
    this.touch();
    return ready;
  }

  /** Runs `read` with the store; the store stays open while it is used. */
  async read<T>(read: (ready: Ready) => T | Promise<T>): Promise<T> {
    const ready = await this.ready();
    try {
      return await read(ready);
    } finally {
      this.touch();
    }
  }

  notifyStoreChanged(): void {
    this.storeChanged.fire();
  }

  /** The one "a run is already going" rule: the editor runs one run at a time (a run started, or a status still live). */
  requireIdle(): void {
    if (this.active || this.running) throw new EngineError('A run is already going. Cancel it or wait for it to finish.', { label: 'Cancel Run', command: 'kilobench.cancelRun' });
  }

  /**
   * Runs a plan (or resumes one) to its end. One run at a time; the store stays open meanwhile.
   * `env` holds the keys of the models (from SecretStorage), by the variable names the plan's models name.
   */
  async run(plan: RunPlan, options: { env: NodeJS.ProcessEnv; resume?: boolean; signal?: AbortSignal }): Promise<RunSummary> {
    this.requireIdle();
    const abort = new AbortController();
    options.signal?.addEventListener('abort', () => abort.abort(), { once: true });
    this.trialInfo = new Map();
    this.setStatus(startingStatus(plan.runId, plan.name, 0));
    let resolveDone!: (s: RunSummary) => void;
    let rejectDone!: (e: unknown) => void;
    const done = new Promise<RunSummary>((res, rej) => { resolveDone = res; rejectDone = rej; });
    done.catch(() => undefined);
    this.active = { abort, done };
    let session: BenchmarkSession | undefined;
    const batcher = new EventBatcher((batch) => this.deliver(batch));
    try {
      const { core, store } = await this.ready();
      this.attachForecast(plan, () => forecastView(core.forecastFromStore(store, plan)));
      const engines = this.engineChoice(core);
      const pool = describeChoice(engines);
      if (pool) this.log.info(`engines of the run: ${pool}`);
      const host = 'dockerHost' in engines ? engines.dockerHost : undefined;
      session = await core.BenchmarkSession.open({
        dbPath: store.path, store, ...engines,
        log: (line) => this.log.debug(`proxy: ${line}`),
      }).catch((e: Error) => { throw dockerUnreachable(e, pool ?? core.describeHost(core.resolveDockerHost(host))); });
      const harness = core.getHarness(plan.harness);
      const run = { signal: abort.signal, onEvent: (event: RunEvent) => batcher.push(event), extra: { env: options.env } };
      this.log.info(`${options.resume ? 'resuming' : 'starting'} run ${plan.runId}: ${plural(plan.tasks.length, 'task')} × ${plural(plan.models.length || 1, 'model')} × ${plural(plan.settings.trialsPerPair, 'trial')}, harness ${plan.harness}`);
      const summary = options.resume ? await session.resume(plan, harness, run) : await session.start(plan, harness, run);
      this.log.info(`run ${plan.runId} ${summary.status}: ${summary.progress.done}/${summary.progress.total} trials, ${summary.progress.passed} passed, ${formatUsd(summary.progress.spendUsd)}`);
      resolveDone(summary);
      return summary;
    } catch (e) {
      batcher.flush(); // what the run said before it failed comes first
      this.log.error(`run ${plan.runId} failed: ${(e as Error).stack ?? e}`);
      if (this.lastStatus?.runId === plan.runId) this.setStatus({ ...this.lastStatus, state: 'failed', running: 0, message: (e as Error).message });
      rejectDone(e);
      throw e;
    } finally {
      batcher.dispose();
      this.active = undefined;
      await session?.close().catch((e: Error) => this.log.warn(`closing the run session: ${e.message}`));
      this.storeChanged.fire();
      this.touch();
    }
  }

  /** The run's engines from the settings (one, a pool, or the core's default); a bad setting throws with its fix. */
  engineChoice(core: Core = loadCore()): EngineChoice {
    const c = this.config;
    return engineChoice(core, { dockerHost: c.dockerHost, dockerHosts: c.dockerHosts, enginesFile: c.enginesFile, resolve: (p) => c.resolve(p) });
  }

  /** The forecast made when the run starts, kept in its status (live: spent so far + expected remaining). */
  private attachForecast(plan: RunPlan, make: () => RunStatusView['forecast']): void {
    try {
      const forecast = make();
      const status = this.lastStatus;
      if (status?.runId === plan.runId) this.setStatus(retime({ ...status, forecast }, Date.now(), status.asOf - status.elapsedMs, this.trialInfo));
    } catch (e) {
      this.log.warn(`forecast of run ${plan.runId}: ${(e as Error).message}`);
    }
  }

  /** Cancels the active run: containers removed, trials marked cancelled. Resolves when it has stopped. */
  async cancel(): Promise<boolean> {
    const active = this.active;
    if (!active) return false;
    if (this.lastStatus && isActive(this.lastStatus)) this.setStatus({ ...this.lastStatus, state: 'cancelling', message: 'cancelling: removing containers…' });
    active.abort.abort();
    await active.done.catch(() => undefined);
    return true;
  }

  /** Waits for the active run, if any. */
  async settled(): Promise<void> {
    await this.active?.done.catch(() => undefined);
  }

  /** One batch of run events to the views: the status once, the events, and "the store changed" once. */
  private deliver(batch: readonly RunEvent[]): void {
    let status = this.lastStatus;
    let storeChanged = false;
    for (const event of batch) {
      if (status) status = applyRunEvent(status, event, Date.now(), this.trialInfo);
      if (event.type === 'trial_queued' || event.type === 'trial_finished' || event.type === 'run_finished') storeChanged = true;
      if (event.type === 'trial_finished' && event.status !== 'passed' && event.status !== 'failed') {
        this.log.warn(`trial ${event.trialId}: ${event.status}${event.error ? ` — ${event.error}` : ''}`);
      }
    }
    if (status !== this.lastStatus) this.setStatus(status);
    this.runEvents.fire(batch);
    if (storeChanged) this.storeChanged.fire();
  }

  private setStatus(status: RunStatusView | null): void {
    this.lastStatus = status;
    this.statusChanged.fire(status);
  }

  /** Releases the store after a quiet spell, unless a run needs it. */
  private touch(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      if (this.active || this.opening || !this.store) return;
      const store = this.store;
      this.store = undefined;
      store.close().then(
        () => this.log.debug('results store released (idle)'),
        (e: Error) => this.log.warn(`closing the results store: ${e.message}`),
      );
    }, IDLE_CLOSE_MS);
  }

  async dispose(): Promise<void> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.active?.abort.abort();
    await this.settled();
    await this.store?.close().catch(() => undefined);
    this.store = undefined;
    this.runEvents.dispose();
    this.statusChanged.dispose();
    this.storeChanged.dispose();
  }
}
