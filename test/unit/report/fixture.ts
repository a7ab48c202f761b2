/**
 * Hand-built records for report tests: builders for trials, calls and transcript events, and a
 * realistic run of 3 tasks × 2 simulated models × 3 trials (one task id full of HTML
 * metacharacters, one infrastructure error, one timeout).
 */
import type { LlmCallRecord, RunRecord, TranscriptEventRecord, TrialRecord } from '../../../src/core/store/records';
import type { TokenUsage, ToolCategory, TrialStatus } from '../../../src/core/domain';

export const RUN_ID = 'run-fixture';

export function tokens(partial: Partial<TokenUsage> = {}): TokenUsage {
  return { input: 0, cacheRead: 0, cacheWrite: 0, output: 0, reasoning: 0, ...partial };
}

export function trial(partial: Partial<TrialRecord> & Pick<TrialRecord, 'id' | 'taskId' | 'modelId'>): TrialRecord {
  return {
    runId: RUN_ID,
    harness: 'kilo',
    trialIndex: 0,
    status: 'passed',
    seed: null,
    startedAt: null,
    finishedAt: null,
    durationMs: null,
    agentDurationMs: null,
    testDurationMs: null,
    tokens: tokens(),
    costUsd: null,
    costFlags: [],
    tests: [],
    testsPassed: null,
    testsFailed: null,
    harnessVersion: null,
    imageDigest: null,
    error: null,
    findings: [],
    ...partial,
  };
}

export function call(partial: Partial<LlmCallRecord> & Pick<LlmCallRecord, 'trialId' | 'seq'>): LlmCallRecord {
  return {
    id: `${partial.trialId}-c${partial.seq}`,
    runId: RUN_ID,
    startedAt: '2025-01-01T00:00:00.000Z',
    protocol: 'openai-chat',
    requestedModel: 'model',
    servedModel: null,
    streaming: true,
    httpStatus: 200,
    latencyMs: null,
    ttftMs: null,
    usageRaw: null,
    usage: tokens(),
    estimated: false,
    toolCalls: [],
    costUsd: 0,
    costSource: 'computed',
    error: null,
    ...partial,
  };
}

export function toolEvent(trialId: string, seq: number, category: ToolCategory | null, payload: TranscriptEventRecord['payload'] = {}): TranscriptEventRecord {
  return { trialId, runId: RUN_ID, seq, at: '2025-01-01T00:00:00.000Z', kind: 'tool_call', toolCategory: category, payload };
}

export function runRecord(partial: Partial<RunRecord> = {}): RunRecord {
  return {
    id: RUN_ID,
    name: 'fixture run',
    status: 'finished',
    createdAt: '2025-01-01T00:00:00.000Z',
    finishedAt: '2025-01-01T01:00:00.000Z',
    plan: { tasks: [], models: [], harness: 'kilo', trialsPerPair: 3 },
    settings: {},
    ...partial,
  };
}

// ── the realistic run ───────────────────────────────────────────────────────────────────────────

/** $ per million tokens, as the simulated provider prices them. */
const PRICES: Record<string, { input: number; cacheRead: number; cacheWrite: number; output: number }> = {
  'sim/direct': { input: 1, cacheRead: 0.1, cacheWrite: 1.25, output: 4 },
  'sim/explorer': { input: 0.5, cacheRead: 0.05, cacheWrite: 0.625, output: 2 },
};

export function simPrice(model: string, u: TokenUsage): number {
  const p = PRICES[model];
  if (!p) throw new Error(`no fixture price for ${model}`);
  return (u.input * p.input + u.cacheRead * p.cacheRead + u.cacheWrite * p.cacheWrite + u.output * p.output) / 1e6;
}

export const TRICKY_TASK = 'fix <b>bold</b> & "quotes" \'n\' </script>';
export const FIXTURE_TASKS = ['hello-world', 'csv-report', TRICKY_TASK];
export const FIXTURE_MODELS = ['sim/direct', 'sim/explorer'];

interface Plan {
  status: TrialStatus;
  steps: number;
}

/** (task, model) → the three trials' outcome and number of agent steps. */
const PLANS: Record<string, Record<string, Plan[]>> = {
  'hello-world': {
    'sim/direct': [{ status: 'passed', steps: 3 }, { status: 'passed', steps: 3 }, { status: 'passed', steps: 4 }],
    'sim/explorer': [{ status: 'passed', steps: 7 }, { status: 'failed', steps: 8 }, { status: 'passed', steps: 6 }],
  },
  'csv-report': {
    'sim/direct': [{ status: 'failed', steps: 4 }, { status: 'passed', steps: 5 }, { status: 'infra_error', steps: 0 }],
    'sim/explorer': [{ status: 'passed', steps: 9 }, { status: 'passed', steps: 10 }, { status: 'failed', steps: 12 }],
  },
  [TRICKY_TASK]: {
    'sim/direct': [{ status: 'failed', steps: 4 }, { status: 'timeout', steps: 6 }, { status: 'failed', steps: 5 }],
    'sim/explorer': [{ status: 'failed', steps: 11 }, { status: 'passed', steps: 14 }, { status: 'failed', steps: 12 }],
  },
};

export interface Fixture {
  run: RunRecord;
  trials: TrialRecord[];
  calls: LlmCallRecord[];
  events: TranscriptEventRecord[];
}

export function realisticRun(): Fixture {
  const trials: TrialRecord[] = [];
  const calls: LlmCallRecord[] = [];
  const events: TranscriptEventRecord[] = [];
  let minute = 0;
  for (const task of FIXTURE_TASKS) {
    for (const model of FIXTURE_MODELS) {
      const plans = PLANS[task]?.[model] ?? [];
      plans.forEach((plan, index) => {
        const id = `${task.length}-${model}-${index}`.replace(/[^a-z0-9-]/gi, '_') + `-${FIXTURE_TASKS.indexOf(task)}`;
        const explorer = model === 'sim/explorer';
        let context = 1800; // system prompt + task
        let latency = 0;
        let eventSeq = 0;
        for (let step = 1; step <= plan.steps; step++) {
          const output = explorer ? 260 + 20 * step : 180 + 30 * step;
          const reasoning = explorer ? 60 : 90;
          // The explorer's harness caches the prefix; the direct one re-sends it uncached.
          const usage = explorer
            ? tokens({ input: 350, cacheRead: step === 1 ? 0 : context, cacheWrite: step === 1 ? context : 0, output, reasoning })
            : tokens({ input: context + 350, output, reasoning });
          const ms = 900 + 150 * step + (explorer ? 400 : 0);
          latency += ms;
          calls.push(call({
            trialId: id, seq: step, requestedModel: model, servedModel: model, usage, latencyMs: ms,
            costUsd: simPrice(model, usage),
            toolCalls: [{ name: 'bash', arguments: JSON.stringify({ command: 'ls -la' }) }],
          }));
          context += 350 + output;
          const category: ToolCategory = explorer
            ? (['read', 'search', 'read', 'exec', 'write', 'read'] as const)[step % 6] as ToolCategory
            : (['exec', 'write', 'exec', 'read'] as const)[step % 4] as ToolCategory;
          const payload: TranscriptEventRecord['payload'] = category === 'exec'
            ? { name: 'bash', arguments: { command: explorer ? `grep -rn "TODO" src/ | head -n ${step * 5}` : `python3 solve.py --step ${step}` } }
            : { name: category, arguments: { path: `/app/file-${step}.txt` } };
          events.push(toolEvent(id, ++eventSeq, category, payload));
        }
        const agentMs = plan.steps === 0 ? null : Math.round(latency * (explorer ? 1.35 : 1.6));
        const start = new Date(Date.UTC(2025, 0, 1, 0, minute++)).toISOString();
        trials.push(trial({
          id, taskId: task, modelId: model, trialIndex: index, status: plan.status,
          startedAt: start, agentDurationMs: agentMs, durationMs: agentMs === null ? 1200 : agentMs + 4000,
          error: plan.status === 'infra_error' ? 'image build failed' : null,
        }));
      });
    }
  }
  return {
    run: runRecord({ plan: { tasks: FIXTURE_TASKS, models: FIXTURE_MODELS, harness: 'kilo', trialsPerPair: 3 } }),
    trials,
    calls,
    events,
  };
}
