/**
 * A harness performs a task inside a trial's container: the real Kilo CLI, KiloBench's built-in
 * agent, any CLI agent, the reference solution (oracle) or nothing at all (nop). The trial
 * lifecycle only knows this contract; scoring happens afterwards, without the harness.
 */
import type { ToolCategory } from '../domain';
import type { JsonObject } from '../json';
import type { MeteredCall } from '../meter/types';
import type { ModelAccess } from '../models/model-spec';
import type { ContainerRuntime, ExecOptions, ExecResult, FileEntry, ImageRef } from '../runtime/container-runtime';
import type { Task } from '../tasks/task';

/** The running container, as a harness may use it. */
export interface TrialSandbox {
  containerId: string;
  /** The image's WORKDIR, where the agent starts. */
  workdir: string;
  exec(command: string[], options?: ExecOptions): Promise<ExecResult>;
  copyFilesIn(files: FileEntry[], destDir: string): Promise<void>;
  copyDirIn(hostDir: string, destDir: string): Promise<void>;
  readFile(path: string, maxBytes?: number): Promise<Buffer | undefined>;
}

/** One step of what the agent did, for the transcript. */
export interface TranscriptEntry {
  kind: 'model_message' | 'tool_call' | 'tool_result' | 'command' | 'output' | 'llm_call' | 'limit' | 'error' | 'test_result';
  toolCategory?: ToolCategory;
  payload: Record<string, unknown>;
}

/** The metering proxy's records of the trial's LLM calls (this attempt), as they arrive. */
export interface MeteredCallFeed {
  /** Every call so far, in the order they reached the proxy. */
  list(): readonly MeteredCall[];
  /** Told of each later call right after it is recorded; returns the unsubscribe function. */
  subscribe(listener: (call: MeteredCall) => void): () => void;
}

export interface HarnessContext {
  task: Task;
  sandbox: TrialSandbox;
  /** The agent's time limit for this trial (the task's, times the run's multiplier). */
  timeoutMs: number;
  signal: AbortSignal;
  /** The model to use, through the metering proxy; absent for harnesses that need none. */
  model?: ModelAccess;
  /** Seed of this trial, for anything random the harness does. */
  seed: number;
  record(entry: TranscriptEntry): void;
  /** The proxy's records of this trial's calls, when the caller meters them (the scheduler does). */
  calls?: MeteredCallFeed;
  /** Keep a finding on the trial (e.g. the harness's own usage figures disagree with the proxy's). */
  finding?(finding: JsonObject): void;
}

/** What a harness gets to derive the image a trial's container starts from. */
export interface ImagePreparation {
  runtime: ContainerRuntime;
  /** The task's image. */
  image: ImageRef;
  task: Task;
  signal: AbortSignal;
  onLog?: (line: string) => void;
}

export interface HarnessOutcome {
  /**
   * `completed`: the harness ran to its end (whatever it achieved); the verifier judges the rest.
   * `provider_error`: the model provider kept failing (after retries): not the model's verdict.
   */
  status: 'completed' | 'timeout' | 'error' | 'provider_error' | 'cancelled';
  exitCode?: number;
  error?: string;
  /** Version of the harness software, recorded on the trial. */
  version?: string;
  /** The harness's own per-step usage (Kilo's step_finish figures), to reconcile with the proxy's calls. */
  steps?: unknown;
}

export interface Harness {
  readonly name: string;
  /**
   * True when the agent runs inside the container and calls the model from there (kilo, command
   * presets): the trial then needs a model channel to the metering proxy (run/model-channel.ts).
   * The container's network itself is the task's, whatever the harness.
   */
  readonly modelInContainer: boolean;
  /** False for harnesses that use no model (oracle, nop): they run once per task and trial, not per model. */
  readonly needsModel: boolean;
  /**
   * Optional: get ready for a run before its first trial (e.g. fetch a harness binary once) and
   * say which host folders every trial container mounts read-only. `onProgress` gets short lines.
   */
  prepare?(options: {
    dockerHost?: string;
    /** Ask the engine its architecture and OS (`docker version`) with its own credentials (a TLS or pooled engine); else `dockerHost` is dialled. */
    engineVersion?: () => Promise<{ Arch?: string; Os?: string }>;
    onProgress?: (message: string) => void;
  }): Promise<{ mounts: { hostPath: string; containerPath: string }[] }>;
  /**
   * Optional: the image to start the trial's container from instead of the task's (e.g. the task's
   * image with the harness installed, built once and reused). Runs in the trial's image phase.
   */
  prepareImage?(preparation: ImagePreparation): Promise<ImageRef>;
  run(context: HarnessContext): Promise<HarnessOutcome>;
}

/** Command output kept in a transcript entry; longer output is cut with a marker. */
export const TRANSCRIPT_OUTPUT_LIMIT = 16 * 1024;

export function clip(text: string, limit = TRANSCRIPT_OUTPUT_LIMIT): string {
  return text.length <= limit ? text : `${text.slice(0, limit)}\n[… ${text.length - limit} more characters]`;
}

/** The outcome of running one command as the harness's whole work (oracle, command harnesses). */
export function outcomeOfExec(result: ExecResult, version?: string): HarnessOutcome {
  const base = version ? { version } : {};
  if (result.cancelled) return { ...base, status: 'cancelled', exitCode: result.exitCode };
  if (result.timedOut) return { ...base, status: 'timeout', exitCode: result.exitCode };
  return { ...base, status: 'completed', exitCode: result.exitCode };
}
