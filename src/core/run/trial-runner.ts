/**
 * One trial from start to end: build or reuse the task's image → start a container → run the
 * harness under the agent timeout → copy the tests in (only now) → run the verifier under the test
 * timeout → score → remove the container, on every path out.
 */
import { LABELS, type ContainerRuntime, type ImageRef, type NetworkMode } from '../runtime/container-runtime';
import type { Harness, MeteredCallFeed, TranscriptEntry, TrialSandbox } from '../harness/harness';
import type { JsonObject } from '../json';
import type { Task } from '../tasks/task';
import { runVerifier } from '../verifier/run-verifier';
import type { TestResult } from '../verifier/test-result';
import { CancelledError, InfraError } from '../errors';
import type { TrialStatus } from '../domain';
import type { ModelAccess } from '../models/model-spec';
import type { TrialNetworks } from './model-channel';
import { offlineFailureHint } from './task-network';

/** A network as recorded on the trial: `none`, `host` or the Docker network's name. */
export function networkLabel(network: NetworkMode): string {
  return typeof network === 'string' ? network : network.name;
}

/** Limits when a task does not set its own. */
export const CONTAINER_DEFAULTS = { memoryMb: 2048, cpus: 1, pidsLimit: 1024 };

export interface TrialSpec {
  runId: string;
  trialId: string;
  task: Task;
  harness: Harness;
  /** Multipliers of the task's own timeouts (run settings). */
  agentTimeoutMultiplier?: number;
  testTimeoutMultiplier?: number;
  /** Extra environment for the container (e.g. a harness's proxy settings). */
  env?: Record<string, string>;
  /** The model the harness uses, through the metering proxy. */
  model?: ModelAccess;
  seed?: number;
  /** Read-only host folders the harness needs inside the container (e.g. a harness binary). */
  readOnlyMounts?: { hostPath: string; containerPath: string }[];
  /** The container's network in each phase (the run's model channel decides); default: none in both. */
  network?: TrialNetworks;
  /** Build the task's image from its Dockerfile even when the task names a prebuilt image. */
  buildImages?: boolean;
}

export type TrialPhase = 'image' | 'container' | 'agent' | 'verifier' | 'cleanup';

export interface TrialHooks {
  signal?: AbortSignal;
  onPhase?: (phase: TrialPhase) => void;
  onBuildLog?: (line: string) => void;
  onTranscript?: (entry: TranscriptEntry) => void;
  /** The trial's metered calls and a sink for findings, handed to the harness. */
  calls?: MeteredCallFeed;
  onFinding?: (finding: JsonObject) => void;
}

export interface TrialOutcome {
  status: TrialStatus;
  tests: TestResult[];
  testsPassed: number;
  testsFailed: number;
  /** Why the trial ended the way it did, for anything but a plain pass or fail. */
  error?: string;
  /** Build log tail for a failed build, verifier output for a verifier problem. */
  detail?: string;
  verifierOutput?: string;
  image?: ImageRef;
  /** The task's image before any harness layer: the name the task named (pulled or present) or the one built, with its registry digest. */
  taskImage?: ImageRef;
  /** The container's network in each phase, e.g. `agent kilobench-run-…, verifier none`. */
  network?: string;
  harnessVersion?: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  buildMs: number;
  agentMs: number;
  testMs: number;
}

function containerEnv(task: Task, extra: Record<string, string> | undefined): Record<string, string> {
  const formatEnv: Record<string, string> = task.format === 'tb1' ? { TEST_DIR: '/tests' } : {};
  return { ...task.environment.env, ...formatEnv, ...extra };
}

/** Log folders each format's harnesses and tests expect. */
const LOG_DIRS = { tb1: ['/logs', '/agent-logs'], harbor: ['/logs/agent', '/logs/verifier'] };

export async function runTrial(runtime: ContainerRuntime, spec: TrialSpec, hooks: TrialHooks = {}): Promise<TrialOutcome> {
  const { task, harness } = spec;
  const started = Date.now();
  const timing = { buildMs: 0, agentMs: 0, testMs: 0 };
  let containerId: string | undefined;
  let image: ImageRef | undefined;
  let taskImage: ImageRef | undefined;
  let harnessVersion: string | undefined;
  const finish = (status: TrialStatus, extra: Partial<TrialOutcome> = {}): TrialOutcome => {
    const tests = extra.tests ?? [];
    return {
      status,
      tests,
      testsPassed: tests.filter((t) => t.outcome === 'passed').length,
      testsFailed: tests.filter((t) => t.outcome === 'failed').length,
      ...(image ? { image } : {}),
      ...(taskImage ? { taskImage } : {}),
      ...(containerId ? { network } : {}),
      ...(harnessVersion ? { harnessVersion } : {}),
      ...extra,
      startedAt: new Date(started).toISOString(),
      finishedAt: new Date().toISOString(),
      durationMs: Date.now() - started,
      ...timing,
    };
  };
  const signal = hooks.signal ?? new AbortController().signal;
  const networks: TrialNetworks = spec.network ?? { agent: 'none', verifier: 'none' };
  const network = `agent ${networkLabel(networks.agent)}, verifier ${networkLabel(networks.verifier)}`;

  try {
    if (task.errors.length > 0) return finish('infra_error', { error: `task ${task.id} is invalid: ${task.errors[0]?.message}` });

    hooks.onPhase?.('image');
    let t = Date.now();
    image = await runtime.ensureImage({
      taskId: task.id,
      contextDir: task.environment.contextDir,
      dockerfile: task.environment.dockerfile,
      ...(task.environment.image ? { prebuiltImage: task.environment.image } : {}),
      ...(spec.buildImages ? { preferBuild: true } : {}),
      buildTimeoutMs: task.environment.buildTimeoutSec * 1000,
    }, hooks.onBuildLog, signal);
    taskImage = image;
    if (harness.prepareImage && !signal.aborted) {
      image = await harness.prepareImage({ runtime, image, task, signal, ...(hooks.onBuildLog ? { onLog: hooks.onBuildLog } : {}) });
    }
    timing.buildMs = Date.now() - t;
    if (signal.aborted) return finish('cancelled');

    hooks.onPhase?.('container');
    containerId = await runtime.startContainer({
      image: image.name,
      labels: { [LABELS.run]: spec.runId, [LABELS.trial]: spec.trialId, [LABELS.task]: task.id },
      env: containerEnv(task, spec.env),
      memoryMb: task.environment.memoryMb ?? CONTAINER_DEFAULTS.memoryMb,
      cpus: task.environment.cpus ?? CONTAINER_DEFAULTS.cpus,
      pidsLimit: CONTAINER_DEFAULTS.pidsLimit,
      network: networks.agent,
      ...(spec.readOnlyMounts ? { readOnlyMounts: spec.readOnlyMounts } : {}),
      ...(task.environment.workdir ? { workdir: task.environment.workdir } : {}),
    });
    const id = containerId;
    const workdir = task.environment.workdir ?? image.workdir;
    const sandbox: TrialSandbox = {
      containerId: id,
      workdir,
      exec: (command, options) => runtime.exec(id, command, options),
      copyFilesIn: (files, dest) => runtime.copyFilesIn(id, files, dest),
      copyDirIn: (dir, dest) => runtime.copyDirIn(id, dir, dest),
      readFile: (path, max) => runtime.readFile(id, path, max),
    };
    await runtime.exec(id, ['mkdir', '-p', ...LOG_DIRS[task.format]], { user: 'root' });

    hooks.onPhase?.('agent');
    t = Date.now();
    const agentTimeoutMs = task.agentTimeoutSec * 1000 * (spec.agentTimeoutMultiplier ?? 1);
    const agent = await harness.run({
      task, sandbox, timeoutMs: agentTimeoutMs, signal, seed: spec.seed ?? 0,
      ...(spec.model ? { model: spec.model } : {}),
      record: (entry) => hooks.onTranscript?.(entry),
      ...(hooks.calls ? { calls: hooks.calls } : {}),
      ...(hooks.onFinding ? { finding: hooks.onFinding } : {}),
    });
    timing.agentMs = Date.now() - t;
    harnessVersion = agent.version;
    if (agent.status === 'cancelled' || signal.aborted) return finish('cancelled');
    // A provider that answered the last call 404 or 401 was given a wrong base URL or key: the
    // trial ends there, saying so, whatever the harness made of it (not the model's failure).
    const last = hooks.calls?.list().at(-1);
    if (last?.error && (last.httpStatus === 404 || last.httpStatus === 401)) {
      return finish('provider_error', { error: last.error.replace(/^HTTP \d+: /, '') });
    }
    if (agent.status === 'error') return finish('harness_error', { error: agent.error ?? 'the harness failed' });
    if (agent.status === 'provider_error') return finish('provider_error', { error: agent.error ?? 'the model provider failed' });

    // Tests run even after an agent timeout; the trial still records the timeout.
    hooks.onPhase?.('verifier');
    t = Date.now();
    // A task without network: the container leaves the network its agent used to reach the model.
    if (networks.verifier === 'none' && typeof networks.agent === 'object') await runtime.disconnectNetwork(id, networks.agent.name);
    const testTimeoutMs = task.testTimeoutSec * 1000 * (spec.testTimeoutMultiplier ?? 1);
    const verifier = await runVerifier(task, sandbox, testTimeoutMs, signal);
    timing.testMs = Date.now() - t;
    if (signal.aborted) return finish('cancelled');
    for (const test of verifier.verdict.kind === 'scored' ? verifier.verdict.tests : []) {
      hooks.onTranscript?.({ kind: 'test_result', payload: { ...test } });
    }
    const verifierOutput = verifier.output;
    if (verifier.timedOut) return finish('test_timeout', { error: `tests ran past their ${Math.round(testTimeoutMs / 1000)} s limit`, verifierOutput });
    // Tests that failed downloading something in a container without network: say so plainly.
    const offline = networks.verifier === 'none' ? offlineFailureHint(verifierOutput) : undefined;
    if (verifier.verdict.kind === 'unparseable') {
      return finish('verifier_error', { error: offline ? `${verifier.verdict.reason}; ${offline}` : verifier.verdict.reason, detail: verifierOutput.slice(-8000), verifierOutput });
    }
    const { tests, resolved } = verifier.verdict;
    if (agent.status === 'timeout') {
      return finish('timeout', { tests, verifierOutput, error: `the agent ran past its ${Math.round(agentTimeoutMs / 1000)} s limit` });
    }
    return finish(resolved ? 'passed' : 'failed', { tests, verifierOutput, ...(!resolved && offline ? { error: offline } : {}) });
  } catch (e) {
    if (e instanceof CancelledError || signal.aborted) return finish('cancelled');
    if (e instanceof InfraError) return finish('infra_error', { error: e.message, ...(e.detail ? { detail: e.detail } : {}) });
    return finish('infra_error', { error: `unexpected: ${(e as Error).message}` });
  } finally {
    if (containerId) {
      hooks.onPhase?.('cleanup');
      await runtime.remove(containerId).catch(() => undefined);
    }
  }
}
