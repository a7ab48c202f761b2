/** Plain store records for the view-model tests: what the store would hold after a small run. */
import type { LlmCallRecord, RunRecord, TranscriptEventRecord, TrialRecord } from '../../../src/core/store/records';
import type { TokenUsage } from '../../../src/core/domain';

export const RUN = 'run-20250101-000000-abcd';

export function tokens(partial: Partial<TokenUsage> = {}): TokenUsage {
  return { input: 0, cacheRead: 0, cacheWrite: 0, output: 0, reasoning: 0, ...partial };
}

export function run(partial: Partial<RunRecord> = {}): RunRecord {
  return {
    id: RUN, name: 'builtin · sim/direct, sim/explorer', status: 'finished',
    createdAt: '2025-01-01T10:00:00.000Z', finishedAt: '2025-01-01T10:05:00.000Z',
    plan: { tasks: ['alpha', 'beta'], models: ['sim/direct', 'sim/explorer'], harness: 'builtin', trialsPerPair: 2 },
    settings: {},
    ...partial,
  };
}

export function trial(partial: Partial<TrialRecord> & Pick<TrialRecord, 'taskId' | 'modelId'>): TrialRecord {
  const index = partial.trialIndex ?? 0;
  return {
    id: `${RUN}.${partial.taskId}.${partial.modelId.replace(/\//g, '_')}.${index + 1}`,
    runId: RUN, harness: 'builtin', trialIndex: index, status: 'passed', seed: 1,
    startedAt: '2025-01-01T10:00:00.000Z', finishedAt: '2025-01-01T10:00:05.000Z', durationMs: 5000,
    agentDurationMs: 4000, testDurationMs: 1000, tokens: tokens({ input: 100, output: 20 }), costUsd: 0.01,
    costFlags: [], tests: [], testsPassed: 1, testsFailed: 0, harnessVersion: 'builtin-1', imageDigest: null,
    error: null, findings: [],
    ...partial,
  };
}

export function call(trialId: string, seq: number, partial: Partial<LlmCallRecord> = {}): LlmCallRecord {
  return {
    id: `${trialId}-c${seq}`, trialId, runId: RUN, seq, startedAt: `2025-01-01T10:00:0${seq}.000Z`, protocol: 'openai-chat',
    requestedModel: 'sim/direct', servedModel: 'sim/direct', streaming: false, httpStatus: 200, latencyMs: 120, ttftMs: 50,
    usageRaw: null, usage: tokens({ input: 100, output: 10 }), estimated: false, toolCalls: [], costUsd: 0.002, costSource: 'computed', error: null,
    ...partial,
  };
}

export function event(trialId: string, seq: number, kind: TranscriptEventRecord['kind'], payload: TranscriptEventRecord['payload'], toolCategory: TranscriptEventRecord['toolCategory'] = null): TranscriptEventRecord {
  return { trialId, runId: RUN, seq, at: `2025-01-01T10:00:${String(seq).padStart(2, '0')}.000Z`, kind, toolCategory, payload };
}

/** 2 tasks × 2 models × 2 trials: direct passes everything cheaply, explorer fails beta and costs more. */
export function smallRun(): TrialRecord[] {
  const trials: TrialRecord[] = [];
  for (const taskId of ['alpha', 'beta']) {
    for (const modelId of ['sim/direct', 'sim/explorer']) {
      for (const trialIndex of [0, 1]) {
        const fails = modelId === 'sim/explorer' && taskId === 'beta';
        trials.push(trial({ taskId, modelId, trialIndex, status: fails ? 'failed' : 'passed', costUsd: modelId === 'sim/direct' ? 0.01 : 0.03, testsPassed: fails ? 0 : 1, testsFailed: fails ? 1 : 0 }));
      }
    }
  }
  return trials;
}
