/**
 * Kilo's own per-step token counts against the metering proxy's calls. The proxy is the record of
 * spend; Kilo's figures are a second opinion whose differences are worth showing.
 *
 * Conventions that explain most differences (not findings):
 * - Kilo's `input` excludes cache reads and writes; the proxy's `input` is the uncached input too,
 *   so they compare directly, as do cache reads and writes.
 * - Kilo's `output` excludes reasoning; the proxy's `output` includes it: Kilo output + reasoning
 *   = proxy output. A provider that reports no reasoning breakdown gives Kilo reasoning 0.
 *   Older releases (7.0.x) report `output` with reasoning included, like the proxy: which
 *   convention a release uses is in versions.ts (`kiloOutputIncludesReasoning`), and the harness
 *   passes it here.
 * - Kilo makes calls that have no step: the session title (`small_model`), a `task` subagent's
 *   turns, compaction summaries, and retries of failed requests. They are listed as explained
 *   `kilo_extra_call` findings.
 * What remains — a step whose tokens differ from its call, or a step no call accounts for — is an
 * unexplained mismatch.
 *
 * Steps are paired with calls in order: a call with exactly the step's tokens (and, when both sides
 * carry times, a start within the step's time window) is taken first; otherwise the closest of the
 * next few successful calls, reported as a mismatch.
 */
import type { JsonObject } from '../../json';
import type { MeteredCall } from '../../meter';
import type { TokenUsage } from '../../domain';
import type { KiloStep, KiloStepTokens } from './events';

export type ReconcilableCall = Pick<MeteredCall, 'seq' | 'usage' | 'httpStatus' | 'startedAt' | 'error'> & Partial<Pick<MeteredCall, 'latencyMs' | 'estimated' | 'toolCalls'>>;

type UsageField = keyof TokenUsage;
const FIELDS: readonly UsageField[] = ['input', 'cacheRead', 'cacheWrite', 'output', 'reasoning'];

export interface KiloReconcileOptions {
  /** Slack around a step's time window when matching a call's start (clocks, scheduling). Default 2 s. */
  toleranceMs?: number;
  /** How many later calls a step that matches none exactly may be compared with. Default 3. */
  window?: number;
  /** The Kilo release reports `output` with reasoning included (7.0.x); default false (7.7.x). */
  outputIncludesReasoning?: boolean;
}

export interface KiloReconciliation {
  /** Step index → call seq, for every step that found its call. */
  pairs: { step: number; callSeq: number; exact: boolean }[];
  /** Mismatches (explained: false) and explained differences such as extra calls, as JSON for the store. */
  findings: JsonObject[];
  /** Findings with explained: false. */
  mismatches: number;
  /** Kilo's steps summed, in the proxy's convention (output includes reasoning). */
  kiloTotals: TokenUsage;
  /** Every call of the trial summed. */
  proxyTotals: TokenUsage;
  /** Kilo's own cost summed ($; 0 when Kilo knew no price). */
  kiloCost: number;
}

/** Kilo's step figures in the proxy's convention. */
export function kiloUsage(tokens: KiloStepTokens, outputIncludesReasoning = false): TokenUsage {
  const output = outputIncludesReasoning ? tokens.output : tokens.output + tokens.reasoning;
  return { input: tokens.input, cacheRead: tokens.cacheRead, cacheWrite: tokens.cacheWrite, output, reasoning: tokens.reasoning };
}

/** Steps as returned on the harness outcome (`steps: unknown`), checked. */
export function isKiloSteps(value: unknown): value is KiloStep[] {
  return Array.isArray(value) && value.every((s) => typeof s === 'object' && s !== null && typeof (s as KiloStep).index === 'number' && typeof (s as KiloStep).tokens === 'object');
}

function zero(): TokenUsage {
  return { input: 0, cacheRead: 0, cacheWrite: 0, output: 0, reasoning: 0 };
}

function add(a: TokenUsage, b: TokenUsage): TokenUsage {
  return { input: a.input + b.input, cacheRead: a.cacheRead + b.cacheRead, cacheWrite: a.cacheWrite + b.cacheWrite, output: a.output + b.output, reasoning: a.reasoning + b.reasoning };
}

/** Field differences proxy − Kilo that matter; a reasoning figure Kilo did not get (0) is no difference. */
function differences(kilo: TokenUsage, proxy: TokenUsage): Partial<Record<UsageField, number>> {
  const diff: Partial<Record<UsageField, number>> = {};
  for (const field of FIELDS) {
    const d = proxy[field] - kilo[field];
    if (d === 0) continue;
    if (field === 'reasoning' && kilo.reasoning === 0) continue;
    diff[field] = d;
  }
  return diff;
}

function distance(kilo: TokenUsage, proxy: TokenUsage): number {
  let sum = 0;
  for (const field of FIELDS) sum += Math.abs(proxy[field] - kilo[field]) / Math.max(1, proxy[field], kilo[field]);
  return sum;
}

function succeeded(call: ReconcilableCall): boolean {
  return call.httpStatus !== null && call.httpStatus >= 200 && call.httpStatus < 300 && !call.error;
}

function usageJson(u: TokenUsage): JsonObject {
  return { input: u.input, cacheRead: u.cacheRead, cacheWrite: u.cacheWrite, output: u.output, reasoning: u.reasoning };
}

export function reconcileKiloSteps(steps: readonly KiloStep[], calls: readonly ReconcilableCall[], options: KiloReconcileOptions = {}): KiloReconciliation {
  const tolerance = options.toleranceMs ?? 2000;
  const window = options.window ?? 3;
  const usageOf = (step: KiloStep) => kiloUsage(step.tokens, options.outputIncludesReasoning);
  const ordered = [...calls].sort((a, b) => a.seq - b.seq);
  const taken = new Set<number>();
  const pairs: KiloReconciliation['pairs'] = [];
  const findings: JsonObject[] = [];
  let next = 0;

  const timeOk = (step: KiloStep, call: ReconcilableCall): boolean => {
    const at = Date.parse(call.startedAt);
    if (step.startedAt === null || step.endedAt === null || !Number.isFinite(at)) return true;
    return at >= step.startedAt - tolerance && at <= step.endedAt + tolerance;
  };

  for (const step of steps) {
    const expected = usageOf(step);
    let chosen = -1;
    let exact = false;
    for (let i = next; i < ordered.length; i++) {
      const call = ordered[i] as ReconcilableCall;
      if (taken.has(i) || !timeOk(step, call)) continue;
      if (Object.keys(differences(expected, call.usage)).length === 0 && (succeeded(call) || call.usage.input + call.usage.output > 0)) {
        chosen = i;
        exact = true;
        break;
      }
    }
    if (chosen < 0) {
      let best = Infinity;
      let seen = 0;
      for (let i = next; i < ordered.length && seen < window; i++) {
        const call = ordered[i] as ReconcilableCall;
        if (taken.has(i) || !succeeded(call) || !timeOk(step, call)) continue;
        seen++;
        const d = distance(expected, call.usage);
        if (d < best) {
          best = d;
          chosen = i;
        }
      }
    }
    if (chosen < 0) {
      findings.push({
        kind: 'kilo_step_unmetered', explained: false, step: step.index, kilo: usageJson(expected),
        note: `Kilo step ${step.index} reports tokens but no metered call accounts for it`,
      });
      continue;
    }
    const call = ordered[chosen] as ReconcilableCall;
    taken.add(chosen);
    next = chosen + 1;
    pairs.push({ step: step.index, callSeq: call.seq, exact });
    if (!exact) {
      const diff = differences(expected, call.usage);
      findings.push({
        kind: 'kilo_usage_mismatch', explained: false, step: step.index, callSeq: call.seq,
        kilo: usageJson(expected), proxy: usageJson(call.usage), diff: diff as JsonObject,
        ...(call.estimated ? { proxyEstimated: true } : {}),
        note: `Kilo step ${step.index} and metered call #${call.seq} disagree: ${Object.entries(diff).map(([f, d]) => `${f} ${d > 0 ? '+' : ''}${d}`).join(', ')} (proxy − Kilo)`,
      });
    }
  }

  const lastStepEnd = Math.max(...steps.map((s) => s.endedAt ?? -Infinity));
  ordered.forEach((call, i) => {
    if (taken.has(i)) return;
    const failed = !succeeded(call);
    const afterLastStep = Number.isFinite(lastStepEnd) && Date.parse(call.startedAt) > lastStepEnd;
    const why = failed
      ? `a failed call (${call.httpStatus === null ? 'no response' : `HTTP ${call.httpStatus}`}${call.error ? `: ${call.error.slice(0, 200)}` : ''}), retried or given up by Kilo`
      : call.toolCalls && call.toolCalls.length > 0
        ? 'a call with tool calls but no Kilo step: a task subagent\'s turn'
        : afterLastStep
          ? 'a call after Kilo\'s last step: the session title'
          : 'a call with no Kilo step: the session title, a subagent turn or a compaction summary';
    findings.push({ kind: 'kilo_extra_call', explained: true, callSeq: call.seq, proxy: usageJson(call.usage), note: `metered call #${call.seq} is ${why}` });
  });

  return {
    pairs,
    findings,
    mismatches: findings.filter((f) => f.explained === false).length,
    kiloTotals: steps.reduce((sum, s) => add(sum, usageOf(s)), zero()),
    proxyTotals: ordered.reduce((sum, c) => add(sum, c.usage), zero()),
    kiloCost: steps.reduce((sum, s) => sum + (s.cost ?? 0), 0),
  };
}
