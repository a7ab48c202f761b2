/**
 * One trial on the engine the pool placed it on: each attempt (model access, networks, the trial
 * itself) and the retries of what says nothing about the model: infrastructure errors (after a
 * back-off; on another engine when the engine itself is gone) and provider errors caused by rate
 * limits (after pausing the run). An agent's fail is never retried.
 */
import type { MeteringProxy } from '../meter';
import type { SimProvider } from '../providers/sim';
import type { ContainerRuntime } from '../runtime/container-runtime';
import type { Harness } from '../harness/harness';
import type { PlannedTrial, RunPlan } from './plan';
import type { RunEvent } from './events';
import { runTrial, type TrialOutcome } from './trial-runner';
import type { TrialRecorder } from './trial-recorder';
import type { ModelChannel } from './model-channel';
import { networkAccess } from './task-network';
import { openModelAccess, type OpenedModelAccess } from './model-access';
import type { CallFeeds } from './call-feeds';
import type { RateLimitGate } from './rate-limit-gate';

/** Times a trial stopped by provider rate limits is run again after backing off. */
export const MAX_RATE_LIMIT_RETRIES = 3;
/** Times a trial is moved to another engine because its engine went away under it. */
export const MAX_ENGINE_MOVES = 5;

export type HarnessMounts = { hostPath: string; containerPath: string }[];

/** Where an attempt runs: an engine's containers and its way back to the metering proxy. */
export interface TrialEngine {
  name: string;
  runtime: ContainerRuntime;
  channel: ModelChannel;
}

/** The engine a trial holds a slot on; the pool can move it to another. */
export interface Placement {
  readonly engine: TrialEngine;
  /** After an infrastructure error: whether the engine itself is gone (the pool then takes it out). */
  engineLost(): Promise<boolean>;
  /** Give up the slot on the lost engine and wait for one on a live engine. */
  move(): Promise<void>;
}

export interface AttemptDeps {
  plan: RunPlan;
  recorder: TrialRecorder;
  meter: MeteringProxy;
  sim?: SimProvider;
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  emit: (event: RunEvent) => void;
  feeds: CallFeeds;
  rateLimits: RateLimitGate;
  harnessOf(name: string): { harness: Harness; mounts?: HarnessMounts };
  /** Milliseconds to wait before retrying an infrastructure error (doubles each time). */
  retryDelayMs?: number;
  /** Milliseconds to back off after a trial was stopped by provider rate limits (doubles each time). */
  rateLimitDelayMs?: number;
}

/** Run the trial, retrying as the rules above say; the last attempt's outcome. */
export async function runWithRetries(deps: AttemptDeps, trial: PlannedTrial, placement: Placement): Promise<TrialOutcome> {
  const { plan, recorder, signal } = deps;
  let outcome: TrialOutcome;
  let infraRetries = 0;
  let rateLimitRetries = 0;
  let moves = 0;
  for (;;) {
    deps.rateLimits.clear(trial.id);
    outcome = await attemptTrial(deps, trial, placement.engine);
    if (signal.aborted) break;
    // An attempt whose engine went away under it says nothing about the model, whatever it ended as
    // (a harness that lost its container may call it its own error): it runs again elsewhere, not
    // counted as one of its retries.
    if (outcome.status !== 'passed' && moves < MAX_ENGINE_MOVES && await placement.engineLost()) {
      recorder.finding(trial.id, { kind: 'engine_lost', engine: placement.engine.name, attempt: ++moves, status: outcome.status, error: outcome.error ?? '' });
      await placement.move();
      if (signal.aborted) break;
      recorder.beginAttempt(trial.id);
      continue;
    }
    let delay: number;
    if (outcome.status === 'infra_error' && infraRetries < plan.settings.maxInfraRetries) {
      delay = (deps.retryDelayMs ?? 2000) * 2 ** infraRetries++;
      recorder.finding(trial.id, { kind: 'infra_retry', attempt: infraRetries, error: outcome.error ?? '' });
    } else if (outcome.status === 'provider_error' && deps.rateLimits.metLimit(trial.id) && rateLimitRetries < MAX_RATE_LIMIT_RETRIES) {
      delay = (deps.rateLimitDelayMs ?? 15_000) * 2 ** rateLimitRetries++;
      deps.rateLimits.pauseFor(delay);
      recorder.finding(trial.id, { kind: 'rate_limited', attempt: rateLimitRetries, backoffMs: delay, error: outcome.error ?? '' });
    } else break;
    await new Promise((r) => setTimeout(r, delay));
    recorder.beginAttempt(trial.id);
  }
  return outcome;
}

/** One attempt of the trial on `engine`; an error of the setup itself is an infrastructure error. */
export async function attemptTrial(deps: AttemptDeps, trial: PlannedTrial, engine: TrialEngine): Promise<TrialOutcome> {
  const { plan, recorder, meter, emit, signal } = deps;
  let access: OpenedModelAccess | undefined;
  const calls = deps.feeds.open(trial.id);
  try {
    const { harness, mounts } = deps.harnessOf(trial.harness);
    const networks = await engine.channel.trialNetworks(networkAccess(trial.task, plan.settings.network), harness.modelInContainer);
    if (harness.needsModel && trial.model) access = await openModelAccess(deps, plan, trial, trial.model, networks.proxyOrigin);
    const outcome = await runTrial(engine.runtime, {
      runId: plan.runId, trialId: trial.id, task: trial.task, harness,
      agentTimeoutMultiplier: plan.settings.agentTimeoutMultiplier,
      testTimeoutMultiplier: plan.settings.testTimeoutMultiplier,
      seed: trial.seed, network: networks,
      ...(plan.settings.buildImages ? { buildImages: true } : {}),
      ...(access ? { model: access.model } : {}),
      ...(mounts ? { readOnlyMounts: mounts } : {}),
    }, {
      signal,
      onPhase: (phase) => emit({ type: 'trial_phase', runId: plan.runId, trialId: trial.id, phase }),
      onTranscript: (entry) => {
        recorder.transcript(trial.id, entry);
        if (entry.kind === 'tool_call' || entry.kind === 'command') emit({ type: 'tool_call', runId: plan.runId, trialId: trial.id, entry });
      },
      calls,
      onFinding: (finding) => recorder.finding(trial.id, finding),
    });
    const totals = meter.totals(trial.id);
    // A trial the proxy stopped for its budget ends as budget_exceeded unless it passed anyway.
    if (totals?.budgetExceeded && outcome.status !== 'passed' && outcome.status !== 'cancelled') {
      return { ...outcome, status: 'budget_exceeded', error: outcome.error ?? 'the trial or run budget was spent' };
    }
    return outcome;
  } catch (e) {
    const now = new Date().toISOString();
    return {
      status: 'infra_error', tests: [], testsPassed: 0, testsFailed: 0, error: (e as Error).message,
      startedAt: now, finishedAt: now, durationMs: 0, buildMs: 0, agentMs: 0, testMs: 0,
    };
  } finally {
    deps.feeds.close(trial.id);
    access?.close();
  }
}
