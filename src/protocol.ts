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
import type { RunProgress } from './core/run/events';

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
}

export interface RunDefaults {
  harness: string;
  trialsPerPair: number;
  concurrency: number;
  budgetUsd: number | null;
  trialBudgetUsd: number | null;
}

export interface SidebarOptions {
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

/** The active (or last) run as the sidebar and the status bar show it. */
export interface RunStatusView extends Omit<RunProgress, 'startedAt'> {
  runId: string;
  name: string;
  state: RunState;
  /** Dollars per minute since the run started. */
  ratePerMin: number;
  elapsedMs: number;
  /** What is going on or what went wrong, in words. */
  message: string | null;
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

export interface LeaderboardRow {
  label: string;
  model: string;
  harness: string;
  simulated: boolean;
  /** Colour series index, the same in every chart. */
  series: number;
  attempts: number;
  passed: number;
  passRate: number | null;
  passRateText: string;
  ciText: string;
  costPerAttempt: number | null;
  costPerAttemptText: string;
  /** Headline: spend on all attempts ÷ passes. */
  costToCompleteText: string;
  /** Solved-only: mean over solved tasks of the expected cost to complete (read with unsolvedText). */
  solvedOnlyText: string;
  unsolvedText: string;
  onPareto: boolean;
}

export interface ChartGroupView {
  label: string;
  series: number;
  passRate: number | null;
  ci: [number, number];
  /** Cost to complete (spend per pass), where the scatter places the model. */
  cost: number | null;
  onFront: boolean;
  /** perPass: the headline; expected: solved-only. */
  completion: { perPass: number | null; expected: number | null; state: 'ok' | 'unsolved' | 'unknown' | 'none'; solved: number; unsolved: number };
  toolsPerAttempt: Record<string, number>;
  readWriteRatio: number | null;
  shares: { resent: number | null; cacheHit: number | null; reasoning: number | null };
}

export interface HeatCell {
  model: string;
  harness: string;
  attempts: number;
  passed: number;
  passRate: number | null;
  text: string;
  title: string;
}

export interface HeatmapView {
  tasks: string[];
  /** Column labels, one per group, in leaderboard order. */
  groups: { label: string; model: string; harness: string }[];
  /** cells[task][group]; null where the group has no trial on the task. */
  cells: (HeatCell | null)[][];
}

export interface ComplementarityView {
  lines: string[];
  /** Tasks only one model solved: task → label. */
  uniqueSolves: { task: string; label: string }[];
}

export interface DashboardView {
  runIds: string[];
  title: string;
  subtitle: string;
  /** Some run shown here is still going: the panel updates by itself. */
  live: boolean;
  notes: string[];
  leaderboard: LeaderboardRow[];
  chart: { groups: ChartGroupView[]; front: { x: number; y: number }[]; toolCategories: string[] };
  heatmap: HeatmapView;
  complementarity: ComplementarityView;
  totals: { trials: number; attempts: number; excluded: number; spendText: string };
  /** The same models through successive harness versions (empty rows when the run has one version). */
  harnessVersions: HarnessVersionsView;
}

export interface HarnessVersionsView {
  columns: string[];
  /** Formatted cells, one row per (model, harness, version step). */
  rows: string[][];
  /** One plain sentence per row. */
  sentences: string[];
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
  | { kind: 'note'; seq: number; at: string; label: string; text: string };

export interface TranscriptView {
  trialId: string;
  live: boolean;
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
  'sidebar/options': { params: Empty; result: SidebarOptions };
  'run/status': { params: Empty; result: RunStatusView | null };
  'run/start': { params: StartRunParams; result: { runId: string } };
  'run/cancel': { params: Empty; result: { cancelled: boolean } };
  'tasks/addFolder': { params: Empty; result: { added: string | null } };
  'keys/set': { params: { keyName: string | null }; result: Empty };
  'dashboard/open': { params: { runId: string | null }; result: Empty };
  'dashboard/data': { params: Empty; result: DashboardView };
  'dashboard/pair': { params: { task: string; model: string; harness: string }; result: TrialRow[] };
  'dashboard/export': { params: { format: ExportFormat }; result: { path: string | null } };
  'transcript/data': { params: Empty; result: TranscriptView };
  'transcript/open': { params: { trialId: string }; result: Empty };
  'webview/problem': { params: { kind: 'error' | 'csp'; message: string }; result: Empty };
}

export interface Events {
  'run/status': RunStatusView | null;
  'sidebar/options': SidebarOptions;
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
    for (const key of Object.keys(fields) as (keyof T)[]) out[key] = fields[key](o[key as string], `${p}.${String(key)}`);
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

const runStatus = shape<RunStatusView>({
  runId: str, name: str, state: oneOf(RUN_STATES), total: num, done: num, running: num, passed: num, failed: num, errors: num,
  spendUsd: num, unpricedCalls: num, ratePerMin: num, elapsedMs: num, message: nullable(str),
});

const taskOption = shape<TaskOption>({
  key: str, id: str, name: str, source: oneOf(['bundled', 'workspace'] as const), sourceLabel: str,
  format: oneOf(['tb1', 'harbor'] as const), difficulty: str, category: str, problem: nullable(str),
});

const sidebarOptions = shape<SidebarOptions>({
  tasks: arrayOf(taskOption),
  preselect: nullable(arrayOf(str)),
  models: arrayOf(shape<ModelOption>({ id: str, provider: str, simulated: bool, keyName: nullable(str), hasKey: bool })),
  harnesses: arrayOf(shape<HarnessOption>({ name: str, needsModel: bool })),
  defaults: shape<RunDefaults>({ harness: str, trialsPerPair: num, concurrency: num, budgetUsd: nullable(num), trialBudgetUsd: nullable(num) }),
  trusted: bool,
  problem: nullable(str),
});

const dashboardView = partial<DashboardView>({
  runIds: arrayOf(str), title: str, subtitle: str, live: bool, notes: arrayOf(str),
  leaderboard: arrayOf(partial<LeaderboardRow>({ label: str, model: str, harness: str, series: num, attempts: num, passed: num, passRateText: str })),
  chart: partial<DashboardView['chart']>({ groups: arrayOf(partial<ChartGroupView>({ label: str, series: num })), front: arrayOf(shape<{ x: number; y: number }>({ x: num, y: num })), toolCategories: arrayOf(str) }),
  heatmap: partial<HeatmapView>({
    tasks: arrayOf(str),
    groups: arrayOf(shape<HeatmapView['groups'][number]>({ label: str, model: str, harness: str })),
    cells: arrayOf(arrayOf(nullable(partial<HeatCell>({ model: str, harness: str, attempts: num, passed: num, text: str, title: str })))),
  }),
  complementarity: partial<ComplementarityView>({ lines: arrayOf(str), uniqueSolves: arrayOf(shape<{ task: string; label: string }>({ task: str, label: str })) }),
  totals: partial<DashboardView['totals']>({ trials: num, attempts: num, excluded: num, spendText: str }),
  harnessVersions: shape<HarnessVersionsView>({ columns: arrayOf(str), rows: arrayOf(arrayOf(str)), sentences: arrayOf(str) }),
});

const tokensView = shape<TokenUsage>({ input: num, cacheRead: num, cacheWrite: num, output: num, reasoning: num });

const STEP_KINDS = ['llm', 'tool', 'message', 'note'] as const;
const transcriptView = partial<TranscriptView>({
  trialId: str, live: bool,
  header: partial<TranscriptView['header']>({ task: str, model: str, harness: str, status: str, durationText: str, costText: str, tokens: tokensView }),
  steps: arrayOf((v, p) => {
    const step = partial<{ kind: string; seq: number }>({ kind: oneOf(STEP_KINDS), seq: num })(v, p);
    return step as unknown as StepView;
  }),
  cumulative: arrayOf(shape<{ seq: number; usd: number }>({ seq: num, usd: num })),
  tests: arrayOf(shape<{ name: string; status: string }>({ name: str, status: str })),
  findings: arrayOf(shape<{ kind: string; text: string }>({ kind: str, text: str })),
  verifierOutput: nullable(str),
});

const trialRow = shape<TrialRow>({ trialId: str, task: str, label: str, status: str, costText: str, durationText: str });

/** Checkers for every request's params (checked by the extension) and result (checked by the webview). */
export const REQUESTS: { [M in Method]: { params: Check<Params<M>>; result: Check<Result<M>> } } = {
  'sidebar/options': { params: empty, result: sidebarOptions },
  'run/status': { params: empty, result: nullable(runStatus) },
  'run/start': { params: startRunParams, result: shape({ runId: str }) },
  'run/cancel': { params: empty, result: shape({ cancelled: bool }) },
  'tasks/addFolder': { params: empty, result: shape({ added: nullable(str) }) },
  'keys/set': { params: shape({ keyName: nullable(str) }), result: empty },
  'dashboard/open': { params: shape({ runId: nullable(str) }), result: empty },
  'dashboard/data': { params: empty, result: dashboardView },
  'dashboard/pair': { params: shape({ task: str, model: str, harness: str }), result: arrayOf(trialRow) },
  'dashboard/export': { params: shape({ format: oneOf(EXPORT_FORMATS) }), result: shape({ path: nullable(str) }) },
  'transcript/data': { params: empty, result: transcriptView },
  'transcript/open': { params: shape({ trialId: str }), result: empty },
  'webview/problem': { params: shape({ kind: oneOf(['error', 'csp'] as const), message: (v, p) => str(v, p).slice(0, 2000) }), result: empty },
};

/** Checkers for every event's data (checked by the webview). */
export const EVENTS: { [E in EventName]: Check<Events[E]> } = {
  'run/status': nullable(runStatus),
  'sidebar/options': sidebarOptions,
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
