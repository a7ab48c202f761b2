/**
 * How a model behaves inside the harness, per trial and then per group: steps, tool calls by
 * category, read:write ratio, shell-command length, how much of its input is re-sent context,
 * cache hits, reasoning, where the money goes and where the time goes. Definitions in README.md.
 */
import { TOOL_CATEGORIES, type JsonValue, type LlmCallRecord, type TokenCounts, type ToolCategory, type TranscriptEventRecord } from '../store/records';
import { ratio } from './stats';
import { summariseCalls, type CallSummary } from './call-summary';
import { totalInput, type TrialFacts } from './trials';

export type ToolCounts = Record<ToolCategory, number> & { total: number };

/** Where a trial's tool calls were counted from (see `toolCallsOf`). */
export type ToolCallSource = 'transcript' | 'llm' | 'commands' | 'none';

/** Spend split: in USD when every call could be split by price, else in tokens. */
export interface SpendSplit {
  unit: 'usd' | 'tokens';
  /** Input that repeats earlier context of the trial (see `resentTokens`). */
  resentContext: number;
  /** The rest of the input. */
  newInput: number;
  /** Output other than reasoning. */
  output: number;
  reasoning: number;
}

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

export interface ContextTokens {
  /** Σ total input (input + cacheRead + cacheWrite) over calls. */
  totalInput: number;
  /** Σ re-sent input over calls. */
  resent: number;
  cacheRead: number;
  output: number;
  reasoning: number;
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

/**
 * Prices an arbitrary usage vector as if it were `call`'s (same model, same price list); null when
 * the model has no price. Used only to split a call's cost into its parts.
 */
export type UsagePricer = (usage: TokenCounts, call: LlmCallRecord) => number | null;

export function zeroToolCounts(): ToolCounts {
  const counts = { total: 0 } as ToolCounts;
  for (const c of TOOL_CATEGORIES) counts[c] = 0;
  return counts;
}

// ── tool calls ──────────────────────────────────────────────────────────────────────────────────

const EXACT_NAMES: Record<string, ToolCategory> = {
  bash: 'exec', shell: 'exec', sh: 'exec', exec: 'exec', execute: 'exec', run: 'exec', terminal: 'exec', command: 'exec',
  execute_command: 'exec', run_command: 'exec', run_shell_command: 'exec', run_terminal_cmd: 'exec', local_shell: 'exec',
  read: 'read', read_file: 'read', view: 'read', view_file: 'read', open_file: 'read', cat: 'read', readfile: 'read',
  write: 'write', write_file: 'write', write_to_file: 'write', create_file: 'write', edit: 'write', edit_file: 'write',
  multiedit: 'write', apply_patch: 'write', apply_diff: 'write', insert: 'write', str_replace: 'write',
  grep: 'search', glob: 'search', search: 'search', find: 'search', ls: 'search', list: 'search', list_files: 'search',
  list_dir: 'search', codebase_search: 'search', search_files: 'search',
  todowrite: 'plan', todoread: 'plan', todo_write: 'plan', update_plan: 'plan', plan: 'plan', think: 'plan',
  webfetch: 'network', web_fetch: 'network', fetch: 'network', web_search: 'network', websearch: 'network',
};

const NAME_PATTERNS: [RegExp, ToolCategory][] = [
  [/web|http|fetch|browser|url/, 'network'],
  [/search|grep|glob|find|list/, 'search'],
  [/write|edit|patch|replace|create|insert|delete|move|rename/, 'write'],
  [/read|view|open|cat/, 'read'],
  [/bash|shell|exec|command|terminal|run/, 'exec'],
  [/todo|plan|think/, 'plan'],
];

/** The category of a tool by its name, for tool calls seen only in the model's responses. */
export function categoriseToolName(name: string): ToolCategory {
  const n = name.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  const exact = EXACT_NAMES[n];
  if (exact) return exact;
  for (const [pattern, category] of NAME_PATTERNS) if (pattern.test(n)) return category;
  return 'other';
}

const COMMAND_KEYS = ['command', 'cmd', 'script', 'commandLine', 'command_line'];
const ARGUMENT_KEYS = ['arguments', 'args', 'input', 'parameters', 'params'];

function asRecord(value: JsonValue | undefined): Record<string, JsonValue> | undefined {
  if (typeof value === 'string') {
    const text = value.trim();
    if (!text.startsWith('{')) return undefined;
    try {
      return asRecord(JSON.parse(text) as JsonValue);
    } catch {
      return undefined;
    }
  }
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
}

function commandText(value: JsonValue | undefined): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.join(' ');
  return undefined;
}

/**
 * The shell command of an exec tool call: a `command` (or `cmd`, `script`, `commandLine`) string or
 * argv array, at the top of the payload or inside its `arguments`/`args`/`input` (an object or a
 * JSON string).
 */
export function commandOf(payload: JsonValue | undefined): string | undefined {
  const record = asRecord(payload);
  if (!record) return undefined;
  for (const key of COMMAND_KEYS) {
    const text = commandText(record[key]);
    if (text !== undefined) return text;
  }
  for (const key of ARGUMENT_KEYS) {
    const inner = asRecord(record[key]);
    if (!inner) continue;
    for (const k of COMMAND_KEYS) {
      const text = commandText(inner[k]);
      if (text !== undefined) return text;
    }
  }
  return undefined;
}

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
  let previous: TokenCounts | undefined;
  return calls.map((call) => {
    const input = totalInput(call.usage);
    const repeated = previous === undefined ? 0 : Math.min(input, totalInput(previous) + previous.output);
    if (input > 0) previous = call.usage;
    return repeated;
  });
}

/**
 * A call's spend split in tokens or dollars. The repeated tokens are taken to be the start of the
 * prompt, so they are counted against cache reads first, then cache writes, then uncached input;
 * the rest of the input is new. In dollars, each part is priced with the call's own prices
 * (`pricer` on a usage holding only that part) and the parts are scaled to add up to the call's
 * metered cost. Null in dollars when the call or a part has no price.
 */
export function splitCall(call: LlmCallRecord, repeated: number, pricer: UsagePricer | undefined): { tokens: SpendSplit; usd: SpendSplit | null } {
  const u = call.usage;
  const reasoning = Math.min(u.reasoning, u.output);
  const tokens: SpendSplit = {
    unit: 'tokens', resentContext: repeated, newInput: totalInput(u) - repeated, output: u.output - reasoning, reasoning,
  };
  if (!pricer || call.costUsd === null) return { tokens, usd: null };
  // Repeated tokens out of cache reads, then cache writes, then uncached input.
  const r1 = Math.min(repeated, u.cacheRead);
  const r2 = Math.min(repeated - r1, u.cacheWrite);
  const r3 = repeated - r1 - r2;
  const unit = (part: Partial<TokenCounts>, count: number): number | null => {
    if (count === 0) return 0;
    const cost = pricer({ input: 0, cacheRead: 0, cacheWrite: 0, output: 0, reasoning: 0, ...part }, call);
    return cost === null ? null : cost / count;
  };
  const perInput = unit({ input: u.input }, u.input);
  const perRead = unit({ cacheRead: u.cacheRead }, u.cacheRead);
  const perWrite = unit({ cacheWrite: u.cacheWrite }, u.cacheWrite);
  // Output and reasoning priced apart (an override may give reasoning its own price).
  const perOutput = unit({ output: u.output - reasoning }, u.output - reasoning);
  const perReasoning = unit({ output: reasoning, reasoning }, reasoning);
  if (perInput === null || perRead === null || perWrite === null || perOutput === null || perReasoning === null) return { tokens, usd: null };
  const raw = {
    resentContext: r1 * perRead + r2 * perWrite + r3 * perInput,
    newInput: (u.cacheRead - r1) * perRead + (u.cacheWrite - r2) * perWrite + (u.input - r3) * perInput,
    output: (u.output - reasoning) * perOutput,
    reasoning: reasoning * perReasoning,
  };
  const priced = raw.resentContext + raw.newInput + raw.output + raw.reasoning;
  const scale = priced > 0 ? call.costUsd / priced : 0;
  return {
    tokens,
    usd: {
      unit: 'usd',
      resentContext: raw.resentContext * scale,
      newInput: raw.newInput * scale,
      output: raw.output * scale,
      reasoning: raw.reasoning * scale,
    },
  };
}

export function addSplit(a: SpendSplit, b: SpendSplit): SpendSplit {
  return {
    unit: a.unit,
    resentContext: a.resentContext + b.resentContext,
    newInput: a.newInput + b.newInput,
    output: a.output + b.output,
    reasoning: a.reasoning + b.reasoning,
  };
}

export function emptySplit(unit: SpendSplit['unit']): SpendSplit {
  return { unit, resentContext: 0, newInput: 0, output: 0, reasoning: 0 };
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

interface TrialParts {
  fingerprint: TrialFingerprint;
  splits: TrialSplits;
}

/**
 * Tool calls by the source `toolCallsOf` would pick, with the model-response counts taken from the
 * call summary: transcript tool calls first, then the model's, then transcript commands.
 */
function trialToolCalls(summary: CallSummary, events: readonly TranscriptEventRecord[]): { source: ToolCallSource; toolCalls: ToolCounts; commandsMeasured: number; commandChars: number } {
  const fromEvents = toolCallsOf([], events);
  if (fromEvents.source !== 'transcript' && summary.toolCalls.total > 0) {
    return { source: 'llm', toolCalls: { ...summary.toolCalls }, commandsMeasured: summary.commandsMeasured, commandChars: summary.commandChars };
  }
  const toolCalls = zeroToolCounts();
  let commandsMeasured = 0;
  let commandChars = 0;
  for (const call of fromEvents.seen) {
    toolCalls[call.category] += 1;
    toolCalls.total += 1;
    if (call.category === 'exec' && call.command !== undefined) {
      commandsMeasured += 1;
      commandChars += [...call.command].length;
    }
  }
  return { source: fromEvents.source, toolCalls, commandsMeasured, commandChars };
}

/** The trial's call summary: the stored one when the facts carry it, else folded from its calls. */
function summaryOf(facts: TrialFacts, pricer: UsagePricer | undefined): CallSummary {
  return facts.summary ?? summariseCalls(facts.calls, pricer);
}

function trialParts(facts: TrialFacts, pricer: UsagePricer | undefined): TrialParts {
  const { events, trial } = facts;
  const summary = summaryOf(facts, pricer);
  const { source, toolCalls, commandsMeasured, commandChars } = trialToolCalls(summary, events);
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
  const parts = attempts.map((f) => trialParts(f, pricer));
  const n = parts.length;
  const toolCalls = zeroToolCounts();
  let llmCalls = 0;
  let commandsMeasured = 0;
  let commandChars = 0;
  const tokens: ContextTokens = { totalInput: 0, resent: 0, cacheRead: 0, output: 0, reasoning: 0 };
  const wall = { agentMs: 0, modelMs: 0, otherMs: 0, trialsTimed: 0 };
  let timeouts = 0;
  let tokenSplit = emptySplit('tokens');
  let usdSplit: SpendSplit | null = emptySplit('usd');
  for (const { fingerprint: f, splits } of parts) {
    llmCalls += f.llmCalls;
    for (const c of TOOL_CATEGORIES) toolCalls[c] += f.toolCalls[c];
    toolCalls.total += f.toolCalls.total;
    commandsMeasured += f.commandsMeasured;
    commandChars += f.commandChars;
    tokens.totalInput += f.tokens.totalInput;
    tokens.resent += f.tokens.resent;
    tokens.cacheRead += f.tokens.cacheRead;
    tokens.output += f.tokens.output;
    tokens.reasoning += f.tokens.reasoning;
    if (f.wallTime) {
      wall.agentMs += f.wallTime.agentMs;
      wall.modelMs += f.wallTime.modelMs;
      wall.otherMs += f.wallTime.otherMs;
      wall.trialsTimed += 1;
    }
    if (f.timedOut) timeouts += 1;
    tokenSplit = addSplit(tokenSplit, splits.tokens);
    if (f.llmCalls > 0) usdSplit = usdSplit && splits.usd ? addSplit(usdSplit, splits.usd) : null;
  }
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
    meanCommandLength: ratio(commandChars, commandsMeasured),
    resentContextShare: ratio(tokens.resent, tokens.totalInput),
    cacheHitShare: ratio(tokens.cacheRead, tokens.totalInput),
    reasoningShare: ratio(tokens.reasoning, tokens.output),
    spendSplit: anyCalls && usdSplit ? usdSplit : tokenSplit,
    wallTime: { ...wall, modelShare: ratio(wall.modelMs, wall.agentMs) },
    timeouts,
    timeoutRate: ratio(timeouts, n),
  };
}
