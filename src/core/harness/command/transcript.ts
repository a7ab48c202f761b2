/**
 * A behavioural transcript built from the metering proxy's records alone, for any harness whose own
 * logs are unknown. The scheduler already records one `llm_call` entry per call (assistant text,
 * tool calls, usage); this adds, per call:
 * - one `tool_call` entry per tool call of the response, with its category (shell commands
 *   classified by what they do, so read/write ratios mean something for shell-heavy agents);
 * - once the next call arrives (the request that carries their results), one `tool_result` entry
 *   per tool call of the previous response (a side request in between — no tool calls, a context
 *   no larger than before, such as a session title — is passed over). The call records hold no request bodies, so a result's
 *   size is not known exactly: the entry carries the context growth between the two calls (total
 *   input of the next call − total input and output of this one), which is what the results of the
 *   whole turn added to the conversation, in tokens. It is null when the next call is not a
 *   continuation of the same conversation (its context is smaller: another conversation, a
 *   compaction).
 * Pure: the same calls give the same entries.
 */
import type { MeteredCall } from '../../meter/types';
import type { TranscriptEntry } from '../harness';
import { classifyShellCommand, toolCategory, type ToolCategory } from '../../domain';

export type CallForTranscript = Pick<MeteredCall, 'seq' | 'toolCalls' | 'usage' | 'httpStatus' | 'error'>;

/** Parsed tool-call arguments; the raw text when they are not a JSON object. */
export function parseArguments(raw: string): Record<string, unknown> | string {
  try {
    const value = JSON.parse(raw || '{}') as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : raw;
  } catch {
    return raw;
  }
}

/** The shell command line of an exec-like tool call: `command`/`cmd` as a string, or an argv (`["bash", "-lc", "…"]`). */
export function shellCommandOf(args: Record<string, unknown> | string): string | undefined {
  if (typeof args === 'string') return undefined;
  for (const key of ['command', 'cmd', 'script']) {
    const value = args[key];
    if (typeof value === 'string' && value.trim()) return value;
    if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string')) {
      const argv = value as string[];
      const shell = /(^|\/)(ba|z|da)?sh$/.test(argv[0] as string);
      const flagIndex = argv.findIndex((a, i) => i > 0 && /^-[a-z]*c[a-z]*$/.test(a));
      if (shell && flagIndex > 0 && argv[flagIndex + 1] !== undefined) return argv[flagIndex + 1];
      return argv.join(' ');
    }
  }
  return undefined;
}

/** A tool call's category: exec tools by their command, everything else by name. */
export function categoryOf(name: string, args: Record<string, unknown> | string): ToolCategory {
  const byName = toolCategory(name);
  if (byName !== 'exec') return byName;
  const command = shellCommandOf(args);
  return command ? classifyShellCommand(command) : 'exec';
}

function totalInput(call: CallForTranscript): number {
  return call.usage.input + call.usage.cacheRead + call.usage.cacheWrite;
}

function succeeded(call: CallForTranscript): boolean {
  return call.httpStatus !== null && call.httpStatus >= 200 && call.httpStatus < 300 && !call.error;
}

/** Incremental: feed calls in order as they arrive, then `end()`. */
export class CallTranscript {
  private pending: { call: CallForTranscript; calls: { name: string; id: string | null; category: ToolCategory }[] } | undefined;
  private readonly counts = new Map<ToolCategory, number>();
  private toolCallCount = 0;

  /** Entries for this call: results of the previous call's tool calls (when this call continues it), then this call's tool calls. */
  next(call: CallForTranscript): TranscriptEntry[] {
    const entries: TranscriptEntry[] = [];
    // A failed call (retried by the client) answers nothing; its retry carries the same results.
    if (!succeeded(call)) return entries;
    // A call with no tool calls whose context did not grow is a side request (a session title, a
    // summary): the pending results wait for the conversation's own next call.
    if (this.pending && call.toolCalls.length === 0 && totalInput(call) <= totalInput(this.pending.call)) return entries;
    if (this.pending) entries.push(...this.results(call));
    const calls: { name: string; id: string | null; category: ToolCategory }[] = [];
    for (const tool of call.toolCalls) {
      const input = parseArguments(tool.arguments);
      const category = categoryOf(tool.name, input);
      calls.push({ name: tool.name, id: tool.id, category });
      this.counts.set(category, (this.counts.get(category) ?? 0) + 1);
      this.toolCallCount++;
      entries.push({
        kind: 'tool_call', toolCategory: category,
        payload: {
          callSeq: call.seq, tool: tool.name, ...(tool.id ? { toolCallId: tool.id } : {}), input,
          ...(tool.argumentsBytes > tool.arguments.length ? { inputBytes: tool.argumentsBytes } : {}),
          source: 'metered_call',
        },
      });
    }
    this.pending = calls.length > 0 ? { call, calls } : undefined;
    return entries;
  }

  /** Tool calls of the last response that no later request answered (the agent stopped, or the time ran out). */
  end(): TranscriptEntry[] {
    const entries = this.pending ? this.results(undefined) : [];
    this.pending = undefined;
    return entries;
  }

  /** Tool calls seen so far, by category. */
  toolCallsByCategory(): Partial<Record<ToolCategory, number>> {
    return Object.fromEntries(this.counts);
  }

  get toolCalls(): number {
    return this.toolCallCount;
  }

  private results(next: CallForTranscript | undefined): TranscriptEntry[] {
    const pending = this.pending;
    if (!pending) return [];
    let growth: number | null = null;
    if (next) {
      const grew = totalInput(next) - (totalInput(pending.call) + pending.call.usage.output);
      growth = grew >= 0 ? grew : null;
    }
    return pending.calls.map((c) => ({
      kind: 'tool_result' as const, toolCategory: c.category,
      payload: {
        callSeq: pending.call.seq, tool: c.name, ...(c.id ? { toolCallId: c.id } : {}),
        ...(next
          ? { answeredInCall: next.seq, turnResultsTokensApprox: growth, toolCallsInTurn: pending.calls.length }
          : { answeredInCall: null, note: 'no later request carried this result' }),
        source: 'metered_call',
      },
    }));
  }
}

/** The derived entries for a whole trial's calls (in seq order). */
export function transcriptFromCalls(calls: readonly CallForTranscript[]): TranscriptEntry[] {
  const transcript = new CallTranscript();
  const ordered = [...calls].sort((a, b) => a.seq - b.seq);
  return [...ordered.flatMap((c) => transcript.next(c)), ...transcript.end()];
}

/** Steps (successful model calls), tool calls by category and tokens, for summaries. */
export function summarizeCalls(calls: readonly (CallForTranscript & Pick<MeteredCall, 'costUsd'>)[]): {
  calls: number; steps: number; toolCalls: number; byCategory: Partial<Record<ToolCategory, number>>;
  tokens: MeteredCall['usage']; costUsd: number | null;
} {
  const transcript = new CallTranscript();
  const ordered = [...calls].sort((a, b) => a.seq - b.seq);
  for (const call of ordered) transcript.next(call);
  const tokens = { input: 0, cacheRead: 0, cacheWrite: 0, output: 0, reasoning: 0 };
  for (const { usage } of ordered) for (const k of Object.keys(tokens) as (keyof typeof tokens)[]) tokens[k] += usage[k];
  const costUsd = ordered.some((c) => c.costUsd === null) ? null : ordered.reduce((sum, c) => sum + (c.costUsd ?? 0), 0);
  return { calls: ordered.length, steps: ordered.filter(succeeded).length, toolCalls: transcript.toolCalls, byCategory: transcript.toolCallsByCategory(), tokens, costUsd };
}
