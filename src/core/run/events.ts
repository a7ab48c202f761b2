/** What a run tells the CLI and the editor while it goes, as typed events. */
import type { MeteredCall } from '../meter/types';
import type { TranscriptEntry } from '../harness/harness';
import type { TrialStatus } from '../domain';
import type { TrialPhase } from './trial-runner';

export interface RunProgress {
  total: number;
  done: number;
  running: number;
  passed: number;
  failed: number;
  /** Ended without a verdict on the model (infra, verifier, provider errors, cancelled). */
  errors: number;
  spendUsd: number;
  /** Calls whose cost is unknown (no price): spend is then a lower bound. */
  unpricedCalls: number;
  startedAt: number;
}

/** Slots in use on one engine of the run's pool, and whether it is lost. */
export interface EngineLoad {
  name: string;
  running: number;
  capacity: number;
  down: boolean;
}

export type RunEvent =
  | { type: 'harness_prepare'; runId: string; message: string }
  | { type: 'run_started'; runId: string; total: number }
  | { type: 'trial_queued'; runId: string; trialId: string; taskId: string; modelId: string; trialIndex: number }
  | { type: 'trial_started'; runId: string; trialId: string; engine?: string }
  /** A trial whose engine was lost runs again on another. */
  | { type: 'trial_placed'; runId: string; trialId: string; engine: string }
  /** An engine of the pool stopped answering, answers again, or every engine is lost (the run waits). */
  | { type: 'engine_status'; runId: string; engine: string; status: 'lost' | 'rejoined' | 'all_lost'; message: string }
  | { type: 'trial_phase'; runId: string; trialId: string; phase: TrialPhase }
  | { type: 'llm_call'; runId: string; trialId: string; call: MeteredCall }
  | { type: 'tool_call'; runId: string; trialId: string; entry: TranscriptEntry }
  | { type: 'trial_finished'; runId: string; trialId: string; taskId: string; modelId: string; status: TrialStatus; costUsd: number | null; durationMs: number; error?: string; engine?: string }
  | { type: 'run_progress'; runId: string; progress: RunProgress; engines?: EngineLoad[] }
  | { type: 'run_finished'; runId: string; status: 'finished' | 'cancelled'; progress: RunProgress };
