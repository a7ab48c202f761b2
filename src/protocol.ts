/**
 * Every message between the extension and its webviews, in one place: the data each view shows,
 * the requests a webview may make (method → params → result) and the events the extension pushes.
 * Both sides import this module (the extension bundle and the browser bundle), and both validate
 * what they receive with the checkers below before using it. No `vscode`, no Node: plain data.
 *
 * Wire format (one format for every webview):
 *   webview → extension  { kind: 'request', id, method, params }
 *   extension → webview  { kind: 'response', id, ok: true, result } | { kind: 'response', id, ok: false, error }
 *   extension → webview  { kind: 'event', event, data }
 */

import type { TokenUsage } from './core/domain';
import type { Report } from './core/report';
import type { RunProgress } from './core/run';

// ── view data ────────────────────────────────────────────────────────────────────────────────────

export type TaskSource = 'bundled' | 'workspace';

export interface TaskOption {
  /** The task folder: unique even when two folders hold tasks of the same id. */
  key: string;
  id: string;
  name: string;
  source: TaskSource;
  /** Where it comes from, as shown: "Bundled", or the folder relative to the workspace. */
  sourceLabel: string;
  format: 'tb1' | 'harbor';
  difficulty: string;
  category: string;
  /** First loading error; invalid tasks cannot be picked. */
  problem: string | null;
}

export interface ModelOption {
  id: string;
  provider: string;
  simulated: boolean;
  /** Name of the secret that holds its key (null for keyless models). */
  keyName: string | null;
  hasKey: boolean;
}

export interface HarnessOption {
  name: string;
  needsModel: boolean;
  /** One line on what it runs, shown beside its name. */
  description: string;
  /** `agent` runs a model; `test` checks the tasks themselves (oracle, nop) and is listed apart. */
  group: 'agent' | 'test';
}

export interface RunDefaults {
  harness: string;
  trialsPerPair: number;
  concurrency: number;
  budgetUsd: number | null;
  trialBudgetUsd: number | null;
}

export interface BenchmarkOptions {
  tasks: TaskOption[];
  /** Task keys to select in the form (tasks just mined from the workspace), or null. */
  preselect: string[] | null;
  models: ModelOption[];
  harnesses: HarnessOption[];
  defaults: RunDefaults;
  /** Workspace Trust: runs are refused in an untrusted workspace. */
  trusted: boolean;
  /** A problem loading tasks or models, to show above the form. */
  problem: string | null;
}

export const RUN_STATES = ['starting', 'running', 'cancelling', 'finished', 'cancelled', 'failed'] as const;
export type RunState = (typeof RUN_STATES)[number];

/** Where a running trial is: building its image, starting its container, the agent, the tests. */
export const LIVE_PHASES = ['waiting', 'image', 'container', 'agent', 'verifier', 'cleanup'] as const;
export type LivePhase = (typeof LIVE_PHASES)[number];

/** One trial that has started and not finished, as of `RunStatusView.asOf`. */
export interface LiveTrialView {
  trialId: string;
  task: string;
  model: string;
  phase: LivePhase;
  /** Since the trial started (ms, host clock at asOf). */
  elapsedMs: number;
  /** Since its current phase began. */
  phaseElapsedMs: number;
  /** Metered spend of this trial so far. */
  spendUsd: number;
  /** The engine of the run's pool it runs on (the views show it when the run has more than one). */
  engine?: string;
}

/** A low–expected–high estimate. */
export interface RangeView {
  expected: number;
  low: number;
  high: number;
}

/** The forecast of a planned run (src/core/analysis/forecast.ts), as the Benchmark view shows it. */
export interface ForecastView {
  trials: number;
  /** Total spend; null when a model has no price and no history. */
  costUsd: RangeView | null;
  /** Wall time at the plan's concurrency. */
  durationMs: RangeView;
  /** Where the figures come from, in words ("history of 4 pairs, prices for 2"). */
  basis: string;
  budget: { budgetUsd: number; likelyCross: boolean; mayCross: boolean } | null;
}

/** The active (or last) run as the Benchmark view and the status bar show it. */
export interface RunStatusView extends Omit<RunProgress, 'startedAt'> {
  runId: string;
  name: string;
  state: RunState;
  /** Dollars per minute since the run started. */
  ratePerMin: number;
  elapsedMs: number;
  /** When this snapshot was taken (host clock, ms since epoch): views add the time since they got it, so clocks tick between events. */
  asOf: number;
  /** What is going on or what went wrong, in words. */
  message: string | null;
  /** The trials running now, in the order they started. */
  trials: LiveTrialView[];
  /** Engines in the run's pool (from its progress events); absent or 1: one engine, where trials ran is not shown. */
  engineCount?: number;
  /** Time left, from the pace so far (or the forecast before any trial has finished); null when unknown. */
  etaMs: number | null;
  /** The forecast made at the start (null when none could be made). */
  forecast: ForecastView | null;
  /** Spent so far + the forecast's expected cost of the trials not yet finished (null without a priced forecast). */
  projectedUsd: RangeView | null;
}

export interface StartRunParams {
  taskKeys: string[];
  modelIds: string[];
  harness: string;
  trialsPerPair: number;
  concurrency: number;
  budgetUsd: number | null;
  trialBudgetUsd: number | null;
}

// Dashboard ───────────────────────────────────────────────────────────────────────────────────────

/**
 * What the dashboard draws: the run's report itself (the same `Report` as `kilobench report
 * --format json`), which the webview lays out with the shared figures, formatter and chart module.
 */
export interface DashboardView {
  runIds: string[];
  /** Some run shown here is still going: the panel updates by itself. */
  live: boolean;
  report: Report;
  /** Workspaces whose mined tasks ran here: the dashboard can show only one's tasks. */
  workspaces: WorkspaceTasks[];
  /** The workspace the report is limited to (its tasks only), or null for every task. */
  workspace: string | null;
}

export interface WorkspaceTasks {
  /** The workspace folder's name, as the editor shows it. */
  name: string;
  tasks: string[];
}

export interface TrialRow {
  trialId: string;
  task: string;
  label: string;
  status: string;
  costText: string;
  durationText: string;
}

// Transcript ──────────────────────────────────────────────────────────────────────────────────────

export type StepView =
  | { kind: 'llm'; seq: number; at: string; tokens: TokenUsage; costText: string; latencyText: string; text: string; error: string | null; toolNames: string[] }
  | { kind: 'tool'; seq: number; at: string; tool: string; category: string; input: string; output: string | null; outputBytes: number | null; isError: boolean; exitCode: number | null; durationText: string }
  | { kind: 'message'; seq: number; at: string; text: string }
  | { kind: 'note'; seq: number; at: string; label: string; text: string }
  /** What the harness reports about itself (Kilo's step summaries): never the model's words, never a cost. */
  | { kind: 'telemetry'; seq: number; at: string; source: string; text: string };

/** Which trials next/previous walk through: those of the same run(s) matching every set filter. */
export interface TranscriptFilters {
  task: string | null;
  model: string | null;
  status: string | null;
}

export interface TranscriptNav {
  /** 1-based place of this trial among those matching the filters (0 when it does not match them). */
  index: number;
  count: number;
  prevTrialId: string | null;
  nextTrialId: string | null;
  filters: TranscriptFilters;
  /** The values each filter can take in this run. */
  choices: { tasks: string[]; models: string[]; statuses: string[] };
}

/** Why the trial ended as it did, in words a user reads first. */
export interface VerdictView {
  status: string;
  /** true passed, false failed on the model's work, null not counted (infra, cancelled, …). */
  passed: boolean | null;
  reason: string;
  failedTests: string[];
  /** The last lines of the verifier's output. */
  verifierTail: string | null;
}

export interface TranscriptView {
  trialId: string;
  live: boolean;
  /** The task's instruction as the agent got it (null when the run kept no snapshot of the task). */
  instruction: string | null;
  verdict: VerdictView;
  nav: TranscriptNav;
  header: {
    task: string;
    model: string;
    harness: string;
    status: string;
    durationText: string;
    costText: string;
    tokens: TokenUsage;
    testsPassed: number | null;
    testsFailed: number | null;
    error: string | null;
    /** The Docker engine the trial ran on, when the run's trials ran on more than one (null otherwise). */
    engine: string | null;
  };
  steps: StepView[];
  /** Cumulative cost after each LLM call. */
  cumulative: { seq: number; usd: number }[];
  tests: { name: string; status: string }[];
  findings: { kind: string; text: string }[];
  verifierOutput: string | null;
}

// ── the message map ──────────────────────────────────────────────────────────────────────────────

export type Empty = Record<string, never>;

export interface Requests {
  'benchmark/options': { params: Empty; result: BenchmarkOptions };
  'run/status': { params: Empty; result: RunStatusView | null };
  'run/start': { params: StartRunParams; result: { runId: string } };
  /** The forecast of the form's plan, before Start. */
  'run/forecast': { params: StartRunParams; result: ForecastView };
  'run/cancel': { params: Empty; result: { cancelled: boolean } };
  'tasks/addFolder': { params: Empty; result: { added: string | null } };
  /** Opens VS Code's Workspace Trust editor (the restricted-mode banner's button). */
  'workspace/trust': { params: Empty; result: Empty };
  'keys/set': { params: { keyName: string | null }; result: Empty };
  'dashboard/open': { params: { runId: string | null }; result: Empty };
  'dashboard/data': { params: Empty; result: DashboardView };
  /** Limit the dashboard to one workspace's mined tasks (null: every task); answers with the new view. */
  'dashboard/workspace': { params: { workspace: string | null }; result: DashboardView };
  'dashboard/pair': { params: { task: string; model: string; harness: string }; result: TrialRow[] };
  'dashboard/export': { params: { format: ExportFormat }; result: { path: string | null } };
  'transcript/data': { params: Empty; result: TranscriptView };
  'transcript/open': { params: { trialId: string }; result: Empty };
  /** Shows another trial in the same transcript tab, and/or changes the filters next/previous follow. */
  'transcript/show': { params: { trialId: string | null; filters: TranscriptFilters | null }; result: Empty };
  'webview/problem': { params: { kind: 'error' | 'csp'; message: string }; result: Empty };
}

export interface Events {
  'run/status': RunStatusView | null;
  'benchmark/options': BenchmarkOptions;
  'dashboard/data': DashboardView;
  'transcript/data': TranscriptView;
}

export type Method = keyof Requests;
export type EventName = keyof Events;
export type Params<M extends Method> = Requests[M]['params'];
export type Result<M extends Method> = Requests[M]['result'];

export const EXPORT_FORMATS = ['csv', 'json', 'html'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface RequestMessage<M extends Method = Method> { kind: 'request'; id: number; method: M; params: Params<M> }
export type ResponseMessage<M extends Method = Method> =
  | { kind: 'response'; id: number; ok: true; result: Result<M> }
  | { kind: 'response'; id: number; ok: false; error: string };
export interface EventMessage<E extends EventName = EventName> { kind: 'event'; event: E; data: Events[E] }

// ── checking ─────────────────────────────────────────────────────────────────────────────────────

export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}

export type Check<T> = (value: unknown, path: string) => T;

const fail = (path: string, what: string, value: unknown): never => {
  const shown = value === undefined ? 'nothing' : typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : typeof value;
  throw new ProtocolError(`${path}: expected ${what}, found ${shown}`);
};

export const str: Check<string> = (v, p) => (typeof v === 'string' ? v : fail(p, 'a string', v));
export const num: Check<number> = (v, p) => (typeof v === 'number' && Number.isFinite(v) ? v : fail(p, 'a number', v));
export const bool: Check<boolean> = (v, p) => (typeof v === 'boolean' ? v : fail(p, 'true or false', v));
export const int = (min: number, max = Number.MAX_SAFE_INTEGER): Check<number> => (v, p) =>
  (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? v : fail(p, `a whole number from ${min} to ${max}`, v));
export const nullable = <T>(check: Check<T>): Check<T | null> => (v, p) => (v === null ? null : check(v, p));
/** A field that may be left out. */
export const optional = <T>(check: Check<T>): Check<T | undefined> => (v, p) => (v === undefined ? undefined : check(v, p));
export const oneOf = <T extends string>(values: readonly T[]): Check<T> => (v, p) =>
  (typeof v === 'string' && (values as readonly string[]).includes(v) ? (v as T) : fail(p, `one of ${values.join(', ')}`, v));
export const arrayOf = <T>(check: Check<T>, max = 100_000): Check<T[]> => (v, p) => {
  if (!Array.isArray(v)) return fail(p, 'a list', v);
  if (v.length > max) throw new ProtocolError(`${p}: more than ${max} items`);
  return v.map((item, i) => check(item, `${p}[${i}]`));
};
export const record = (v: unknown, p: string): Record<string, unknown> =>
  (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : fail(p, 'an object', v));

/** An object with exactly the fields given (extra fields are refused: nothing unchecked gets through). */
export function shape<T>(fields: { [K in keyof T]-?: Check<T[K]> }): Check<T> {
  return (v, p) => {
    const o = record(v, p);
    for (const key of Object.keys(o)) if (!(key in fields)) throw new ProtocolError(`${p}.${key}: unexpected field`);
    const out = {} as T;
    for (const key of Object.keys(fields) as (keyof T)[]) {
      const value = fields[key](o[key as string], `${p}.${String(key)}`);
      if (value !== undefined) out[key] = value; // an optional field left out stays out
    }
    return out;
  };
}

/** For large view payloads: an object whose listed fields are checked, others kept as they are. */
export function partial<T>(fields: Partial<{ [K in keyof T]: Check<T[K]> }>): Check<T> {
  return (v, p) => {
    const o = record(v, p);
    for (const [key, check] of Object.entries(fields) as [string, Check<unknown>][]) check(o[key], `${p}.${key}`);
    return o as T;
  };
}

const empty: Check<Empty> = shape<Empty>({});
const money = (v: unknown, p: string) => {
  const n = num(v, p);
  return n < 0 ? fail(p, 'a number ≥ 0', v) : n;
};

const startRunParams = shape<StartRunParams>({
  taskKeys: arrayOf(str, 10_000),
  modelIds: arrayOf(str, 1000),
  harness: str,
  trialsPerPair: int(1, 100),
  concurrency: int(1, 64),
  budgetUsd: nullable(money),
  trialBudgetUsd: nullable(money),
});

const rangeView = shape<RangeView>({ expected: num, low: num, high: num });
const forecastView = shape<ForecastView>({
  trials: num, costUsd: nullable(rangeView), durationMs: rangeView, basis: str,
  budget: nullable(shape<NonNullable<ForecastView['budget']>>({ budgetUsd: num, likelyCross: bool, mayCross: bool })),
});
const liveTrial = shape<LiveTrialView>({ trialId: str, task: str, model: str, phase: oneOf(LIVE_PHASES), elapsedMs: num, phaseElapsedMs: num, spendUsd: num, engine: optional(str) });

const runStatus = shape<RunStatusView>({
  runId: str, name: str, state: oneOf(RUN_STATES), total: num, done: num, running: num, passed: num, failed: num, errors: num,
  spendUsd: num, unpricedCalls: num, ratePerMin: num, elapsedMs: num, asOf: num, message: nullable(str),
  trials: arrayOf(liveTrial, 1000), engineCount: optional(num), etaMs: nullable(num), forecast: nullable(forecastView), projectedUsd: nullable(rangeView),
});

const taskOption = shape<TaskOption>({
  key: str, id: str, name: str, source: oneOf(['bundled', 'workspace'] as const), sourceLabel: str,
  format: oneOf(['tb1', 'harbor'] as const), difficulty: str, category: str, problem: nullable(str),
});

const benchmarkOptions = shape<BenchmarkOptions>({
  tasks: arrayOf(taskOption),
  preselect: nullable(arrayOf(str)),
  models: arrayOf(shape<ModelOption>({ id: str, provider: str, simulated: bool, keyName: nullable(str), hasKey: bool })),
  harnesses: arrayOf(shape<HarnessOption>({ name: str, needsModel: bool, description: str, group: oneOf(['agent', 'test'] as const) })),
  defaults: shape<RunDefaults>({ harness: str, trialsPerPair: num, concurrency: num, budgetUsd: nullable(num), trialBudgetUsd: nullable(num) }),
  trusted: bool,
  problem: nullable(str),
});

const dashboardView = shape<DashboardView>({
  runIds: arrayOf(str), live: bool,
  // The report is the core's own object, checked where the webview reads it first.
  report: partial<Report>({
    run: partial<Report['run']>({ id: str, name: str, status: str, harness: str, trialsPerPair: num }),
    models: arrayOf(partial<Report['models'][number]>({ model: str, harness: str, attempts: num, passed: num })),
    tasks: arrayOf(partial<Report['tasks'][number]>({ task: str })),
    comparisons: arrayOf(partial<Report['comparisons'][number]>({ tasks: num })),
  }),
  workspaces: arrayOf(shape<WorkspaceTasks>({ name: str, tasks: arrayOf(str) })),
  workspace: nullable(str),
});

const tokensView = shape<TokenUsage>({ input: num, cacheRead: num, cacheWrite: num, output: num, reasoning: num });

const STEP_KINDS = ['llm', 'tool', 'message', 'note', 'telemetry'] as const;
const transcriptFilters = shape<TranscriptFilters>({ task: nullable(str), model: nullable(str), status: nullable(str) });
const transcriptView = partial<TranscriptView>({
  trialId: str, live: bool, instruction: nullable(str),
  verdict: partial<VerdictView>({ status: str, reason: str, failedTests: arrayOf(str), verifierTail: nullable(str) }),
  nav: partial<TranscriptNav>({ index: num, count: num, prevTrialId: nullable(str), nextTrialId: nullable(str), filters: transcriptFilters }),
  header: partial<TranscriptView['header']>({ task: str, model: str, harness: str, status: str, durationText: str, costText: str, tokens: tokensView }),
  steps: arrayOf((v, p) => {
    const step = partial<{ kind: string; seq: number }>({ kind: oneOf(STEP_KINDS), seq: num })(v, p);
    return step as unknown as StepView;
  }),
  cumulative: arrayOf(shape<{ seq: number; usd: number }>({ seq: num, usd: num })),
  tests: arrayOf(shape<TranscriptView['tests'][number]>({ name: str, status: str })),
  findings: arrayOf(shape<{ kind: string; text: string }>({ kind: str, text: str })),
  verifierOutput: nullable(str),
});

const trialRow = shape<TrialRow>({ trialId: str, task: str, label: str, status: str, costText: str, durationText: str });

/** Checkers for every request's params (checked by the extension) and result (checked by the webview). */
export const REQUESTS: { [M in Method]: { params: Check<Params<M>>; result: Check<Result<M>> } } = {
  'benchmark/options': { params: empty, result: benchmarkOptions },
  'run/status': { params: empty, result: nullable(runStatus) },
  'run/start': { params: startRunParams, result: shape({ runId: str }) },
  'run/forecast': { params: startRunParams, result: forecastView },
  'run/cancel': { params: empty, result: shape({ cancelled: bool }) },
  'tasks/addFolder': { params: empty, result: shape({ added: nullable(str) }) },
  'workspace/trust': { params: empty, result: empty },
  'keys/set': { params: shape({ keyName: nullable(str) }), result: empty },
  'dashboard/open': { params: shape({ runId: nullable(str) }), result: empty },
  'dashboard/data': { params: empty, result: dashboardView },
  'dashboard/workspace': { params: shape({ workspace: nullable(str) }), result: dashboardView },
  'dashboard/pair': { params: shape({ task: str, model: str, harness: str }), result: arrayOf(trialRow) },
  'dashboard/export': { params: shape({ format: oneOf(EXPORT_FORMATS) }), result: shape({ path: nullable(str) }) },
  'transcript/data': { params: empty, result: transcriptView },
  'transcript/open': { params: shape({ trialId: str }), result: empty },
  'transcript/show': { params: shape({ trialId: nullable(str), filters: nullable(transcriptFilters) }), result: empty },
  'webview/problem': { params: shape({ kind: oneOf(['error', 'csp'] as const), message: (v, p) => str(v, p).slice(0, 2000) }), result: empty },
};

/** Checkers for every event's data (checked by the webview). */
export const EVENTS: { [E in EventName]: Check<Events[E]> } = {
  'run/status': nullable(runStatus),
  'benchmark/options': benchmarkOptions,
  'dashboard/data': dashboardView,
  'transcript/data': transcriptView,
};

export function isMethod(value: unknown): value is Method {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(REQUESTS, value);
}

export function isEventName(value: unknown): value is EventName {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(EVENTS, value);
}

/** A request from a webview, checked (envelope and params). Throws ProtocolError, with the id when it could be read. */
export function parseRequest(message: unknown): RequestMessage {
  const o = record(message, 'message');
  if (o.kind !== 'request') throw new ProtocolError(`message.kind: expected "request", found ${JSON.stringify(o.kind)}`);
  const id = int(0)(o.id, 'message.id');
  if (!isMethod(o.method)) throw new ProtocolError(`message.method: unknown method ${JSON.stringify(o.method)}`);
  const params = REQUESTS[o.method].params(o.params ?? {}, `${o.method} params`);
  return { kind: 'request', id, method: o.method, params } as RequestMessage;
}

/** A response or an event from the extension, checked. */
export function parseHostMessage(message: unknown): ResponseMessage | EventMessage {
  const o = record(message, 'message');
  if (o.kind === 'event') {
    if (!isEventName(o.event)) throw new ProtocolError(`message.event: unknown event ${JSON.stringify(o.event)}`);
    return { kind: 'event', event: o.event, data: EVENTS[o.event](o.data, `${o.event} event`) } as EventMessage;
  }
  if (o.kind === 'response') {
    const id = int(0)(o.id, 'message.id');
    if (o.ok === false) return { kind: 'response', id, ok: false, error: str(o.error, 'message.error') };
    if (o.ok !== true) throw new ProtocolError('message.ok: expected true or false');
    return { kind: 'response', id, ok: true, result: o.result } as ResponseMessage;
  }
  throw new ProtocolError(`message.kind: expected "response" or "event", found ${JSON.stringify(o.kind)}`);
}

/** Checks a response's result against the method it answers. */
export function checkResult<M extends Method>(method: M, result: unknown): Result<M> {
  return REQUESTS[method].result(result, `${method} result`);
}
