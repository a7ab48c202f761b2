/** Read queries: rows turned into the camelCase records of records.ts. */
import { callSummaryFromBytes, type CallSummary, type TranscriptToolSummary } from '../calls';
import { FINAL_STATUSES, type CostSource, type TokenUsage, type ToolCategory, type TrialStatus } from '../domain';
import type { Task } from '../tasks/task';
import type { Db, Row } from './db';
import type {
  AnalysedTrial, JsonObject, JsonValue, LlmCallRecord, LlmToolCall, PlanRecord, RunRecord, RunStatus, TaskSnapshot, TestResultRecord, TranscriptEventRecord, TranscriptKind, TrialRecord,
} from './records';

function text(row: Row, column: string): string {
  const value = row[column];
  if (typeof value !== 'string') throw new Error(`database column ${column}: expected text, found ${typeof value}`);
  return value;
}

function textOrNull(row: Row, column: string): string | null {
  return row[column] === null ? null : text(row, column);
}

function num(row: Row, column: string): number {
  const value = row[column];
  if (typeof value !== 'number') throw new Error(`database column ${column}: expected a number, found ${typeof value}`);
  return value;
}

function numOrNull(row: Row, column: string): number | null {
  return row[column] === null ? null : num(row, column);
}

function parsed<T>(row: Row, column: string): T {
  return JSON.parse(text(row, column)) as T;
}

function tokens(row: Row): TokenUsage {
  return {
    input: num(row, 'input_tokens'),
    cacheRead: num(row, 'cache_read_tokens'),
    cacheWrite: num(row, 'cache_write_tokens'),
    output: num(row, 'output_tokens'),
    reasoning: num(row, 'reasoning_tokens'),
  };
}

function toRun(row: Row): RunRecord {
  return {
    id: text(row, 'id'),
    name: text(row, 'name'),
    status: text(row, 'status') as RunStatus,
    createdAt: text(row, 'created_at'),
    finishedAt: textOrNull(row, 'finished_at'),
    plan: parsed<PlanRecord>(row, 'plan_json'),
    settings: parsed<JsonObject>(row, 'settings_json'),
  };
}

function toTrial(row: Row): TrialRecord {
  const flags = text(row, 'cost_flags');
  return {
    id: text(row, 'id'),
    runId: text(row, 'run_id'),
    taskId: text(row, 'task_id'),
    modelId: text(row, 'model_id'),
    harness: text(row, 'harness'),
    trialIndex: num(row, 'trial_index'),
    seed: numOrNull(row, 'seed'),
    status: text(row, 'status') as TrialStatus,
    startedAt: textOrNull(row, 'started_at'),
    finishedAt: textOrNull(row, 'finished_at'),
    durationMs: numOrNull(row, 'duration_ms'),
    agentDurationMs: numOrNull(row, 'agent_duration_ms'),
    testDurationMs: numOrNull(row, 'test_duration_ms'),
    tokens: tokens(row),
    costUsd: numOrNull(row, 'cost_usd'),
    costFlags: flags === '' ? [] : flags.split(','),
    tests: parsed<TestResultRecord[]>(row, 'tests_json'),
    testsPassed: numOrNull(row, 'tests_passed'),
    testsFailed: numOrNull(row, 'tests_failed'),
    harnessVersion: textOrNull(row, 'harness_version'),
    imageDigest: textOrNull(row, 'image_digest'),
    image: textOrNull(row, 'image'),
    imageRepoDigest: textOrNull(row, 'image_repo_digest'),
    network: textOrNull(row, 'network'),
    engine: textOrNull(row, 'engine'),
    error: textOrNull(row, 'error'),
    findings: parsed<JsonObject[]>(row, 'findings_json'),
  };
}

function toLlmCall(row: Row): LlmCallRecord {
  return {
    id: text(row, 'id'),
    trialId: text(row, 'trial_id'),
    runId: text(row, 'run_id'),
    seq: num(row, 'seq'),
    startedAt: text(row, 'started_at'),
    protocol: text(row, 'protocol'),
    requestedModel: text(row, 'requested_model'),
    servedModel: textOrNull(row, 'served_model'),
    streaming: num(row, 'streaming') === 1,
    httpStatus: numOrNull(row, 'http_status'),
    latencyMs: numOrNull(row, 'latency_ms'),
    ttftMs: numOrNull(row, 'ttft_ms'),
    usageRaw: parsed<JsonValue>(row, 'usage_raw_json'),
    usage: tokens(row),
    estimated: num(row, 'estimated') === 1,
    toolCalls: parsed<LlmToolCall[]>(row, 'tool_calls_json'),
    costUsd: numOrNull(row, 'cost_usd'),
    costSource: text(row, 'cost_source') as CostSource,
    error: textOrNull(row, 'error'),
  };
}

function toTranscriptEvent(row: Row): TranscriptEventRecord {
  return {
    trialId: text(row, 'trial_id'),
    runId: text(row, 'run_id'),
    seq: num(row, 'seq'),
    at: text(row, 'at'),
    kind: text(row, 'kind') as TranscriptKind,
    toolCategory: textOrNull(row, 'tool_category') as ToolCategory | null,
    payload: parsed<JsonValue>(row, 'payload_json'),
  };
}

/** Newest first. */
export function listRuns(db: Db): RunRecord[] {
  return db.all('SELECT * FROM runs ORDER BY created_at DESC, id').map(toRun);
}

export function getRun(db: Db, id: string): RunRecord | undefined {
  const row = db.get('SELECT * FROM runs WHERE id = $id', { id });
  return row && toRun(row);
}

/** Ordered by task, model, trial index. */
export function listTrials(db: Db, runId: string): TrialRecord[] {
  return db.all('SELECT * FROM trials WHERE run_id = $run_id ORDER BY task_id, model_id, trial_index, id', { run_id: runId }).map(toTrial);
}

const ANALYSED_TRIAL_SQL =
  'SELECT id, task_id, model_id, harness, trial_index, status, started_at, agent_duration_ms, input_tokens, cache_read_tokens, cache_write_tokens, ' +
  'output_tokens, reasoning_tokens, cost_usd, cost_flags, harness_version, engine, duration_ms FROM trials WHERE run_id = $run_id ORDER BY task_id, model_id, trial_index';

/** Text order as SQLite's BINARY collation has it (UTF-8 bytes, i.e. code points; not UTF-16 units). */
function compareBinary(a: string, b: string): number {
  if (a === b) return 0;
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = (x[i] as string).codePointAt(0)! - (y[i] as string).codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/**
 * Puts trials of one (task, model, trial index), which the query returns side by side, in id order:
 * what `ORDER BY …, id` gives, without the temporary b-tree SQLite builds for that last term (it
 * cost more than the rest of the read's stepping).
 */
function orderTiesById(trials: AnalysedTrial[]): AnalysedTrial[] {
  for (let start = 0; start < trials.length;) {
    const first = trials[start] as AnalysedTrial;
    let end = start + 1;
    while (end < trials.length) {
      const t = trials[end] as AnalysedTrial;
      if (t.taskId !== first.taskId || t.modelId !== first.modelId || t.trialIndex !== first.trialIndex) break;
      end++;
    }
    if (end - start > 1) {
      const tied = trials.slice(start, end).sort((a, b) => compareBinary(a.id, b.id));
      trials.splice(start, tied.length, ...tied);
    }
    start = end;
  }
  return trials;
}

/** The cost flags of the many trials without any: one array, frozen (no reader changes a record). */
const NO_FLAGS = Object.freeze([]) as unknown as string[];

/**
 * What the analysis reads of each trial, in `listTrials` order (`orderTiesById`): values read by position, one small
 * object per trial made as its row is stepped, and the texts most trials repeat (task, model,
 * harness, status, version, engine) shared: one string each, not one per trial.
 */
export function listAnalysedTrials(db: Db, runId: string): AnalysedTrial[] {
  const texts = new Map<string, string>();
  const shared = (value: unknown): string | null => {
    if (value === null) return null;
    const known = texts.get(value as string);
    if (known !== undefined) return known;
    texts.set(value as string, value as string);
    return value as string;
  };
  return orderTiesById(db.mapValues(ANALYSED_TRIAL_SQL, { run_id: runId }, (v) => {
    const flags = v[14] as string;
    return {
      id: v[0] as string,
      taskId: shared(v[1]) as string,
      modelId: shared(v[2]) as string,
      harness: shared(v[3]) as string,
      trialIndex: v[4] as number,
      status: shared(v[5]) as TrialStatus,
      startedAt: v[6] as string | null,
      agentDurationMs: v[7] as number | null,
      tokens: { input: v[8] as number, cacheRead: v[9] as number, cacheWrite: v[10] as number, output: v[11] as number, reasoning: v[12] as number },
      costUsd: v[13] as number | null,
      costFlags: flags === '' ? NO_FLAGS : flags.split(','),
      harnessVersion: shared(v[15]),
      engine: shared(v[16]),
      durationMs: v[17] as number | null,
    };
  }));
}

export function getTrial(db: Db, id: string): TrialRecord | undefined {
  const row = db.get('SELECT * FROM trials WHERE id = $id', { id });
  return row && toTrial(row);
}

/** Trials a resume must run again: queued, running (the process died) or interrupted. */
export function unfinishedTrials(db: Db, runId: string): TrialRecord[] {
  return listTrials(db, runId).filter((trial) => !FINAL_STATUSES.has(trial.status));
}

export function listLlmCalls(db: Db, trialId: string): LlmCallRecord[] {
  return db.all('SELECT * FROM llm_calls WHERE trial_id = $trial_id ORDER BY seq, started_at, id', { trial_id: trialId }).map(toLlmCall);
}

export function listTranscript(db: Db, trialId: string): TranscriptEventRecord[] {
  return db.all('SELECT * FROM transcript_events WHERE trial_id = $trial_id ORDER BY seq', { trial_id: trialId }).map(toTranscriptEvent);
}

/**
 * Every transcript event of a run, by trial then seq (one query instead of one per trial); with
 * `kinds`, only events of those kinds (the metrics read tool calls and commands only).
 */
export function listRunTranscript(db: Db, runId: string, kinds?: readonly string[]): TranscriptEventRecord[] {
  if (kinds === undefined) {
    return db.all('SELECT * FROM transcript_events WHERE run_id = $run_id ORDER BY trial_id, seq', { run_id: runId }).map(toTranscriptEvent);
  }
  const params: Record<string, string> = { run_id: runId };
  kinds.forEach((kind, i) => { params[`k${i}`] = kind; });
  const list = kinds.map((_, i) => `$k${i}`).join(', ') || 'NULL';
  return db.all(`SELECT * FROM transcript_events WHERE run_id = $run_id AND kind IN (${list}) ORDER BY trial_id, seq`, params).map(toTranscriptEvent);
}

/** A trial's call summary and the price overrides (JSON) it was priced with. */
export interface StoredCallSummary {
  trialId: string;
  pricing: string;
  summary: CallSummary;
}

/** The call summaries of a run's trials (trials without calls have none); one string per distinct `pricing`, not one per trial. */
export function listCallSummaries(db: Db, runId: string): StoredCallSummary[] {
  let pricing = '';
  return db.mapValues('SELECT trial_id, pricing, summary FROM trial_call_summaries WHERE run_id = $run_id', { run_id: runId }, (v) => {
    if (v[1] !== pricing) pricing = v[1] as string;
    return { trialId: v[0] as string, pricing, summary: callSummaryFromBytes(v[2] as Uint8Array) };
  });
}

/** A trial's transcript summary (tool calls and commands). */
export interface StoredTranscriptSummary {
  trialId: string;
  summary: TranscriptToolSummary;
}

/**
 * The transcript summaries of a run's trials (trials without tool calls or commands have none): the
 * trial ids and the summaries each as one JSON array, parsed once, instead of one row per trial.
 */
export function listTranscriptSummaries(db: Db, runId: string): StoredTranscriptSummary[] {
  const [row] = db.values(
    "SELECT count(*), json_group_array(trial_id), '[' || group_concat(summary_json, ',') || ']' FROM trial_transcript_summaries WHERE run_id = $run_id",
    { run_id: runId },
  );
  if (!row || row[0] === 0) return [];
  const trialIds = JSON.parse(row[1] as string) as string[];
  const summaries = JSON.parse(row[2] as string) as TranscriptToolSummary[];
  if (summaries.length !== trialIds.length) throw new Error(`read ${summaries.length} transcript summaries for ${trialIds.length} trials of run ${runId}`);
  return trialIds.map((trialId, i) => ({ trialId, summary: summaries[i] as TranscriptToolSummary }));
}

export function getTaskSnapshots(db: Db, runId: string): TaskSnapshot[] {
  return db.all('SELECT * FROM task_snapshots WHERE run_id = $run_id ORDER BY task_id', { run_id: runId }).map((row) => ({
    runId: text(row, 'run_id'),
    taskId: text(row, 'task_id'),
    contentHash: text(row, 'content_hash'),
    task: parsed<Task>(row, 'task_json'),
  }));
}
