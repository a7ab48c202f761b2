/**
 * Runs a plan's trials with bounded concurrency, through the metering proxy, recording everything
 * in the store and telling listeners as it goes. It cancels cleanly (running containers removed,
 * trials marked `cancelled`), retries only infrastructure errors, and resumes a run by running
 * exactly the trials that have no final status.
 */
import { readFile } from 'node:fs/promises';
import pLimit from 'p-limit';
import type { ContainerRuntime } from '../runtime/container-runtime';
import { pruneContainers, pruneNetworks } from '../runtime/reaper';
import type { MeteringProxy, MeteredCall, Totals } from '../meter';
import { EXCLUDED_FROM_PASS_RATE, simUpstream, upstreamFor, type TrialStatus, type UpstreamConfig } from '../domain';
import { redactDeep } from '../meter/redact';
import type { SimProvider } from '../providers/sim';
import type { ProfileName } from '../providers/sim/profiles';
import type { ModelAccess, ModelSpec } from '../models/model-spec';
import type { Harness } from '../harness/harness';
import type { Store } from '../store';
import type { Task } from '../tasks/task';
import { planTrials, type PlannedTrial, type RunPlan } from './plan';
import type { RunEvent, RunProgress } from './events';
import { runTrial, type TrialOutcome } from './trial-runner';
import { TrialRecorder } from './trial-recorder';
import { openModelChannel } from './model-channel';
import { networkAccess } from './task-network';

/** Times a trial stopped by provider rate limits is run again after backing off. */
export const MAX_RATE_LIMIT_RETRIES = 3;

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
  harnessMounts?: { hostPath: string; containerPath: string }[];
  /**
   * The other harnesses of a plan with several (`RunPlan.harnesses`), by name, each with its own
   * mounts (each Kilo version mounts its own folder). `harness` and `harnessMounts` serve the rest.
   */
  harnesses?: ReadonlyMap<string, { harness: Harness; mounts?: { hostPath: string; containerPath: string }[] }>;
}

/** The harness (and mounts) a trial runs with. */
function harnessOf(deps: SchedulerDeps, name: string): { harness: Harness; mounts?: { hostPath: string; containerPath: string }[] } {
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

async function simSolution(task: Task): Promise<{ script: string } | { commands: string[] }> {
  if (task.solution.kind === 'script') return { script: await readFile(task.solution.path, 'utf8') };
  if (task.solution.kind === 'commands') return { commands: task.solution.commands.map((c) => c.command) };
  return { commands: [] };
}

function realUpstream(model: ModelSpec, env: NodeJS.ProcessEnv): UpstreamConfig {
  const apiKey = model.keyEnv ? env[model.keyEnv] : undefined;
  if (model.keyEnv && !apiKey) throw new Error(`model ${model.id}: the environment variable ${model.keyEnv} holding its key is not set`);
  return upstreamFor(model, apiKey);
}

/** The real keys of the run's models, kept out of everything recorded or emitted. */
function runSecrets(plan: RunPlan, env: NodeJS.ProcessEnv): string[] {
  return plan.models.flatMap((m) => (m.keyEnv && env[m.keyEnv] ? [env[m.keyEnv] as string] : []));
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

async function executeTrials(plan: RunPlan, trials: PlannedTrial[], recorder: TrialRecorder, deps: SchedulerDeps, options: SchedulerOptions): Promise<RunSummary> {
  const { runtime, meter } = deps;
  const env = deps.env ?? process.env;
  const signal = options.signal ?? new AbortController().signal;
  const secrets = runSecrets(plan, env);
  const emit = (event: RunEvent) => options.onEvent?.(redactDeep(event, secrets));
  const progress: RunProgress = { total: trials.length, done: 0, running: 0, passed: 0, failed: 0, errors: 0, spendUsd: 0, unpricedCalls: 0, startedAt: Date.now() };
  const outcomes = new Map<string, TrialStatus>();
  const ours = new Set(trials.map((t) => t.id));

  // Containers and networks a crashed earlier process left behind go first.
  await pruneContainers(runtime, { activeRuns: [] }).catch(() => undefined);
  await pruneNetworks(runtime, { activeRuns: [] }).catch(() => undefined);
  const channel = openModelChannel({
    runtime, meter, runId: plan.runId,
    ...(plan.settings.network ? { setting: plan.settings.network } : {}),
    ...(plan.settings.dockerNetwork ? { dockerNetwork: plan.settings.dockerNetwork } : {}),
  });
  if (plan.settings.budgetUsd !== undefined) {
    meter.setRunBudget(plan.runId, { usd: plan.settings.budgetUsd });
    // A resumed run's budget also covers what its earlier, killed or cancelled, processes spent.
    meter.carryOverRunSpend(plan.runId, recorder.runSpendUsd());
  }

  // Trials that met a rate limit (HTTP 429) in their current attempt, and when new trials may start again.
  const rateLimited = new Set<string>();
  let pausedUntil = 0;
  // Each running trial's calls, for its harness (HarnessContext.calls).
  const feeds = new Map<string, { calls: MeteredCall[]; listeners: Set<(call: MeteredCall) => void> }>();
  const onCall = (call: MeteredCall) => {
    if (call.runId !== plan.runId || !ours.has(call.trialId)) return;
    if (call.httpStatus === 429) rateLimited.add(call.trialId);
    recorder.llmCall(call);
    const feed = feeds.get(call.trialId);
    if (feed) {
      feed.calls.push(call);
      for (const listener of feed.listeners) {
        try {
          listener(call);
        } catch {
          // A harness's listener never stops the recording of calls.
        }
      }
    }
    if (call.costUsd === null) progress.unpricedCalls++;
    else progress.spendUsd += call.costUsd;
    emit({ type: 'llm_call', runId: plan.runId, trialId: call.trialId, call });
    emit({ type: 'run_progress', runId: plan.runId, progress: { ...progress } });
  };
  meter.on('call', onCall);
  emit({ type: 'run_started', runId: plan.runId, total: trials.length });

  const runBudgetSpent = (): boolean => {
    const { budgetUsd } = plan.settings;
    const spent = meter.totals(plan.runId);
    return budgetUsd !== undefined && spent !== undefined && (spent.budgetExceeded || spent.costUsd >= budgetUsd);
  };

  const finishTrial = (trial: PlannedTrial, status: TrialStatus, costUsd: number | null, durationMs: number, error?: string) => {
    outcomes.set(trial.id, status);
    progress.done++;
    if (status === 'passed') progress.passed++;
    else if (EXCLUDED_FROM_PASS_RATE.has(status)) progress.errors++;
    else progress.failed++;
    emit({ type: 'trial_finished', runId: plan.runId, trialId: trial.id, taskId: trial.task.id, modelId: trial.model?.id ?? trial.harness, status, costUsd, durationMs, ...(error ? { error } : {}) });
    emit({ type: 'run_progress', runId: plan.runId, progress: { ...progress } });
  };

  const runOne = async (trial: PlannedTrial): Promise<void> => {
    if (signal.aborted) {
      recorder.skip(trial.id, 'cancelled', 'cancelled before it started');
      finishTrial(trial, 'cancelled', null, 0);
      return;
    }
    if (runBudgetSpent()) {
      recorder.skip(trial.id, 'cancelled', `not started: the run budget of $${plan.settings.budgetUsd} was spent`);
      finishTrial(trial, 'cancelled', null, 0, 'run budget spent');
      return;
    }
    // A provider rate limit pauses the whole run, not just the trial that met it.
    if (pausedUntil > Date.now()) await new Promise((r) => setTimeout(r, pausedUntil - Date.now()));
    progress.running++;
    recorder.start(trial.id);
    emit({ type: 'trial_started', runId: plan.runId, trialId: trial.id });
    let outcome: TrialOutcome;
    let infraRetries = 0;
    let rateLimitRetries = 0;
    for (;;) {
      rateLimited.delete(trial.id);
      ({ outcome } = await attemptTrial(trial));
      if (signal.aborted) break;
      // Retry what says nothing about the model: infrastructure errors, and provider errors caused by
      // rate limits (after backing off). An agent's fail is never retried.
      let delay: number;
      if (outcome.status === 'infra_error' && infraRetries < plan.settings.maxInfraRetries) {
        delay = (options.retryDelayMs ?? 2000) * 2 ** infraRetries++;
        recorder.finding(trial.id, { kind: 'infra_retry', attempt: infraRetries, error: outcome.error ?? '' });
      } else if (outcome.status === 'provider_error' && rateLimited.has(trial.id) && rateLimitRetries < MAX_RATE_LIMIT_RETRIES) {
        delay = (options.rateLimitDelayMs ?? 15_000) * 2 ** rateLimitRetries++;
        pausedUntil = Math.max(pausedUntil, Date.now() + delay);
        recorder.finding(trial.id, { kind: 'rate_limited', attempt: rateLimitRetries, backoffMs: delay, error: outcome.error ?? '' });
      } else break;
      await new Promise((r) => setTimeout(r, delay));
      recorder.beginAttempt(trial.id);
    }
    progress.running--;
    recorder.finish(trial.id, outcome);
    finishTrial(trial, outcome.status, recorder.spend(trial.id).costUsd, outcome.durationMs, outcome.error);
  };

  const attemptTrial = async (trial: PlannedTrial): Promise<{ outcome: TrialOutcome; totals: Totals | undefined }> => {
    let handle: { unregister(): void } | undefined;
    let simSession: string | undefined;
    const feed = { calls: [] as MeteredCall[], listeners: new Set<(call: MeteredCall) => void>() };
    feeds.set(trial.id, feed);
    try {
      const { harness, mounts } = harnessOf(deps, trial.harness);
      const networks = await channel.trialNetworks(networkAccess(trial.task, plan.settings.network), harness.modelInContainer);
      let model: ModelAccess | undefined;
      if (harness.needsModel && trial.model) {
        const spec = trial.model;
        let upstream: UpstreamConfig;
        if (spec.provider === 'sim') {
          if (!deps.sim) throw new Error('simulated models need the simulated provider');
          simSession = deps.sim.registerSession({ profile: spec.model.replace(/^sim\//, '') as ProfileName, seed: trial.seed, solution: await simSolution(trial.task) });
          upstream = simUpstream(spec, `${deps.sim.url}/s/${simSession}`);
        } else {
          upstream = realUpstream(spec, env);
        }
        const registered = meter.registerTrial({
          trialId: trial.id, runId: plan.runId, upstream,
          ...(plan.settings.trialBudgetUsd !== undefined ? { budget: { usd: plan.settings.trialBudgetUsd } } : {}),
          ...(spec.price ? { prices: { [spec.id]: spec.price, [spec.model]: spec.price } } : {}),
        });
        handle = registered;
        // A harness inside the container reaches the proxy through the channel; one beside it, on loopback.
        const trialUrl = networks.proxyOrigin ? `${networks.proxyOrigin}/t/${registered.token}` : registered.baseUrl;
        model = {
          id: spec.id, providerModel: spec.model, protocol: spec.protocol,
          // The trial URL stands in for the provider's base URL (domain/providers.ts).
          baseUrl: trialUrl,
          apiKey: registered.token, simulated: spec.simulated,
        };
      }
      const outcome = await runTrial(runtime, {
        runId: plan.runId, trialId: trial.id, task: trial.task, harness,
        agentTimeoutMultiplier: plan.settings.agentTimeoutMultiplier,
        testTimeoutMultiplier: plan.settings.testTimeoutMultiplier,
        seed: trial.seed, network: networks,
        ...(plan.settings.buildImages ? { buildImages: true } : {}),
        ...(model ? { model } : {}),
        ...(mounts ? { readOnlyMounts: mounts } : {}),
      }, {
        signal,
        onPhase: (phase) => emit({ type: 'trial_phase', runId: plan.runId, trialId: trial.id, phase }),
        onTranscript: (entry) => {
          recorder.transcript(trial.id, entry);
          if (entry.kind === 'tool_call' || entry.kind === 'command') emit({ type: 'tool_call', runId: plan.runId, trialId: trial.id, entry });
        },
        calls: {
          list: () => feed.calls,
          subscribe: (listener) => {
            feed.listeners.add(listener);
            return () => feed.listeners.delete(listener);
          },
        },
        onFinding: (finding) => recorder.finding(trial.id, finding),
      });
      const totals = meter.totals(trial.id);
      // A trial the proxy stopped for its budget ends as budget_exceeded unless it passed anyway.
      if (totals?.budgetExceeded && outcome.status !== 'passed' && outcome.status !== 'cancelled') {
        return { outcome: { ...outcome, status: 'budget_exceeded', error: outcome.error ?? 'the trial or run budget was spent' }, totals };
      }
      return { outcome, totals };
    } catch (e) {
      const now = new Date().toISOString();
      const outcome: TrialOutcome = {
        status: 'infra_error', tests: [], testsPassed: 0, testsFailed: 0, error: (e as Error).message,
        startedAt: now, finishedAt: now, durationMs: 0, buildMs: 0, agentMs: 0, testMs: 0,
      };
      return { outcome, totals: meter.totals(trial.id) };
    } finally {
      feeds.delete(trial.id);
      handle?.unregister();
      if (simSession) deps.sim?.unregisterSession(simSession);
    }
  };

  try {
    const limit = pLimit(Math.max(1, plan.settings.concurrency));
    await Promise.all(trials.map((trial) => limit(() => runOne(trial))));
  } finally {
    meter.off('call', onCall);
    await channel.close();
  }
  const status = signal.aborted ? 'cancelled' : 'finished';
  recorder.endRun(status);
  await deps.store.flush();
  emit({ type: 'run_finished', runId: plan.runId, status, progress: { ...progress } });
  return { runId: plan.runId, status, progress, outcomes };
}
