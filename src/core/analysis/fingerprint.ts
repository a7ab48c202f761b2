/**
 * How a model behaves inside the harness, per trial and then per group: steps, tool calls by
 * category, read:write ratio, shell-command length, how much of its input is re-sent context,
 * cache hits, reasoning, where the money goes and where the time goes. Definitions in README.md.
 */
import {
  commandOf, emptySplit, summariseCalls, summariseTranscript, zeroToolCounts, type CallSummary, type TranscriptToolSummary, type ContextTokens, type SpendSplit, type ToolCounts, type UsagePricer,
} from '../calls';
import { categoriseToolName, TOOL_CATEGORIES, totalInput, type TokenUsage, type ToolCategory } from '../domain';
import type { LlmCallRecord, TranscriptEventRecord } from '../store';
import { ratio } from './stats';
import type { TrialFacts } from './trials';

/** Where a trial's tool calls were counted from (see `toolCallsOf`). */
export type ToolCallSource = 'transcript' | 'llm' | 'commands' | 'none';

export interface WallTimeSplit {
  /** The agent phase of the trial (its `agentDurationMs`). */
  agentMs: number;
  /** Σ call latencies, capped at agentMs. */
  modelMs: number;
  /** agentMs − modelMs: tools, the harness itself, anything but waiting for the model. */
  otherMs: number;
  /** modelMs ÷ agentMs (null when agentMs is 0). */
  modelShare: number | null;
}

export interface TrialFingerprint {
  trialId: string;
  llmCalls: number;
  toolCalls: ToolCounts;
  toolCallSource: ToolCallSource;
  /** reads ÷ writes; null when there were no writes. */
  readWriteRatio: number | null;
  /** Exec calls whose command text was found, and their total length in characters. */
  commandsMeasured: number;
  commandChars: number;
  meanCommandLength: number | null;
  tokens: ContextTokens;
  resentContextShare: number | null;
  cacheHitShare: number | null;
  reasoningShare: number | null;
  spendSplit: SpendSplit;
  wallTime: WallTimeSplit | null;
  timedOut: boolean;
}

export interface GroupFingerprint {
  /** Attempts the fingerprint is over. */
  trials: number;
  llmCalls: number;
  llmCallsPerAttempt: number | null;
  toolCalls: ToolCounts;
  toolCallsPerAttempt: ToolCounts | null;
  readWriteRatio: number | null;
  meanCommandLength: number | null;
  resentContextShare: number | null;
  cacheHitShare: number | null;
  reasoningShare: number | null;
  spendSplit: SpendSplit;
  wallTime: { agentMs: number; modelMs: number; otherMs: number; modelShare: number | null; trialsTimed: number };
  timeouts: number;
  timeoutRate: number | null;
}

// ── tool calls ──────────────────────────────────────────────────────────────────────────────────

interface ToolCallSeen {
  category: ToolCategory;
  command: string | undefined;
}

/**
 * A trial's tool calls, from the best source it has: its transcript's `tool_call` events (with the
 * harness's own categories; none given counts as `other`); else the tool calls the metering proxy
 * saw in the model's responses (categorised by tool name); else its transcript's `command` events
 * (a harness that runs shell commands itself, like the oracle), each an exec call.
 */
export function toolCallsOf(calls: readonly LlmCallRecord[], events: readonly TranscriptEventRecord[]): { source: ToolCallSource; seen: ToolCallSeen[] } {
  const toolEvents = events.filter((e) => e.kind === 'tool_call');
  if (toolEvents.length > 0) {
    return {
      source: 'transcript',
      seen: toolEvents.map((e) => {
        const category = e.toolCategory ?? 'other';
        return { category, command: category === 'exec' ? commandOf(e.payload) : undefined };
      }),
    };
  }
  const fromCalls = calls.flatMap((c) => c.toolCalls);
  if (fromCalls.length > 0) {
    return {
      source: 'llm',
      seen: fromCalls.map((t) => {
        const category = categoriseToolName(t.name);
        return { category, command: category === 'exec' ? commandOf({ arguments: t.arguments ?? null }) : undefined };
      }),
    };
  }
  const commands = events.filter((e) => e.kind === 'command');
  if (commands.length > 0) {
    return { source: 'commands', seen: commands.map((e) => ({ category: 'exec' as const, command: commandOf(e.payload) })) };
  }
  return { source: 'none', seen: [] };
}

// ── context ─────────────────────────────────────────────────────────────────────────────────────

/**
 * Re-sent input tokens per call, in call order. Call 1 re-sends nothing. For a later call k, the
 * context it could repeat is what the previous call with usage saw plus what it produced:
 * repeated_k = min(totalInput_k, totalInput_prev + output_prev). (An agent loop sends the whole
 * conversation again each step; the estimate cannot tell a repeated prefix from new text of the
 * same length, and ignores context shed by compaction beyond that cap.) Calls that report no input
 * (errors) are skipped as "previous".
 */
export function resentTokens(calls: readonly LlmCallRecord[]): number[] {
  let previous: TokenUsage | undefined;
  return calls.map((call) => {
    const input = totalInput(call.usage);
    const repeated = previous === undefined ? 0 : Math.min(input, totalInput(previous) + previous.output);
    if (input > 0) previous = call.usage;
    return repeated;
  });
}

// ── per trial, per group ────────────────────────────────────────────────────────────────────────

/** Model time vs the rest of the agent phase; null when the trial has no agent duration. */
export function wallTimeSplit(calls: readonly LlmCallRecord[], agentDurationMs: number | null): WallTimeSplit | null {
  return wallTimeOf(calls.reduce((acc, c) => acc + (c.latencyMs ?? 0), 0), agentDurationMs);
}

function wallTimeOf(latency: number, agentDurationMs: number | null): WallTimeSplit | null {
  if (agentDurationMs === null) return null;
  const modelMs = Math.min(latency, agentDurationMs);
  return { agentMs: agentDurationMs, modelMs, otherMs: agentDurationMs - modelMs, modelShare: ratio(modelMs, agentDurationMs) };
}

interface TrialSplits {
  tokens: SpendSplit;
  /** null when some call could not be split in dollars (or the trial had none). */
  usd: SpendSplit | null;
}

export interface TrialParts {
  fingerprint: TrialFingerprint;
  splits: TrialSplits;
}

/**
 * Tool calls by the source `toolCallsOf` would pick, from the call summary and the transcript's
 * summary: transcript tool calls first, then the model's, then transcript commands.
 */
function trialToolCalls(summary: CallSummary, transcript: TranscriptToolSummary): { source: ToolCallSource; toolCalls: ToolCounts; commandsMeasured: number; commandChars: number } {
  if (transcript.toolCalls.total > 0) {
    return { source: 'transcript', toolCalls: { ...transcript.toolCalls }, commandsMeasured: transcript.toolCommandsMeasured, commandChars: transcript.toolCommandChars };
  }
  if (summary.toolCalls.total > 0) {
    return { source: 'llm', toolCalls: { ...summary.toolCalls }, commandsMeasured: summary.commandsMeasured, commandChars: summary.commandChars };
  }
  const toolCalls = zeroToolCounts();
  if (transcript.commands > 0) {
    toolCalls.exec = transcript.commands;
    toolCalls.total = transcript.commands;
    return { source: 'commands', toolCalls, commandsMeasured: transcript.commandsMeasured, commandChars: transcript.commandChars };
  }
  return { source: 'none', toolCalls, commandsMeasured: 0, commandChars: 0 };
}

/** The trial's call summary: the stored one when the facts carry it, else folded from its calls. */
function summaryOf(facts: TrialFacts, pricer: UsagePricer | undefined): CallSummary {
  return facts.summary ?? summariseCalls(facts.calls, pricer);
}

/** A trial's fingerprint and spend splits (what `groupFingerprintOf` adds up). */
export function trialParts(facts: TrialFacts, pricer: UsagePricer | undefined): TrialParts {
  const { events, trial } = facts;
  const summary = summaryOf(facts, pricer);
  const { source, toolCalls, commandsMeasured, commandChars } = trialToolCalls(summary, facts.transcript ?? summariseTranscript(events));
  const tokens = { ...summary.context };
  const splits: TrialSplits = { tokens: summary.tokenSplit, usd: summary.calls > 0 ? summary.usdSplit : null };
  return {
    splits,
    fingerprint: {
      trialId: trial.id,
      llmCalls: summary.calls,
      toolCalls,
      toolCallSource: source,
      readWriteRatio: ratio(toolCalls.read, toolCalls.write),
      commandsMeasured,
      commandChars,
      meanCommandLength: ratio(commandChars, commandsMeasured),
      tokens,
      resentContextShare: ratio(tokens.resent, tokens.totalInput),
      cacheHitShare: ratio(tokens.cacheRead, tokens.totalInput),
      reasoningShare: ratio(tokens.reasoning, tokens.output),
      spendSplit: splits.usd ?? splits.tokens,
      wallTime: wallTimeOf(summary.latencyMs, trial.agentDurationMs),
      timedOut: trial.status === 'timeout',
    },
  };
}

export function trialFingerprint(facts: TrialFacts, pricer?: UsagePricer): TrialFingerprint {
  return trialParts(facts, pricer).fingerprint;
}

/**
 * A group's fingerprint over its attempts: counts are totals (and per attempt), ratios and shares
 * are ratios of totals (token-weighted), not means of per-trial ratios. The spend split is in
 * dollars only when every attempt with calls could be split in dollars.
 */
export function groupFingerprint(attempts: readonly TrialFacts[], pricer?: UsagePricer): GroupFingerprint {
  return groupFingerprintOf(attempts.map((f) => trialParts(f, pricer)));
}

/** `groupFingerprint` from the attempts' `trialParts`, computed once per trial by the caller. */
export function groupFingerprintOf(parts: readonly TrialParts[]): GroupFingerprint {
  const sums = new FingerprintSums();
  for (const { fingerprint: f, splits } of parts) {
    sums.add(f.llmCalls, f.toolCalls, f.commandsMeasured, f.commandChars, f.tokens, splits.tokens, splits.usd);
    if (f.wallTime) sums.addWallTime(f.wallTime.agentMs, f.wallTime.modelMs, f.wallTime.otherMs);
    if (f.timedOut) sums.timeouts += 1;
  }
  return sums.fingerprint();
}

/**
 * A group's fingerprint from its attempts' facts, each trial's call and transcript summary added
 * straight into the group's sums: the same figures, in the same order of additions, as
 * `groupFingerprintOf` over `trialParts`, without making a fingerprint per trial.
 */
export function groupFingerprintOfFacts(attempts: readonly TrialFacts[], summaryOf: (facts: TrialFacts) => CallSummary): GroupFingerprint {
  const sums = new FingerprintSums();
  for (const f of attempts) {
    const summary = summaryOf(f);
    const transcript = f.transcript ?? summariseTranscript(f.events);
    const usd = summary.calls > 0 ? summary.usdSplit : null;
    if (transcript.toolCalls.total > 0) {
      sums.add(summary.calls, transcript.toolCalls, transcript.toolCommandsMeasured, transcript.toolCommandChars, summary.context, summary.tokenSplit, usd);
    } else if (summary.toolCalls.total > 0) {
      sums.add(summary.calls, summary.toolCalls, summary.commandsMeasured, summary.commandChars, summary.context, summary.tokenSplit, usd);
    } else {
      // Transcript commands, each an exec call, or no tool calls at all (what `trialToolCalls` counts).
      const commands = transcript.commands > 0;
      sums.add(summary.calls, null, commands ? transcript.commandsMeasured : 0, commands ? transcript.commandChars : 0, summary.context, summary.tokenSplit, usd);
      sums.toolCalls.exec += transcript.commands;
      sums.toolCalls.total += transcript.commands;
    }
    const agentMs = f.trial.agentDurationMs;
    if (agentMs !== null) {
      const modelMs = Math.min(summary.latencyMs, agentMs);
      sums.addWallTime(agentMs, modelMs, agentMs - modelMs);
    }
    if (f.trial.status === 'timeout') sums.timeouts += 1;
  }
  return sums.fingerprint();
}

/** `addSplit` into `into` itself (the same additions, no new object per attempt). */
function addInto(into: SpendSplit, part: SpendSplit): void {
  into.resentContext += part.resentContext;
  into.newInput += part.newInput;
  into.output += part.output;
  into.reasoning += part.reasoning;
}

/** The running sums a group fingerprint is made of. */
class FingerprintSums {
  n = 0;
  llmCalls = 0;
  readonly toolCalls = zeroToolCounts();
  commandsMeasured = 0;
  commandChars = 0;
  readonly tokens: ContextTokens = { totalInput: 0, resent: 0, cacheRead: 0, output: 0, reasoning: 0 };
  readonly wall = { agentMs: 0, modelMs: 0, otherMs: 0, trialsTimed: 0 };
  timeouts = 0;
  readonly tokenSplit = emptySplit('tokens');
  usdSplit: SpendSplit | null = emptySplit('usd');

  /** One attempt (no `toolCalls`: none to add); `usd` is its dollar split, null when it has none. */
  add(
    llmCalls: number, toolCalls: ToolCounts | null, commandsMeasured: number, commandChars: number, tokens: ContextTokens,
    tokenSplit: SpendSplit, usd: SpendSplit | null,
  ): void {
    this.n += 1;
    this.llmCalls += llmCalls;
    if (toolCalls) {
      for (const c of TOOL_CATEGORIES) this.toolCalls[c] += toolCalls[c];
      this.toolCalls.total += toolCalls.total;
    }
    this.commandsMeasured += commandsMeasured;
    this.commandChars += commandChars;
    this.tokens.totalInput += tokens.totalInput;
    this.tokens.resent += tokens.resent;
    this.tokens.cacheRead += tokens.cacheRead;
    this.tokens.output += tokens.output;
    this.tokens.reasoning += tokens.reasoning;
    addInto(this.tokenSplit, tokenSplit);
    if (llmCalls > 0) {
      if (this.usdSplit && usd) addInto(this.usdSplit, usd);
      else this.usdSplit = null;
    }
  }

  addWallTime(agentMs: number, modelMs: number, otherMs: number): void {
    this.wall.agentMs += agentMs;
    this.wall.modelMs += modelMs;
    this.wall.otherMs += otherMs;
    this.wall.trialsTimed += 1;
  }

  fingerprint(): GroupFingerprint {
    const { n, toolCalls, llmCalls, tokens, wall, timeouts } = this;
    const perAttempt = zeroToolCounts();
    for (const c of TOOL_CATEGORIES) perAttempt[c] = n === 0 ? 0 : toolCalls[c] / n;
    perAttempt.total = n === 0 ? 0 : toolCalls.total / n;
    const anyCalls = llmCalls > 0;
    return {
      trials: n,
      llmCalls,
      llmCallsPerAttempt: ratio(llmCalls, n),
      toolCalls,
      toolCallsPerAttempt: n === 0 ? null : perAttempt,
      readWriteRatio: ratio(toolCalls.read, toolCalls.write),
      meanCommandLength: ratio(this.commandChars, this.commandsMeasured),
      resentContextShare: ratio(tokens.resent, tokens.totalInput),
      cacheHitShare: ratio(tokens.cacheRead, tokens.totalInput),
      reasoningShare: ratio(tokens.reasoning, tokens.output),
      spendSplit: anyCalls && this.usdSplit ? this.usdSplit : this.tokenSplit,
      wallTime: { ...wall, modelShare: ratio(wall.modelMs, wall.agentMs) },
      timeouts,
      timeoutRate: ratio(timeouts, n),
    };
  }
}
