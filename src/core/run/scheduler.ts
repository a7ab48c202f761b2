/**
 * Starts and resumes runs: records the plan in the store, opens the run's engines (each with its
 * model channel), and hands the trials to the pool (trial-pool.ts), which places them on engines and
 * runs each with its retries (trial-attempt.ts) through the metering proxy (model-access.ts). It
 * cancels cleanly (running containers removed, trials marked `cancelled`) and resumes a run by
 * running exactly the trials that have no final status.
 */
import { LABELS, type ContainerRuntime, type NetworkInfo } from '../runtime/container-runtime';
import { pruneContainers, pruneNetworks } from '../runtime/reaper';
import type { MeteringProxy, MeteredCall } from '../meter';
import { redactDeep } from '../meter/redact';
import type { SimProvider } from '../providers/sim';
import type { Harness } from '../harness/harness';
import type { Store } from '../store';
import { planTrials, type PlannedTrial, type RunPlan } from './plan';
import type { RunEvent, RunProgress } from './events';
import { TrialRecorder } from './trial-recorder';
import type { TrialStatus } from '../domain';
import { openModelChannel } from './model-channel';
import { runSecrets } from './model-access';
import { CallFeeds } from './call-feeds';
import { RateLimitGate } from './rate-limit-gate';
import { EnginePlacement, fits, type PoolEngine } from './engine-placement';
import { TrialPool, taskNeeds } from './trial-pool';
import { prebuildTaskImages } from './image-prebuild';
import type { HarnessMounts } from './trial-attempt';

export { MAX_RATE_LIMIT_RETRIES } from './trial-attempt';

/** One Docker engine of a run's pool, as the caller opened it. */
export interface EngineSpec {
  /** How progress lines, the store and reports name it. */
  name: string;
  runtime: ContainerRuntime;
  /** Trials at once. */
  capacity: number;
  /** What it offers one container (placement skips it for bigger tasks); undefined when unknown. */
  cpus?: number;
  memoryMb?: number;
  labels?: Record<string, string>;
  /**
   * How its containers reach the metering proxy at a network's gateway address: by default the proxy
   * listens there itself (engines on this machine); a remote engine brings the traffic back through
   * its own connection (e.g. an SSH remote forward).
   */
  listenOn?: (address: string) => Promise<{ url: string; close(): Promise<void> }>;
  /** Its containers reach the proxy through a relay on their network (model-channel.ts, `relay`). */
  relayOn?: (network: NetworkInfo) => Promise<{ url: string; ensure?(): Promise<void>; close(): Promise<void> }>;
}

export interface SchedulerDeps {
  runtime: ContainerRuntime;
  store: Store;
  meter: MeteringProxy;
  /** Needed when a plan uses simulated models. */
  sim?: SimProvider;
  harness: Harness;
  /** Environment to read model keys from (by the variable a model names). */
  env?: NodeJS.ProcessEnv;
  /** Read-only mounts and environment the harness needs in every container (e.g. the Kilo binary). */
  harnessMounts?: HarnessMounts;
  /**
   * The other harnesses of a plan with several (`RunPlan.harnesses`), by name, each with its own
   * mounts (each Kilo version mounts its own folder). `harness` and `harnessMounts` serve the rest.
   */
  harnesses?: ReadonlyMap<string, { harness: Harness; mounts?: HarnessMounts }>;
  /** The engines trials are placed on; default: `runtime` alone, `concurrency` trials at once. */
  engines?: EngineSpec[];
}

/** The harness (and mounts) a trial runs with. */
function harnessOf(deps: SchedulerDeps, name: string): { harness: Harness; mounts?: HarnessMounts } {
  const other = deps.harnesses?.get(name);
  if (other) return other;
  if (name !== deps.harness.name && deps.harnesses?.size) throw new Error(`no harness "${name}" was prepared for this run`);
  return { harness: deps.harness, ...(deps.harnessMounts ? { mounts: deps.harnessMounts } : {}) };
}

export interface SchedulerOptions {
  signal?: AbortSignal;
  onEvent?: (event: RunEvent) => void;
  /** Only these trial ids (resume); default: every trial of the plan. */
  only?: ReadonlySet<string>;
  /** Milliseconds to wait before retrying an infrastructure error (doubles each time). */
  retryDelayMs?: number;
  /** Milliseconds to back off after a trial was stopped by provider rate limits (doubles each time). */
  rateLimitDelayMs?: number;
}

export interface RunSummary {
  runId: string;
  status: 'finished' | 'cancelled';
  progress: RunProgress;
  outcomes: Map<string, TrialStatus>;
}

/** Plan a new run in the store (run, task snapshots, queued trials) and run it. */
export async function startRun(plan: RunPlan, deps: SchedulerDeps, options: SchedulerOptions = {}): Promise<RunSummary> {
  const recorder = new TrialRecorder(deps.store, plan.runId, runSecrets(plan, deps.env ?? process.env));
  recorder.createRun(plan.name, {
    tasks: plan.tasks.map((t) => t.id),
    models: plan.models.map((m) => m.id),
    harness: plan.harness,
    ...(plan.harnesses && plan.harnesses.length > 1 ? { harnesses: [...plan.harnesses] } : {}),
    trialsPerPair: plan.settings.trialsPerPair,
    taskPaths: plan.tasks.map((t) => t.path),
    modelSpecs: plan.models.map((m) => ({ ...m, price: m.price ? { ...m.price } : null })),
  }, { ...plan.settings });
  const trials = await recordPlan(plan, recorder, deps.store, options);
  return executeTrials(plan, trials, recorder, deps, options);
}

/**
 * Records the task snapshots and queued trials of the plan that the store does not hold yet: all of
 * them for a new run, the rest for a run whose process died while it was recording them.
 */
async function recordPlan(plan: RunPlan, recorder: TrialRecorder, store: Store, options: SchedulerOptions): Promise<PlannedTrial[]> {
  const snapshotted = new Set(store.getTaskSnapshots(plan.runId).map((s) => s.taskId));
  for (const task of plan.tasks) if (!snapshotted.has(task.id)) await recorder.snapshotTask(task);
  const recorded = new Set(store.listTrials(plan.runId).map((t) => t.id));
  const trials = planTrials(plan);
  for (const t of trials.filter((t) => !recorded.has(t.id))) {
    recorder.queue({ id: t.id, taskId: t.task.id, modelId: t.model?.id ?? t.harness, harness: t.harness, trialIndex: t.trialIndex, seed: t.seed });
    options.onEvent?.({ type: 'trial_queued', runId: plan.runId, trialId: t.id, taskId: t.task.id, modelId: t.model?.id ?? t.harness, trialIndex: t.trialIndex });
  }
  return trials;
}

/** Run the trials of a stored run that have no final status (after a crash, a kill -9 or a cancel). */
export async function resumeRun(plan: RunPlan, deps: SchedulerDeps, options: SchedulerOptions = {}): Promise<RunSummary> {
  const recorder = new TrialRecorder(deps.store, plan.runId, runSecrets(plan, deps.env ?? process.env));
  const planned = await recordPlan(plan, recorder, deps.store, options);
  const unfinished = new Set(deps.store.unfinishedTrials(plan.runId).map((t) => t.id));
  const trials = planned.filter((t) => unfinished.has(t.id) && (!options.only || options.only.has(t.id)));
  deps.store.append({ type: 'run_updated', runId: plan.runId, patch: { status: 'running', finishedAt: null } });
  return executeTrials(plan, trials, recorder, deps, options);
}

/**
 * The engines of the run, each with its own model channel; the deps' `runtime` alone when the deps
 * name no pool (`concurrency` trials at once).
 */
function openEngines(plan: RunPlan, deps: SchedulerDeps): PoolEngine[] {
  const specs: EngineSpec[] = deps.engines?.length ? deps.engines : [{ name: 'local', runtime: deps.runtime, capacity: Math.max(1, plan.settings.concurrency) }];
  return specs.map((spec) => {
    const channelOptions = (): Parameters<typeof openModelChannel>[0] => ({
      runtime: spec.runtime, runId: plan.runId,
      // A remote engine's containers reach the proxy through the engine's own connection (a tunnel).
      meter: { url: deps.meter.url, listenOn: spec.listenOn ?? ((address: string) => deps.meter.listenOn(address)) },
      ...(plan.settings.network ? { setting: plan.settings.network } : {}),
      ...(plan.settings.dockerNetwork ? { dockerNetwork: plan.settings.dockerNetwork } : {}),
      ...(spec.relayOn ? { relayOn: spec.relayOn } : {}),
    });
    const engine: PoolEngine = {
      name: spec.name, runtime: spec.runtime, capacity: spec.capacity, labels: spec.labels ?? {},
      ...(spec.cpus !== undefined ? { cpus: spec.cpus } : {}),
      ...(spec.memoryMb !== undefined ? { memoryMb: spec.memoryMb } : {}),
      channel: openModelChannel(channelOptions()),
      alive: () => spec.runtime.ping().then(() => true, () => false),
      rejoin: async () => {
        // What the loss left: the run's containers on that engine (their trials run elsewhere now),
        // and a channel whose networks and listeners may be gone with the daemon.
        await removeRunContainers(spec.runtime, plan.runId);
        await engine.channel.close();
        engine.channel = openModelChannel(channelOptions());
      },
    };
    return engine;
  });
}

async function removeRunContainers(runtime: ContainerRuntime, runId: string): Promise<void> {
  for (const c of await runtime.listLabelled()) if (c.labels[LABELS.run] === runId) await runtime.remove(c.id);
}

async function executeTrials(plan: RunPlan, trials: PlannedTrial[], recorder: TrialRecorder, deps: SchedulerDeps, options: SchedulerOptions): Promise<RunSummary> {
  const { meter } = deps;
  const env = deps.env ?? process.env;
  const signal = options.signal ?? new AbortController().signal;
  const secrets = runSecrets(plan, env);
  const emit = (event: RunEvent) => options.onEvent?.(redactDeep(event, secrets));
  const ours = new Set(trials.map((t) => t.id));
  const engines = openEngines(plan, deps);

  // Containers and networks a crashed earlier process left behind go first, on every engine that answers.
  for (const engine of engines) {
    await pruneContainers(engine.runtime, { activeRuns: [] }).catch(() => undefined);
    await pruneNetworks(engine.runtime, { activeRuns: [] }).catch(() => undefined);
  }
  if (plan.settings.budgetUsd !== undefined) {
    meter.setRunBudget(plan.runId, { usd: plan.settings.budgetUsd });
    // A resumed run's budget also covers what its earlier, killed or cancelled, processes spent.
    meter.carryOverRunSpend(plan.runId, recorder.runSpendUsd());
  }
  const engineStatus = (engine: string, status: 'lost' | 'rejoined' | 'all_lost', message: string) => emit({ type: 'engine_status', runId: plan.runId, engine, status, message });
  const placement = new EnginePlacement(engines, {
    lost: (e, error) => engineStatus(e.name, 'lost', `engine ${e.name} stopped answering (${error}); its trials move to the other engines and it is retried with back-off`),
    rejoined: (e) => engineStatus(e.name, 'rejoined', `engine ${e.name} answers again and takes trials`),
    paused: (all) => engineStatus(all.map((e) => e.name).join(', '), 'all_lost', `every engine of the run is lost (${all.map((e) => e.name).join(', ')}): the run waits until one answers again (cancel to stop)`),
  });
  const rateLimits = new RateLimitGate();
  const feeds = new CallFeeds();
  const pool = new TrialPool({
    plan, recorder, meter, placement, signal, emit,
    attempt: {
      plan, recorder, meter, env, signal, emit, feeds, rateLimits,
      ...(deps.sim ? { sim: deps.sim } : {}),
      harnessOf: (name) => harnessOf(deps, name),
      ...(options.retryDelayMs !== undefined ? { retryDelayMs: options.retryDelayMs } : {}),
      ...(options.rateLimitDelayMs !== undefined ? { rateLimitDelayMs: options.rateLimitDelayMs } : {}),
    },
  }, trials.length);
  const onCall = (call: MeteredCall) => {
    if (call.runId !== plan.runId || !ours.has(call.trialId)) return;
    if (call.httpStatus === 429) rateLimits.hit(call.trialId);
    recorder.llmCall(call);
    feeds.deliver(call);
    emit({ type: 'llm_call', runId: plan.runId, trialId: call.trialId, call });
    pool.countCall(call.costUsd);
  };
  meter.on('call', onCall);
  emit({ type: 'run_started', runId: plan.runId, total: trials.length });
  // On a pool, every engine makes the images of the tasks it can hold before its first trial of
  // each needs them (one engine alone: the session already builds ahead on it).
  const prebuild = new AbortController();
  if (deps.engines?.length) {
    const options = { ...(plan.settings.buildImages ? { buildImages: true } : {}), signal: prebuild.signal };
    for (const engine of engines) void prebuildTaskImages(engine.runtime, plan.tasks.filter((t) => trials.some((p) => p.task === t) && fits(engine, taskNeeds(t))), options);
  }
  const stopOnAbort = () => {
    placement.stop();
    prebuild.abort();
  };
  signal.addEventListener('abort', stopOnAbort, { once: true });

  try {
    await pool.run(trials);
  } finally {
    signal.removeEventListener('abort', stopOnAbort);
    placement.stop();
    prebuild.abort();
    meter.off('call', onCall);
    // Whatever an engine lost mid-trial left behind (it may have come back after its trials moved).
    await Promise.allSettled(engines.map((e) => removeRunContainers(e.runtime, plan.runId)));
    await Promise.allSettled(engines.map((e) => e.channel.close()));
  }
  const status = signal.aborted ? 'cancelled' : 'finished';
  recorder.endRun(status);
  await deps.store.flush();
  const { progress, outcomes } = pool;
  emit({ type: 'run_finished', runId: plan.runId, status, progress: { ...progress } });
  return { runId: plan.runId, status, progress, outcomes };
}
