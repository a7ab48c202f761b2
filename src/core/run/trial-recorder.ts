/**
 * Writes what happens in a run to the store: the run, a snapshot of each task, each trial as it is
 * queued, starts and ends, and its transcript. Every write goes through the store's journal first,
 * so a crash loses nothing that was recorded.
 */
import { readBuildContext } from '../runtime/build-context';
import type { TranscriptEntry } from '../harness/harness';
import type { Store, JsonObject, JsonValue, RunPlan, TestResult as StoredTestResult } from '../store';
import type { Task } from '../tasks/task';
import type { TestResult } from '../verifier/test-result';
import type { TrialOutcome } from './trial-runner';

/** pytest's and CTRF's words for a test, as the store keeps them. */
export function storedTestResult(test: TestResult): StoredTestResult {
  const raw = test.raw.toLowerCase();
  const status = raw === 'skipped' ? 'skipped' : raw === 'error' ? 'error' : test.outcome;
  return { name: test.name, status };
}

export class TrialRecorder {
  private readonly transcriptSeq = new Map<string, number>();

  constructor(private readonly store: Store, readonly runId: string) {}

  createRun(name: string, plan: RunPlan, settings: JsonObject): void {
    this.store.append({ type: 'run_created', runId: this.runId, run: { name, createdAt: new Date().toISOString(), status: 'running', plan, settings } });
  }

  endRun(status: 'finished' | 'cancelled' | 'interrupted'): void {
    this.store.append({ type: 'run_updated', runId: this.runId, patch: { status, finishedAt: new Date().toISOString() } });
  }

  /** The task exactly as loaded, with a hash over its whole folder (instruction, environment and tests). */
  async snapshotTask(task: Task): Promise<void> {
    const { hash } = await readBuildContext(task.path, '');
    this.store.append({ type: 'task_snapshot', runId: this.runId, taskId: task.id, contentHash: hash, task });
  }

  queue(trial: { id: string; taskId: string; modelId: string; harness: string; trialIndex: number; seed?: number }): void {
    this.store.append({ type: 'trial_created', runId: this.runId, trial: { ...trial, status: 'queued' } });
  }

  start(trialId: string): void {
    this.store.append({ type: 'trial_updated', runId: this.runId, trialId, patch: { status: 'running', startedAt: new Date().toISOString() } });
  }

  transcript(trialId: string, entry: TranscriptEntry): void {
    const seq = (this.transcriptSeq.get(trialId) ?? 0) + 1;
    this.transcriptSeq.set(trialId, seq);
    this.store.append({
      type: 'transcript_event',
      runId: this.runId,
      entry: { trialId, seq, at: new Date().toISOString(), kind: entry.kind, toolCategory: entry.toolCategory ?? null, payload: entry.payload as JsonValue },
    });
  }

  finish(trialId: string, outcome: TrialOutcome): void {
    const findings: JsonObject[] = [];
    if (outcome.detail) findings.push({ kind: 'detail', text: outcome.detail.slice(-8000) });
    this.store.append({
      type: 'trial_updated',
      runId: this.runId,
      trialId,
      patch: {
        status: outcome.status,
        startedAt: outcome.startedAt,
        finishedAt: outcome.finishedAt,
        durationMs: outcome.durationMs,
        agentDurationMs: outcome.agentMs,
        testDurationMs: outcome.testMs,
        tests: outcome.tests.map(storedTestResult),
        testsPassed: outcome.testsPassed,
        testsFailed: outcome.testsFailed,
        harnessVersion: outcome.harnessVersion ?? null,
        imageDigest: outcome.image?.id ?? null,
        error: outcome.error ?? null,
        findings,
      },
    });
  }
}
