/**
 * What a CLI says it used, read from its own structured output, and its reconciliation with the
 * metering proxy (the record of spend). Conventions are brought to the proxy's: `input` is uncached
 * input only, `output` includes reasoning/thinking.
 *
 * - Claude Code (`--output-format stream-json`): the final `result` event carries `total_cost_usd`,
 *   `num_turns` and `modelUsage` per model (inputTokens, outputTokens, cacheReadInputTokens,
 *   cacheCreationInputTokens, thinkingTokens, costUSD, costBasis). Compared per model with the
 *   proxy's calls for that model.
 * - OpenCode (`--format json`): one `step_finish` per model turn with `tokens` {input, output
 *   (without reasoning), reasoning, cache.read, cache.write} and `cost`. Steps are paired with
 *   calls of exactly the same usage; calls no step accounts for (the session title) are explained.
 * - Codex (`exec --json`): `turn.completed` with `usage` {input_tokens (with cached),
 *   cached_input_tokens, output_tokens, reasoning_output_tokens}, per turn (a turn may span calls).
 */
import { asArray, asCount, asObject, asString, type JsonObject } from '../../json';
import type { MeteredCall } from '../../meter/types';
import type { TokenUsage } from '../../domain';
import type { OutputFormat } from './preset';
import { formatUsdPrecise, plural } from '../../format';

export interface ReportedUsage {
  format: Exclude<OutputFormat, 'text'>;
  /** Summed over everything the CLI reported. */
  usage: TokenUsage;
  costUsd: number | null;
  /** Claude Code: per model. */
  byModel?: Record<string, { usage: TokenUsage; costUsd: number | null; costBasis?: string }>;
  /** OpenCode and Codex: per step or turn, in order. */
  steps?: TokenUsage[];
  turns?: number;
  /** The CLI's own words on an error ending (Claude Code's result subtype, an error event). */
  errors: string[];
  /** Claude Code: the HTTP status of the API error it ended on, if any. */
  apiErrorStatus?: number;
}

function zero(): TokenUsage {
  return { input: 0, cacheRead: 0, cacheWrite: 0, output: 0, reasoning: 0 };
}

function add(a: TokenUsage, b: TokenUsage): TokenUsage {
  return { input: a.input + b.input, cacheRead: a.cacheRead + b.cacheRead, cacheWrite: a.cacheWrite + b.cacheWrite, output: a.output + b.output, reasoning: a.reasoning + b.reasoning };
}

function n(value: unknown): number {
  return asCount(value) ?? 0;
}

/** Reads a CLI's stdout as it arrives (newline-delimited JSON; other lines are skipped). */
export class ReportedUsageReader {
  private buffer = '';
  private readonly steps: TokenUsage[] = [];
  private stepCost = 0;
  private stepCostSeen = false;
  private result: JsonObject | undefined;
  private readonly errors: string[] = [];
  private turns = 0;
  /** Lines that were JSON objects. */
  events = 0;

  constructor(readonly format: OutputFormat) {}

  push(chunk: Buffer | string): void {
    if (this.format === 'text') return;
    this.buffer += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 1);
      this.line(line);
    }
    // One event is never this long; drop a runaway line rather than hold it.
    if (this.buffer.length > 8 * 1024 * 1024) this.buffer = '';
  }

  private line(text: string): void {
    const trimmed = text.trim();
    if (!trimmed.startsWith('{')) return;
    let event: Record<string, unknown> | undefined;
    try {
      event = asObject(JSON.parse(trimmed));
    } catch {
      return;
    }
    if (!event) return;
    this.events++;
    const type = asString(event.type);
    if (this.format === 'claude-stream-json') {
      if (type === 'result') this.result = event as JsonObject;
    } else if (this.format === 'opencode-json') {
      const part = asObject(event.part);
      if (type === 'step_finish' && part) {
        const tokens = asObject(part.tokens) ?? {};
        const cache = asObject(tokens.cache) ?? {};
        const reasoning = n(tokens.reasoning);
        this.steps.push({ input: n(tokens.input), cacheRead: n(cache.read), cacheWrite: n(cache.write), output: n(tokens.output) + reasoning, reasoning });
        const cost = asCount(part.cost);
        if (cost !== undefined) {
          this.stepCost += cost;
          this.stepCostSeen = true;
        }
      } else if (type === 'error') {
        const error = asObject(event.error);
        const data = asObject(error?.data);
        this.errors.push(`${asString(error?.name) ?? 'error'}: ${asString(data?.message) ?? asString(error?.message) ?? JSON.stringify(event.error).slice(0, 300)}`);
      }
    } else if (this.format === 'codex-json') {
      if (type === 'turn.completed') {
        const usage = asObject(event.usage) ?? {};
        const cached = n(usage.cached_input_tokens);
        this.steps.push({ input: Math.max(0, n(usage.input_tokens) - cached), cacheRead: cached, cacheWrite: 0, output: n(usage.output_tokens), reasoning: n(usage.reasoning_output_tokens) });
        this.turns++;
      } else if (type === 'turn.failed' || type === 'error') {
        const error = asObject(event.error);
        this.errors.push(asString(error?.message) ?? asString(event.message) ?? JSON.stringify(event).slice(0, 300));
      }
    }
  }

  /** What the CLI reported, or undefined when its output held no usage at all. */
  end(): ReportedUsage | undefined {
    if (this.buffer.trim()) this.line(this.buffer);
    this.buffer = '';
    if (this.format === 'text') return undefined;
    if (this.format === 'claude-stream-json') return this.claude();
    if (this.steps.length === 0 && this.errors.length === 0) return undefined;
    const usage = this.steps.reduce(add, zero());
    return {
      format: this.format, usage, steps: [...this.steps], errors: [...this.errors],
      costUsd: this.format === 'opencode-json' && this.stepCostSeen ? this.stepCost : null,
      ...(this.format === 'codex-json' ? { turns: this.turns } : {}),
    };
  }

  private claude(): ReportedUsage | undefined {
    const result = this.result;
    if (!result) return undefined;
    const byModel: NonNullable<ReportedUsage['byModel']> = {};
    for (const [model, value] of Object.entries(asObject(result.modelUsage) ?? {})) {
      const m = asObject(value) ?? {};
      byModel[model] = {
        usage: { input: n(m.inputTokens), cacheRead: n(m.cacheReadInputTokens), cacheWrite: n(m.cacheCreationInputTokens), output: n(m.outputTokens), reasoning: n(m.thinkingTokens) },
        costUsd: asCount(m.costUSD) ?? null,
        ...(asString(m.costBasis) ? { costBasis: asString(m.costBasis) as string } : {}),
      };
    }
    let usage = Object.values(byModel).reduce((sum, m) => add(sum, m.usage), zero());
    if (Object.keys(byModel).length === 0) {
      const u = asObject(result.usage) ?? {};
      usage = { input: n(u.input_tokens), cacheRead: n(u.cache_read_input_tokens), cacheWrite: n(u.cache_creation_input_tokens), output: n(u.output_tokens), reasoning: n(asObject(u.output_tokens_details)?.thinking_tokens) };
    }
    const errors: string[] = [];
    if (result.is_error === true || (asString(result.subtype) ?? 'success') !== 'success') {
      errors.push(`${asString(result.subtype) ?? 'error'}: ${(asString(result.result) ?? asArray(result.errors).map(String).join('; ')).slice(0, 500)}`);
    }
    const apiErrorStatus = asCount(result.api_error_status);
    return {
      format: 'claude-stream-json', usage, costUsd: asCount(result.total_cost_usd) ?? null,
      ...(Object.keys(byModel).length ? { byModel } : {}),
      ...(asCount(result.num_turns) !== undefined ? { turns: asCount(result.num_turns) as number } : {}),
      errors,
      ...(apiErrorStatus !== undefined ? { apiErrorStatus } : {}),
    };
  }
}

export type ReconcilableCall = Pick<MeteredCall, 'seq' | 'usage' | 'httpStatus' | 'error' | 'costUsd' | 'requestedModel' | 'toolCalls'>;

export interface Reconciliation {
  /** One finding: the harness-reported figures beside the proxy's, kept on the trial whatever they say. */
  finding: JsonObject;
  /** True when every token kind agrees (after the explained differences). */
  tokensMatch: boolean;
}

const FIELDS: readonly (keyof TokenUsage)[] = ['input', 'cacheRead', 'cacheWrite', 'output', 'reasoning'];

function usageJson(u: TokenUsage): JsonObject {
  return { input: u.input, cacheRead: u.cacheRead, cacheWrite: u.cacheWrite, output: u.output, reasoning: u.reasoning };
}

/** proxy − reported, per token kind, leaving out reasoning the CLI did not break out (0). */
function diff(reported: TokenUsage, proxy: TokenUsage): Partial<Record<keyof TokenUsage, number>> {
  const d: Partial<Record<keyof TokenUsage, number>> = {};
  for (const f of FIELDS) {
    const delta = proxy[f] - reported[f];
    if (delta === 0 || (f === 'reasoning' && (reported.reasoning === 0 || proxy.reasoning === 0))) continue;
    d[f] = delta;
  }
  return d;
}

function succeeded(call: ReconcilableCall): boolean {
  return call.httpStatus !== null && call.httpStatus >= 200 && call.httpStatus < 300 && !call.error;
}

function same(a: TokenUsage, b: TokenUsage): boolean {
  return Object.keys(diff(a, b)).length === 0;
}

function describe(d: Partial<Record<keyof TokenUsage, number>>): string {
  return Object.entries(d).map(([f, v]) => `${f} ${v > 0 ? '+' : ''}${v}`).join(', ');
}

/** Compare what the CLI reported with the proxy's calls of the trial. */
export function reconcileReported(reported: ReportedUsage, calls: readonly ReconcilableCall[], harness: string): Reconciliation {
  const ordered = [...calls].sort((a, b) => a.seq - b.seq);
  const proxy = ordered.reduce((sum, c) => add(sum, c.usage), zero());
  const proxyCost = ordered.some((c) => c.costUsd === null) ? null : ordered.reduce((s, c) => s + (c.costUsd ?? 0), 0);
  const notes: string[] = [];
  const extraCalls: JsonObject[] = [];
  let explainedUsage = zero();

  if (reported.format === 'opencode-json' && reported.steps) {
    // Pair steps with calls of exactly the same usage, in order; calls left over are the CLI's own
    // (session title, retries of failed requests) when they carry no tool call.
    const taken = new Set<number>();
    let unpairedSteps = 0;
    for (const step of reported.steps) {
      const i = ordered.findIndex((c, idx) => !taken.has(idx) && same(step, c.usage));
      if (i >= 0) taken.add(i);
      else unpairedSteps++;
    }
    if (unpairedSteps === 0) {
      ordered.forEach((c, idx) => {
        if (taken.has(idx)) return;
        extraCalls.push({ callSeq: c.seq, usage: usageJson(c.usage), why: succeeded(c) ? (c.toolCalls.length ? 'a call with tool calls but no step (a subagent turn)' : 'a call with no step (the session title or another background request)') : `a failed call (HTTP ${c.httpStatus ?? 'none'}) the CLI retried` });
        explainedUsage = add(explainedUsage, c.usage);
      });
    }
  }
  const compareProxy: TokenUsage = { input: proxy.input - explainedUsage.input, cacheRead: proxy.cacheRead - explainedUsage.cacheRead, cacheWrite: proxy.cacheWrite - explainedUsage.cacheWrite, output: proxy.output - explainedUsage.output, reasoning: proxy.reasoning - explainedUsage.reasoning };
  const totalDiff = diff(reported.usage, compareProxy);
  let tokensMatch = Object.keys(totalDiff).length === 0;

  const byModel: JsonObject = {};
  if (reported.byModel) {
    for (const [model, m] of Object.entries(reported.byModel)) {
      const mine = ordered.filter((c) => (c.requestedModel ?? '') === model);
      const mineUsage = mine.reduce((sum, c) => add(sum, c.usage), zero());
      const d = diff(m.usage, mineUsage);
      if (Object.keys(d).length) tokensMatch = false;
      byModel[model] = {
        reported: usageJson(m.usage), proxy: usageJson(mineUsage), calls: mine.length, diff: d as JsonObject,
        reportedCostUsd: m.costUsd, ...(m.costBasis ? { costBasis: m.costBasis } : {}),
      };
    }
    const unclaimed = ordered.filter((c) => !Object.prototype.hasOwnProperty.call(reported.byModel, c.requestedModel ?? ''));
    if (unclaimed.length) notes.push(`${plural(unclaimed.length, 'metered call')} for models ${harness} did not report: ${[...new Set(unclaimed.map((c) => c.requestedModel ?? '?'))].join(', ')}`);
  }

  if (extraCalls.length) notes.push(`${plural(extraCalls.length, 'metered call')} ${harness} counts in no step (explained, left out of the comparison)`);
  if (tokensMatch) notes.push(`${harness}'s own token counts agree with the proxy's`);
  else notes.push(`${harness}'s own token counts disagree with the proxy's: ${describe(totalDiff) || 'per model, see byModel'} (proxy − ${harness})`);

  let costExplained: string | undefined;
  if (reported.costUsd !== null && proxyCost !== null) {
    const gap = proxyCost - reported.costUsd;
    const close = Math.abs(gap) <= Math.max(1e-6, 0.01 * Math.max(proxyCost, reported.costUsd));
    if (!close) {
      const basis = reported.byModel ? [...new Set(Object.values(reported.byModel).map((m) => m.costBasis).filter((b): b is string => !!b))] : [];
      costExplained = basis.includes('unknown')
        ? `${harness} does not know this model's price (costBasis "unknown") and prices it with a guess; the proxy's price is the record`
        : reported.costUsd === 0
          ? `${harness} knows no price for this model and reports $0; the proxy's price is the record`
          : undefined;
      // Six significant digits: the two amounts differ by over 1 % here and the note must show by how much.
      notes.push(`cost: ${harness} says ${formatUsdPrecise(reported.costUsd)}, the proxy ${formatUsdPrecise(proxyCost)}${costExplained ? ` — ${costExplained}` : ''}`);
    }
  }
  const costMatches = reported.costUsd === null || proxyCost === null || Math.abs(proxyCost - reported.costUsd) <= Math.max(1e-6, 0.01 * Math.max(proxyCost, reported.costUsd));

  const finding: JsonObject = {
    kind: 'harness_reported_usage',
    harness,
    format: reported.format,
    explained: tokensMatch && (costMatches || costExplained !== undefined),
    tokensMatch,
    reported: usageJson(reported.usage),
    proxy: usageJson(proxy),
    diff: totalDiff as JsonObject,
    reportedCostUsd: reported.costUsd,
    proxyCostUsd: proxyCost,
    calls: ordered.length,
    ...(reported.turns !== undefined ? { reportedTurns: reported.turns } : {}),
    ...(reported.steps ? { reportedSteps: reported.steps.length } : {}),
    ...(Object.keys(byModel).length ? { byModel } : {}),
    ...(extraCalls.length ? { extraCalls } : {}),
    note: notes.join('; '),
  };
  return { finding, tokensMatch };
}
