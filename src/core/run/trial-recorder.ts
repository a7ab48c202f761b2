/**
 * Writes what happens in a run to the store: the run, a snapshot of each task, each trial as it is
 * queued, starts and ends, and its transcript. Every write goes through the store's journal first,
 * so a crash loses nothing that was recorded.
 */
import { readBuildContext } from '../runtime/build-context';
import type { TranscriptEntry } from '../harness/harness';
import { type MeteredCall } from '../meter/types';
import { addUsage, ZERO_USAGE, type TokenUsage } from '../domain';
import { redactDeep } from '../meter/redact';
import type { Store, StoreEvent, JsonObject, JsonValue, PlanRecord, TestResultRecord } from '../store';
import type { Task } from '../tasks/task';
import type { TestResult } from '../verifier/test-result';
import type { TrialOutcome } from './trial-runner';

/** pytest's and CTRF's words for a test, as the store keeps them. */
export function storedTestResult(test: TestResult): TestResultRecord {
  const raw = test.raw.toLowerCase();
  const status = raw === 'skipped' ? 'skipped' : raw === 'error' ? 'error' : test.outcome;
  return { name: test.name, status };
}

export class TrialRecorder {
  private readonly transcriptSeq = new Map<string, number>();
  private readonly findings = new Map<string, JsonObject[]>();
  private readonly callBase = new Map<string, number>();

  /**
   * `secrets`: the run's real provider keys. An agent may have seen one (an upstream can spell a key
   * across stream deltas, where the proxy cannot mask it) and repeat it in its output; nothing
   * written to the store holds one.
   */
  constructor(private readonly store: Store, readonly runId: string, private readonly secrets: readonly string[] = []) {}

  private append(event: StoreEvent): void {
    this.store.append(redactDeep(event, this.secrets));
  }

  createRun(name: string, plan: PlanRecord, settings: JsonObject): void {
    this.append({ type: 'run_created', runId: this.runId, run: { name, createdAt: new Date().toISOString(), status: 'running', plan, settings } });
  }

  endRun(status: 'finished' | 'cancelled' | 'interrupted'): void {
    this.append({ type: 'run_updated', runId: this.runId, patch: { status, finishedAt: new Date().toISOString() } });
  }

  /** The task exactly as loaded, with a hash over its whole folder (instruction, environment and tests). */
  async snapshotTask(task: Task): Promise<void> {
    const { hash } = await readBuildContext(task.path, '');
    this.append({ type: 'task_snapshot', runId: this.runId, taskId: task.id, contentHash: hash, task });
  }

  queue(trial: { id: string; taskId: string; modelId: string; harness: string; trialIndex: number; seed?: number }): void {
    this.append({ type: 'trial_created', runId: this.runId, trial: { ...trial, status: 'queued' } });
  }

  /**
   * A new attempt of a trial begins (first run, infra retry, or resume): numbering of its calls and
   * transcript continues after what earlier attempts recorded, which is kept (it was real spend).
   */
  beginAttempt(trialId: string): void {
    const lastSeq = (items: { seq: number }[]) => items.reduce((max, item) => Math.max(max, item.seq), 0);
    this.callBase.set(trialId, lastSeq(this.store.listLlmCalls(trialId)));
    this.transcriptSeq.set(trialId, lastSeq(this.store.listTranscript(trialId)));
  }

  start(trialId: string): void {
    this.beginAttempt(trialId);
    this.append({ type: 'trial_updated', runId: this.runId, trialId, patch: { status: 'running', startedAt: new Date().toISOString(), error: null } });
  }

  /** The engine the trial runs on (again when it moves to another after losing its engine). */
  placed(trialId: string, engine: string): void {
    this.append({ type: 'trial_updated', runId: this.runId, trialId, patch: { engine } });
  }

  /** A trial that never ran (cancelled before its turn, run budget spent). */
  skip(trialId: string, status: 'cancelled', reason: string): void {
    this.append({ type: 'trial_updated', runId: this.runId, trialId, patch: { status, error: reason, finishedAt: new Date().toISOString() } });
  }

  /** Something worth knowing about a trial that is not its outcome (a retried infra error, a reconciliation gap). */
  finding(trialId: string, finding: JsonObject): void {
    const list = this.findings.get(trialId) ?? [];
    list.push(finding);
    this.findings.set(trialId, list);
  }

  transcript(trialId: string, entry: TranscriptEntry): void {
    const seq = (this.transcriptSeq.get(trialId) ?? 0) + 1;
    this.transcriptSeq.set(trialId, seq);
    this.append({
      type: 'transcript_event',
      runId: this.runId,
      entry: { trialId, seq, at: new Date().toISOString(), kind: entry.kind, toolCategory: entry.toolCategory ?? null, payload: entry.payload as JsonValue },
    });
  }

  /** A metered call: its row, and a transcript entry with what the model said (every harness gets one). */
  llmCall(call: MeteredCall): void {
    const seq = (this.callBase.get(call.trialId) ?? 0) + call.seq;
    this.append({
      type: 'llm_call',
      runId: this.runId,
      call: {
        id: `${call.trialId}.call${seq}`,
        trialId: call.trialId,
        seq,
        startedAt: call.startedAt,
        protocol: call.protocol,
        requestedModel: call.requestedModel ?? '',
        servedModel: call.servedModel,
        streaming: call.streaming,
        httpStatus: call.httpStatus,
        latencyMs: call.latencyMs,
        ttftMs: call.ttftMs,
        usageRaw: call.usageRaw,
        usage: call.usage,
        estimated: call.estimated,
        toolCalls: call.toolCalls.map((t) => ({ name: t.name, ...(t.id ? { id: t.id } : {}), arguments: t.arguments })),
        costUsd: call.costUsd,
        costSource: call.costSource,
        error: call.error,
      },
    });
    this.transcript(call.trialId, {
      kind: 'llm_call',
      payload: {
        seq,
        text: call.text,
        toolCalls: call.toolCalls.map((t) => ({ name: t.name, arguments: t.arguments })),
        usage: { ...call.usage },
        costUsd: call.costUsd,
        latencyMs: call.latencyMs,
        httpStatus: call.httpStatus,
        error: call.error,
      },
    });
  }

  /**
   * A trial's spend over every recorded call of every attempt. The cost is null (never 0) when any
   * call could not be priced.
   */
  spend(trialId: string): { tokens: TokenUsage; costUsd: number | null; costFlags: string[] } {
    const calls = this.store.listLlmCalls(trialId);
    const unpriced = calls.some((c) => c.costUsd === null);
    const flags: string[] = [];
    if (unpriced) flags.push('unpriced');
    if (calls.some((c) => c.estimated)) flags.push('estimated');
    const costUsd = unpriced ? null : calls.reduce((sum, c) => sum + (c.costUsd ?? 0), 0);
    return { tokens: sumUsage(calls), costUsd, costFlags: flags };
  }

  /** Priced spend of every call recorded in the run so far, by this process and earlier ones. */
  runSpendUsd(): number {
    const calls = this.store.listTrials(this.runId).flatMap((t) => this.store.listLlmCalls(t.id));
    return calls.reduce((sum, c) => sum + (c.costUsd ?? 0), 0);
  }

  finish(trialId: string, outcome: TrialOutcome): void {
    const findings: JsonObject[] = [...(this.findings.get(trialId) ?? [])];
    if (outcome.detail) findings.push({ kind: 'detail', text: outcome.detail.slice(-8000) });
    // The verifier's own output, for the transcript view (a verifier problem already keeps it as its detail).
    if (outcome.verifierOutput && !outcome.detail) findings.push({ kind: 'verifier_output', text: outcome.verifierOutput.slice(-8000) });
    this.append({
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
        image: outcome.taskImage?.name ?? null,
        imageRepoDigest: outcome.taskImage?.repoDigest ?? null,
        network: outcome.network ?? null,
        error: outcome.error ?? null,
        findings,
        ...this.spend(trialId),
      },
    });
  }
}

/** Token kinds summed over calls. */
function sumUsage(calls: { usage: TokenUsage }[]): TokenUsage {
  return calls.reduce((total, call) => addUsage(total, call.usage), { ...ZERO_USAGE });
}
