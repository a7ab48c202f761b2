/**
 * What the transcript panel shows for one trial: a header, a timeline of steps (each LLM call with
 * tokens, cost and latency; each tool call with category, input and output), the cumulative cost,
 * the tests, the findings and the verifier's output. Pure (no VS Code): unit-tested on records.
 */
import type { JsonObject, JsonValue, LlmCallRecord, TranscriptEventRecord, TrialRecord } from '../core/store';
import { EXCLUDED_FROM_PASS_RATE } from '../core/domain';
import type { StepView, TranscriptFilters, TranscriptNav, TranscriptView, VerdictView } from '../protocol';
import { duration, money } from './runs-model';
import { formatCount } from '../core/format';

function obj(value: JsonValue): JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : {};
}

function text(value: JsonValue | undefined): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
}

function numberOr(value: JsonValue | undefined, fallback: number | null): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

/** A tool call's input as a person reads it: a shell command as is, anything else as JSON. */
export function toolInput(input: JsonValue | undefined): string {
  const o = obj(input ?? null);
  if (typeof o.command === 'string' && Object.keys(o).length <= 2) return o.command;
  return text(input);
}

export function transcriptSteps(events: readonly TranscriptEventRecord[], calls: readonly LlmCallRecord[]): StepView[] {
  const callsBySeq = new Map(calls.map((c) => [c.seq, c]));
  const steps: StepView[] = [];
  /** Tool steps still waiting for their result, by tool name. */
  const open = new Map<string, Extract<StepView, { kind: 'tool' }>[]>();
  let lastCommand: Extract<StepView, { kind: 'tool' }> | undefined;
  for (const event of events) {
    const p = obj(event.payload);
    switch (event.kind) {
      case 'llm_call': {
        const call = callsBySeq.get(Number(p.seq));
        const usage = call?.usage ?? { input: 0, cacheRead: 0, cacheWrite: 0, output: 0, reasoning: 0, ...obj(p.usage ?? null) } as LlmCallRecord['usage'];
        const cost = call ? call.costUsd : numberOr(p.costUsd, null);
        const latency = call ? call.latencyMs : numberOr(p.latencyMs, null);
        const toolCalls = Array.isArray(p.toolCalls) ? p.toolCalls.map((t) => String(obj(t).name ?? '')) : call?.toolCalls.map((t) => t.name) ?? [];
        steps.push({
          kind: 'llm', seq: typeof p.seq === 'number' ? p.seq : event.seq, at: event.at,
          tokens: { input: usage.input, cacheRead: usage.cacheRead, cacheWrite: usage.cacheWrite, output: usage.output, reasoning: usage.reasoning },
          costText: money(cost), latencyText: duration(latency),
          text: text(p.text), error: call?.error ?? (typeof p.error === 'string' ? p.error : null), toolNames: toolCalls.filter(Boolean),
        });
        break;
      }
      case 'tool_call': {
        const tool = String(p.tool ?? 'tool');
        const step: Extract<StepView, { kind: 'tool' }> = {
          kind: 'tool', seq: event.seq, at: event.at, tool, category: event.toolCategory ?? 'other',
          input: toolInput(p.input), output: null, outputBytes: null, isError: false, exitCode: null, durationText: '',
        };
        steps.push(step);
        open.set(tool, [...(open.get(tool) ?? []), step]);
        break;
      }
      case 'tool_result': {
        const tool = String(p.tool ?? 'tool');
        const step = open.get(tool)?.shift();
        const fields = {
          output: text(p.output), outputBytes: numberOr(p.outputBytes, null), isError: p.isError === true,
          exitCode: numberOr(p.exitCode, null), durationText: typeof p.durationMs === 'number' ? duration(p.durationMs) : '',
        };
        if (step) Object.assign(step, fields);
        else steps.push({ kind: 'tool', seq: event.seq, at: event.at, tool, category: event.toolCategory ?? 'other', input: '', ...fields });
        break;
      }
      case 'command': {
        lastCommand = {
          kind: 'tool', seq: event.seq, at: event.at, tool: 'command', category: event.toolCategory ?? 'exec',
          input: text(p.command), output: null, outputBytes: null, isError: false, exitCode: null, durationText: '',
        };
        steps.push(lastCommand);
        break;
      }
      case 'output': {
        const out = [text(p.stdout), text(p.stderr)].filter(Boolean).join('\n') || text(p.text);
        const exitCode = numberOr(p.exitCode, null);
        if (lastCommand && lastCommand.output === null) Object.assign(lastCommand, { output: out, exitCode, isError: exitCode !== null && exitCode !== 0, outputBytes: out.length });
        else steps.push({ kind: 'note', seq: event.seq, at: event.at, label: 'output', text: out });
        break;
      }
      case 'model_message':
        // Kilo's step summaries ride as model_message entries with `kiloStep`: they are the harness's own telemetry.
        if (p.kiloStep !== undefined) steps.push({ kind: 'telemetry', seq: event.seq, at: event.at, source: 'Kilo', text: kiloStepText(obj(p.kiloStep)) });
        else steps.push({ kind: 'message', seq: event.seq, at: event.at, text: text(p.text) });
        break;
      case 'test_result':
        break; // listed with the tests
      default:
        steps.push({ kind: 'note', seq: event.seq, at: event.at, label: event.kind, text: text(p.message ?? event.payload) });
    }
  }
  return steps;
}

/**
 * "step 2 ended (tool-calls) · Kilo counted in 1,200 · cache read 800 · out 95 tokens". Kilo's own cost
 * figure is left out: the metered LLM calls are the cost of record (and Kilo reports $0 for models it
 * has no price for).
 */
export function kiloStepText(step: JsonObject): string {
  const t = obj(step.tokens ?? null);
  const n = (v: JsonValue | undefined) => (typeof v === 'number' ? formatCount(v) : '0');
  const reason = typeof step.reason === 'string' && step.reason ? ` (${step.reason})` : '';
  const index = typeof step.index === 'number' ? ` ${step.index}` : '';
  return `step${index} ended${reason} · Kilo counted in ${n(t.input)} · cache read ${n(t.cacheRead)} · cache write ${n(t.cacheWrite)} · out ${n(t.output)}${typeof t.reasoning === 'number' && t.reasoning ? ` + reasoning ${n(t.reasoning)}` : ''} tokens`;
}

/** The last `lines` lines of a text. */
export function tail(textIn: string, lines = 20): string {
  const all = textIn.replace(/\s+$/, '').split('\n');
  return all.length <= lines ? all.join('\n') : `… ${all.length - lines} earlier lines\n${all.slice(-lines).join('\n')}`;
}

const REASONS: Partial<Record<TrialRecord['status'], string>> = {
  timeout: 'the agent ran out of time before the tests ran',
  test_timeout: 'the tests ran out of time',
  budget_exceeded: 'the trial reached its budget',
  harness_error: 'the harness failed',
  provider_error: 'the model provider failed (not counted as an attempt)',
  infra_error: 'Docker or the task setup failed (not counted as an attempt)',
  verifier_error: 'the verifier could not judge the work (not counted as an attempt)',
  cancelled: 'the run was cancelled',
  interrupted: 'the run stopped before this trial finished',
  queued: 'not started yet',
  running: 'still running',
};

/** Why the trial ended as it did: the failed tests, the error, and the verifier output's tail. */
export function verdictOf(trial: TrialRecord, verifierOutput: string | null): VerdictView {
  const failedTests = trial.tests.filter((t) => t.status === 'failed' || t.status === 'error').map((t) => t.name);
  const total = trial.tests.length;
  const passed = trial.status === 'passed' ? true : EXCLUDED_FROM_PASS_RATE.has(trial.status) ? null : false;
  let reason: string;
  if (trial.status === 'passed') reason = total ? `all ${total} test${total === 1 ? '' : 's'} passed` : 'the tests passed';
  else if (trial.status === 'failed') reason = failedTests.length ? `${failedTests.length} of ${total} test${total === 1 ? '' : 's'} failed` : 'the tests failed (no per-test results: see the verifier output)';
  else reason = REASONS[trial.status] ?? trial.status.replace(/_/g, ' ');
  if (trial.error && trial.status !== 'passed') reason += `: ${trial.error.split('\n')[0]?.slice(0, 300)}`;
  return { status: trial.status, passed, reason, failedTests, verifierTail: verifierOutput ? tail(verifierOutput) : null };
}

/** Trials in the order next/previous walks them: by task, then model, then trial number. */
function ordered(trials: readonly TrialRecord[]): TrialRecord[] {
  return [...trials].sort((a, b) => a.taskId.localeCompare(b.taskId) || a.modelId.localeCompare(b.modelId) || a.harness.localeCompare(b.harness) || a.trialIndex - b.trialIndex);
}

export function matches(trial: TrialRecord, f: TranscriptFilters): boolean {
  return (!f.task || trial.taskId === f.task) && (!f.model || trial.modelId === f.model) && (!f.status || trial.status === f.status);
}

export const NO_FILTERS: TranscriptFilters = { task: null, model: null, status: null };

/** Where this trial sits among the run's trials that match the filters, and its neighbours. */
export function transcriptNav(current: TrialRecord, runTrials: readonly TrialRecord[], filters: TranscriptFilters): TranscriptNav {
  const all = ordered(runTrials);
  const list = all.filter((t) => matches(t, filters));
  const at = list.findIndex((t) => t.id === current.id);
  const before = at >= 0 ? list[at - 1] : [...all.slice(0, all.findIndex((t) => t.id === current.id))].reverse().find((t) => matches(t, filters));
  const after = at >= 0 ? list[at + 1] : all.slice(all.findIndex((t) => t.id === current.id) + 1).find((t) => matches(t, filters));
  const uniq = (xs: string[]) => [...new Set(xs)].sort();
  return {
    index: at + 1,
    count: list.length,
    prevTrialId: before?.id ?? null,
    nextTrialId: after?.id ?? null,
    filters: { ...filters },
    choices: { tasks: uniq(all.map((t) => t.taskId)), models: uniq(all.map((t) => t.modelId)), statuses: uniq(all.map((t) => t.status)) },
  };
}

/** The first trial matching the filters (to show when the current one does not match a new filter). */
export function firstMatch(runTrials: readonly TrialRecord[], filters: TranscriptFilters): TrialRecord | undefined {
  return ordered(runTrials).find((t) => matches(t, filters));
}

export function cumulativeCost(calls: readonly LlmCallRecord[]): { seq: number; usd: number }[] {
  let total = 0;
  return [...calls].sort((a, b) => a.seq - b.seq).map((c) => {
    total += c.costUsd ?? 0;
    return { seq: c.seq, usd: total };
  });
}

export interface TranscriptContext {
  /** The task's instruction from the run's snapshot of it. */
  instruction: string | null;
  /** The other trials of the run (for next/previous). */
  runTrials: readonly TrialRecord[];
  filters: TranscriptFilters;
}

/** The trial's cost as the metered calls add it up (the cost of record); the trial's own figure when no call was metered. */
export function meteredCost(trial: TrialRecord, calls: readonly LlmCallRecord[]): number | null {
  if (calls.length === 0) return trial.costUsd;
  if (calls.some((c) => c.costUsd === null)) return trial.costUsd;
  return calls.reduce((sum, c) => sum + (c.costUsd ?? 0), 0);
}

/** The trial's engine, when the run's trials ran on more than one engine (a run on one engine shows none). */
export function trialEngine(trial: TrialRecord, runTrials: readonly TrialRecord[]): string | null {
  const engines = new Set([trial, ...runTrials].map((t) => t.engine).filter((e): e is string => typeof e === 'string' && e !== ''));
  return engines.size > 1 && trial.engine ? trial.engine : null;
}

export function transcriptView(trial: TrialRecord, calls: readonly LlmCallRecord[], events: readonly TranscriptEventRecord[], live: boolean, context: TranscriptContext = { instruction: null, runTrials: [trial], filters: NO_FILTERS }): TranscriptView {
  const findings = trial.findings.map((f) => ({ kind: String(f.kind ?? 'finding'), text: typeof f.text === 'string' ? f.text : JSON.stringify(f) }));
  const verifier = findings.find((f) => f.kind === 'verifier_output') ?? (trial.status === 'verifier_error' ? findings.find((f) => f.kind === 'detail') : undefined);
  return {
    trialId: trial.id,
    live,
    instruction: context.instruction,
    verdict: verdictOf(trial, verifier?.text ?? null),
    nav: transcriptNav(trial, context.runTrials.some((t) => t.id === trial.id) ? context.runTrials : [...context.runTrials, trial], context.filters),
    header: {
      task: trial.taskId,
      model: trial.modelId,
      harness: trial.harness,
      status: trial.status,
      durationText: duration(trial.durationMs),
      costText: money(meteredCost(trial, calls), trial.costFlags.includes('unpriced') ? 'unpriced' : '—'),
      tokens: { ...trial.tokens },
      testsPassed: trial.testsPassed,
      testsFailed: trial.testsFailed,
      error: trial.error,
      engine: trialEngine(trial, context.runTrials),
    },
    steps: transcriptSteps(events, calls),
    cumulative: cumulativeCost(calls),
    tests: trial.tests.map((t) => ({ name: t.name, status: t.status })),
    findings: findings.filter((f) => f !== verifier),
    verifierOutput: verifier?.text ?? null,
  };
}
