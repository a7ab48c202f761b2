/**
 * Model access for one attempt of a trial: the upstream its calls go to (a simulated-provider session
 * or the real provider with the user's key), registered with the metering proxy under a per-trial
 * token. The harness only ever sees the trial's proxy URL and token; keys stay in the proxy.
 */
import { readFile } from 'node:fs/promises';
import type { MeteringProxy } from '../meter';
import { simUpstream, upstreamFor, type UpstreamConfig } from '../domain';
import { modelPriceOverrides } from '../pricing';
import type { SimProvider } from '../providers/sim';
import type { ProfileName } from '../providers/sim/profiles';
import type { ModelAccess, ModelSpec } from '../models/model-spec';
import type { Task } from '../tasks/task';
import type { PlannedTrial, RunPlan } from './plan';

export interface ModelAccessDeps {
  meter: MeteringProxy;
  /** Needed when a plan uses simulated models. */
  sim?: SimProvider;
  /** Environment to read model keys from (by the variable a model names). */
  env: NodeJS.ProcessEnv;
}

/** What a trial's harness is given, and how to take it back when the attempt ends. */
export interface OpenedModelAccess {
  model: ModelAccess;
  /** Unregister the trial from the proxy and end its simulator session. Never throws. */
  close(): void;
}

async function simSolution(task: Task): Promise<{ script: string } | { commands: string[] }> {
  if (task.solution.kind === 'script') return { script: await readFile(task.solution.path, 'utf8') };
  if (task.solution.kind === 'commands') return { commands: task.solution.commands.map((c) => c.command) };
  return { commands: [] };
}

/** The provider's upstream with the user's key (the provider and `/v1` rules live in the domain). */
function realUpstream(model: ModelSpec, env: NodeJS.ProcessEnv): UpstreamConfig {
  const apiKey = model.keyEnv ? env[model.keyEnv] : undefined;
  if (model.keyEnv && !apiKey) throw new Error(`model ${model.id}: the environment variable ${model.keyEnv} holding its key is not set`);
  return upstreamFor(model, apiKey);
}

/** The real keys of the run's models, kept out of everything recorded or emitted. */
export function runSecrets(plan: RunPlan, env: NodeJS.ProcessEnv): string[] {
  return plan.models.flatMap((m) => (m.keyEnv && env[m.keyEnv] ? [env[m.keyEnv] as string] : []));
}

/**
 * Register the trial with the proxy. `proxyOrigin` is where the container reaches the proxy (the
 * model channel's answer) when the harness calls the model from inside it; without one the harness
 * calls from beside the container, on loopback.
 */
export async function openModelAccess(deps: ModelAccessDeps, plan: RunPlan, trial: PlannedTrial, spec: ModelSpec, proxyOrigin: string | undefined): Promise<OpenedModelAccess> {
  let simSession: string | undefined;
  let upstream: UpstreamConfig;
  if (spec.provider === 'sim') {
    if (!deps.sim) throw new Error('simulated models need the simulated provider');
    simSession = deps.sim.registerSession({ profile: spec.model.replace(/^sim\//, '') as ProfileName, seed: trial.seed, solution: await simSolution(trial.task) });
    upstream = simUpstream(spec, `${deps.sim.url}/s/${simSession}`);
  } else {
    upstream = realUpstream(spec, deps.env);
  }
  const sim = deps.sim;
  let registered: ReturnType<MeteringProxy['registerTrial']>;
  try {
    registered = deps.meter.registerTrial({
      trialId: trial.id, runId: plan.runId, upstream,
      ...(plan.settings.trialBudgetUsd !== undefined ? { budget: { usd: plan.settings.trialBudgetUsd } } : {}),
      ...(spec.price ? { prices: modelPriceOverrides([spec]) } : {}),
    });
  } catch (e) {
    if (simSession) sim?.unregisterSession(simSession);
    throw e;
  }
  return {
    model: {
      id: spec.id, providerModel: spec.model, protocol: spec.protocol,
      // The trial URL stands in for the provider's base URL (provider-routes.ts).
      baseUrl: proxyOrigin ? `${proxyOrigin}/t/${registered.token}` : registered.baseUrl,
      apiKey: registered.token, simulated: spec.simulated,
    },
    close: () => {
      registered.unregister();
      if (simSession) sim?.unregisterSession(simSession);
    },
  };
}
