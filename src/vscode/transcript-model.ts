/**
 * What the transcript panel shows for one trial: a header, a timeline of steps (each LLM call with
 * tokens, cost and latency; each tool call with category, input and output), the cumulative cost,
 * the tests, the findings and the verifier's output. Pure (no VS Code): unit-tested on records.
 */
import type { JsonObject, JsonValue, LlmCallRecord, TranscriptEventRecord, TrialRecord } from '../core/store/records';
import type { StepView, TranscriptView } from '../protocol';
import { duration, money } from './runs-model';

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
        steps.push({ kind: 'message', seq: event.seq, at: event.at, text: text(p.text) });
        break;
      case 'test_result':
        break; // listed with the tests
      default:
        steps.push({ kind: 'note', seq: event.seq, at: event.at, label: event.kind, text: text(p.message ?? event.payload) });
    }
  }
  return steps;
}

export function cumulativeCost(calls: readonly LlmCallRecord[]): { seq: number; usd: number }[] {
  let total = 0;
  return [...calls].sort((a, b) => a.seq - b.seq).map((c) => {
    total += c.costUsd ?? 0;
    return { seq: c.seq, usd: total };
  });
}

export function transcriptView(trial: TrialRecord, calls: readonly LlmCallRecord[], events: readonly TranscriptEventRecord[], live: boolean): TranscriptView {
  const findings = trial.findings.map((f) => ({ kind: String(f.kind ?? 'finding'), text: typeof f.text === 'string' ? f.text : JSON.stringify(f) }));
  const verifier = findings.find((f) => f.kind === 'verifier_output') ?? (trial.status === 'verifier_error' ? findings.find((f) => f.kind === 'detail') : undefined);
  return {
    trialId: trial.id,
    live,
    header: {
      task: trial.taskId,
      model: trial.modelId,
      harness: trial.harness,
      status: trial.status,
      durationText: duration(trial.durationMs),
      costText: money(trial.costUsd, trial.costFlags.includes('unpriced') ? 'unpriced' : '—'),
      tokens: { ...trial.tokens },
      testsPassed: trial.testsPassed,
      testsFailed: trial.testsFailed,
      error: trial.error,
    },
    steps: transcriptSteps(events, calls),
    cumulative: cumulativeCost(calls),
    tests: trial.tests.map((t) => ({ name: t.name, status: t.status })),
    findings: findings.filter((f) => f !== verifier),
    verifierOutput: verifier?.text ?? null,
  };
}
