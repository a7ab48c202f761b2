/**
 * The shapes the store keeps (records, read back as camelCase objects) and the events that change
 * them (what `Store.append` accepts and what a journal line holds). `parseEvent` is the one gate
 * both pass through: an event handed to `append` and a line read back from a journal are checked
 * by the same code, so a journal can never hold something the database would not accept.
 */
import {
  COST_SOURCES, FINAL_STATUSES, TOOL_CATEGORIES, TRIAL_STATUSES, type CostSource, type TokenUsage, type ToolCategory, type TrialStatus,
} from '../domain';
import type { Task } from '../tasks/task';
import {
  atMost, RecordError, amount, arrayOf, boolean, compact, count, fail, integer, json, jsonObject, matching, nonEmpty,
  nullable, object, oneOf, opt, positiveInt, req, string, timestamp,
  type Checker, type JsonObject, type JsonValue,
} from './check';

export type { JsonObject, JsonValue } from './check';

export const RUN_STATUSES = ['planned', 'running', 'finished', 'cancelled', 'interrupted'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
/** A run in one of these has stopped; the event that sets it is fsynced and saved at once. */
export const RUN_END_STATUSES: ReadonlySet<RunStatus> = new Set<RunStatus>(['finished', 'cancelled', 'interrupted']);

export const TRANSCRIPT_KINDS = [
  'model_message', 'tool_call', 'tool_result', 'command', 'output', 'llm_call', 'limit', 'error', 'test_result',
] as const;
export type TranscriptKind = (typeof TRANSCRIPT_KINDS)[number];

export const TEST_STATUSES = ['passed', 'failed', 'skipped', 'error'] as const;
export type TestStatus = (typeof TEST_STATUSES)[number];

export interface TestResultRecord {
  name: string;
  status: TestStatus;
}

/** What a run was asked to do. Extra keys are kept as written. */
export interface PlanRecord {
  tasks: string[];
  models: string[];
  harness: string;
  trialsPerPair: number;
  [key: string]: JsonValue;
}

export interface RunRecord {
  id: string;
  name: string;
  status: RunStatus;
  createdAt: string;
  finishedAt: string | null;
  plan: PlanRecord;
  settings: JsonObject;
}

/** Everything about a trial that can change after it is created. */
export interface TrialFields {
  status: TrialStatus;
  seed: number | null;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  agentDurationMs: number | null;
  testDurationMs: number | null;
  tokens: TokenUsage;
  /** null until metered; never 0 for "unknown". */
  costUsd: number | null;
  /** e.g. `estimated` (some usage was estimated), `unpriced` (some calls had no price). */
  costFlags: string[];
  tests: TestResultRecord[];
  testsPassed: number | null;
  testsFailed: number | null;
  harnessVersion: string | null;
  imageDigest: string | null;
  /** The task's image that ran: the prebuilt name the task named, or the one built from its Dockerfile. */
  image?: string | null;
  /** Its registry digest (`name@sha256:…`), for a pulled or present prebuilt image. */
  imageRepoDigest?: string | null;
  /** The container's network in each phase: `agent kilobench-run-…, verifier none`. */
  network?: string | null;
  /** The Docker engine the trial ran on (its name in the run's engine pool); the last one when it moved. */
  engine?: string | null;
  error: string | null;
  findings: JsonObject[];
}

export interface TrialRecord extends TrialFields {
  id: string;
  runId: string;
  taskId: string;
  modelId: string;
  harness: string;
  trialIndex: number;
}

/**
 * The fields of a trial the analysis reads (`Store.listAnalysedTrials` selects only these: a report
 * over 10,000 trials need not read and parse test results and findings).
 */
export type AnalysedTrial = Pick<
  TrialRecord,
  'id' | 'taskId' | 'modelId' | 'harness' | 'trialIndex' | 'status' | 'startedAt' | 'agentDurationMs' | 'tokens' | 'costUsd' | 'costFlags' | 'harnessVersion' | 'engine' | 'durationMs'
>;

/** `trial_created`: identity is required; every other field defaults (status `queued`, tokens 0, the rest null/empty). */
export type NewTrial = Pick<TrialRecord, 'id' | 'taskId' | 'modelId' | 'harness' | 'trialIndex'> & Partial<TrialFields>;
/** `trial_updated`: only the fields present change; `null` clears a field. */
export type TrialPatch = Partial<TrialFields>;

export interface LlmToolCall {
  name: string;
  id?: string;
  arguments?: JsonValue;
}

export interface LlmCallRecord {
  id: string;
  trialId: string;
  runId: string;
  /** Order of the call within its trial. */
  seq: number;
  startedAt: string;
  protocol: string;
  requestedModel: string;
  servedModel: string | null;
  streaming: boolean;
  httpStatus: number | null;
  latencyMs: number | null;
  ttftMs: number | null;
  usageRaw: JsonValue;
  usage: TokenUsage;
  /** Usage was estimated (the provider reported none). */
  estimated: boolean;
  toolCalls: LlmToolCall[];
  costUsd: number | null;
  costSource: CostSource;
  error: string | null;
}

export type NewLlmCall = Omit<LlmCallRecord, 'runId' | 'servedModel' | 'httpStatus' | 'latencyMs' | 'ttftMs' | 'usageRaw' | 'toolCalls' | 'error'>
  & Partial<Pick<LlmCallRecord, 'servedModel' | 'httpStatus' | 'latencyMs' | 'ttftMs' | 'usageRaw' | 'toolCalls' | 'error'>>;

export interface TranscriptEventRecord {
  trialId: string;
  runId: string;
  /** Order within the trial; (trialId, seq) identifies the event. */
  seq: number;
  at: string;
  kind: TranscriptKind;
  toolCategory: ToolCategory | null;
  payload: JsonValue;
}

export type NewTranscriptEvent = Omit<TranscriptEventRecord, 'runId' | 'toolCategory'> & { toolCategory?: ToolCategory | null };

export interface TaskSnapshot {
  runId: string;
  taskId: string;
  contentHash: string;
  /** The task as it was loaded for the run. */
  task: Task;
}

// ── events ──────────────────────────────────────────────────────────────────────────────────────

export interface RunCreatedEvent {
  type: 'run_created';
  runId: string;
  run: { name: string; createdAt: string; status?: RunStatus; plan: PlanRecord; settings: JsonObject };
}
export interface RunUpdatedEvent {
  type: 'run_updated';
  runId: string;
  patch: { name?: string; status?: RunStatus; finishedAt?: string | null; settings?: JsonObject };
}
export interface TaskSnapshotEvent {
  type: 'task_snapshot';
  runId: string;
  taskId: string;
  contentHash: string;
  task: Task;
}
export interface TrialCreatedEvent { type: 'trial_created'; runId: string; trial: NewTrial }
export interface TrialUpdatedEvent { type: 'trial_updated'; runId: string; trialId: string; patch: TrialPatch }
export interface LlmCallEvent { type: 'llm_call'; runId: string; call: NewLlmCall }
export interface TranscriptEventAppended { type: 'transcript_event'; runId: string; entry: NewTranscriptEvent }

export type StoreEvent =
  | RunCreatedEvent
  | RunUpdatedEvent
  | TaskSnapshotEvent
  | TrialCreatedEvent
  | TrialUpdatedEvent
  | LlmCallEvent
  | TranscriptEventAppended;

export type StoreEventType = StoreEvent['type'];

/** One journal line: the event plus its per-run sequence number (1, 2, 3, … in file order). */
export type JournalLine = StoreEvent & { seq: number };

/** Events that end a trial or a run: fsynced before `append` returns and saved without waiting. */
export function isEndingEvent(event: StoreEvent): boolean {
  if (event.type === 'trial_updated') {
    const status = event.patch.status;
    return status !== undefined && (FINAL_STATUSES.has(status) || status === 'interrupted');
  }
  if (event.type === 'run_updated') return event.patch.status !== undefined && RUN_END_STATUSES.has(event.patch.status);
  return false;
}

// ── validation ──────────────────────────────────────────────────────────────────────────────────

/** Run ids name journal files, so they must be safe as a file name everywhere. */
export const RUN_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const runId = matching(RUN_ID_PATTERN, 'a run id (letters, digits, . _ -; at most 128)');
const costFlag = matching(/^[a-z][a-z0-9_-]*$/, 'a cost flag (lower-case word)');

/**
 * No LLM call costs or counts more than this, even estimated at the highest price a models file
 * may set (the metering proxy refuses provider usage ten times smaller and caps its estimates, see
 * meter/usage/meter.ts): a journal line claiming more is corrupt, refused and never summed.
 */
const MAX_CALL_USD = 10_000_000;
const MAX_CALL_TOKENS = 1_000_000_000;
/** Token counts, each checked by `each`. */
const tokenCounts = (each: Checker<number>): Checker<TokenUsage> => (v, path) => {
  const o = object(v, path);
  return {
    input: req(o, 'input', path, each),
    cacheRead: req(o, 'cacheRead', path, each),
    cacheWrite: req(o, 'cacheWrite', path, each),
    output: req(o, 'output', path, each),
    reasoning: req(o, 'reasoning', path, each),
  };
};
const callTokens = tokenCounts(atMost(count, MAX_CALL_TOKENS));
const tokens = tokenCounts(count);

const testResult: Checker<TestResultRecord> = (v, path) => {
  const o = object(v, path);
  return { name: req(o, 'name', path, nonEmpty), status: req(o, 'status', path, oneOf(TEST_STATUSES)) };
};

const toolCall: Checker<LlmToolCall> = (v, path) => {
  const o = object(v, path);
  return compact({ name: req(o, 'name', path, string), id: opt(o, 'id', path, string), arguments: opt(o, 'arguments', path, json) });
};

const plan: Checker<PlanRecord> = (v, path) => {
  const o = jsonObject(v, path);
  return {
    ...o,
    tasks: req(o, 'tasks', path, arrayOf(string)),
    models: req(o, 'models', path, arrayOf(string)),
    harness: req(o, 'harness', path, string),
    trialsPerPair: req(o, 'trialsPerPair', path, positiveInt),
  };
};

/** Checked shallowly: the tasks loader owns the Task shape; the store keeps it as loaded. */
const task: Checker<Task> = (v, path) => {
  const o = jsonObject(v, path);
  req(o, 'id', path, nonEmpty);
  req(o, 'instruction', path, string);
  return o as unknown as Task;
};

function trialFields(o: Record<string, unknown>, path: string): TrialPatch {
  return compact({
    status: opt(o, 'status', path, oneOf(TRIAL_STATUSES)),
    seed: opt(o, 'seed', path, nullable(integer)),
    startedAt: opt(o, 'startedAt', path, nullable(timestamp)),
    finishedAt: opt(o, 'finishedAt', path, nullable(timestamp)),
    durationMs: opt(o, 'durationMs', path, nullable(amount)),
    agentDurationMs: opt(o, 'agentDurationMs', path, nullable(amount)),
    testDurationMs: opt(o, 'testDurationMs', path, nullable(amount)),
    tokens: opt(o, 'tokens', path, tokens),
    costUsd: opt(o, 'costUsd', path, nullable(amount)),
    costFlags: opt(o, 'costFlags', path, arrayOf(costFlag)),
    tests: opt(o, 'tests', path, arrayOf(testResult)),
    testsPassed: opt(o, 'testsPassed', path, nullable(count)),
    testsFailed: opt(o, 'testsFailed', path, nullable(count)),
    harnessVersion: opt(o, 'harnessVersion', path, nullable(string)),
    imageDigest: opt(o, 'imageDigest', path, nullable(string)),
    image: opt(o, 'image', path, nullable(string)),
    imageRepoDigest: opt(o, 'imageRepoDigest', path, nullable(string)),
    network: opt(o, 'network', path, nullable(string)),
    engine: opt(o, 'engine', path, nullable(string)),
    error: opt(o, 'error', path, nullable(string)),
    findings: opt(o, 'findings', path, arrayOf(jsonObject)),
  });
}

const llmCall: Checker<NewLlmCall> = (v, path) => {
  const o = object(v, path);
  const call: NewLlmCall = compact({
    id: req(o, 'id', path, nonEmpty),
    trialId: req(o, 'trialId', path, nonEmpty),
    seq: req(o, 'seq', path, count),
    startedAt: req(o, 'startedAt', path, timestamp),
    protocol: req(o, 'protocol', path, nonEmpty),
    requestedModel: req(o, 'requestedModel', path, string),
    servedModel: opt(o, 'servedModel', path, nullable(string)),
    streaming: req(o, 'streaming', path, boolean),
    httpStatus: opt(o, 'httpStatus', path, nullable(count)),
    latencyMs: opt(o, 'latencyMs', path, nullable(amount)),
    ttftMs: opt(o, 'ttftMs', path, nullable(amount)),
    usageRaw: opt(o, 'usageRaw', path, json),
    usage: req(o, 'usage', path, callTokens),
    estimated: req(o, 'estimated', path, boolean),
    toolCalls: opt(o, 'toolCalls', path, arrayOf(toolCall)),
    costUsd: req(o, 'costUsd', path, nullable(atMost(amount, MAX_CALL_USD))),
    costSource: req(o, 'costSource', path, oneOf(COST_SOURCES)),
    error: opt(o, 'error', path, nullable(string)),
  });
  // An unpriced call must not look free, and a priced one must carry its price.
  if (call.costSource === 'unpriced' && call.costUsd !== null) fail(`${path}.costUsd`, 'null for an unpriced call', call.costUsd);
  if (call.costSource !== 'unpriced' && call.costUsd === null) fail(`${path}.costUsd`, `a number for a ${call.costSource} cost`, null);
  return call;
};

const transcriptEntry: Checker<NewTranscriptEvent> = (v, path) => {
  const o = object(v, path);
  return compact({
    trialId: req(o, 'trialId', path, nonEmpty),
    seq: req(o, 'seq', path, count),
    at: req(o, 'at', path, timestamp),
    kind: req(o, 'kind', path, oneOf(TRANSCRIPT_KINDS)),
    toolCategory: opt(o, 'toolCategory', path, nullable(oneOf(TOOL_CATEGORIES))),
    payload: req(o, 'payload', path, json),
  });
};

/**
 * Checks an event and returns a clean copy holding only the known fields (so what is journaled is
 * exactly what is applied). Throws `RecordError` naming the first bad field.
 */
export function parseEvent(value: unknown, path = 'event'): StoreEvent {
  const o = object(value, path);
  const type = req(o, 'type', path, oneOf<StoreEventType>([
    'run_created', 'run_updated', 'task_snapshot', 'trial_created', 'trial_updated', 'llm_call', 'transcript_event',
  ]));
  const id = req(o, 'runId', path, runId);
  switch (type) {
    case 'run_created': {
      const r = req(o, 'run', path, object);
      const p = `${path}.run`;
      return {
        type, runId: id,
        run: compact({
          name: req(r, 'name', p, string),
          createdAt: req(r, 'createdAt', p, timestamp),
          status: opt(r, 'status', p, oneOf(RUN_STATUSES)),
          plan: req(r, 'plan', p, plan),
          settings: req(r, 'settings', p, jsonObject),
        }),
      };
    }
    case 'run_updated': {
      const r = req(o, 'patch', path, object);
      const p = `${path}.patch`;
      return {
        type, runId: id,
        patch: compact({
          name: opt(r, 'name', p, string),
          status: opt(r, 'status', p, oneOf(RUN_STATUSES)),
          finishedAt: opt(r, 'finishedAt', p, nullable(timestamp)),
          settings: opt(r, 'settings', p, jsonObject),
        }),
      };
    }
    case 'task_snapshot': {
      const event: TaskSnapshotEvent = {
        type, runId: id,
        taskId: req(o, 'taskId', path, nonEmpty),
        contentHash: req(o, 'contentHash', path, nonEmpty),
        task: req(o, 'task', path, task),
      };
      if (event.task.id !== event.taskId) fail(`${path}.task.id`, `the snapshot's taskId ${JSON.stringify(event.taskId)}`, event.task.id);
      return event;
    }
    case 'trial_created': {
      const t = req(o, 'trial', path, object);
      const p = `${path}.trial`;
      return {
        type, runId: id,
        trial: {
          id: req(t, 'id', p, nonEmpty),
          taskId: req(t, 'taskId', p, nonEmpty),
          modelId: req(t, 'modelId', p, nonEmpty),
          harness: req(t, 'harness', p, nonEmpty),
          trialIndex: req(t, 'trialIndex', p, count),
          ...trialFields(t, p),
        },
      };
    }
    case 'trial_updated':
      return {
        type, runId: id,
        trialId: req(o, 'trialId', path, nonEmpty),
        patch: trialFields(req(o, 'patch', path, object), `${path}.patch`),
      };
    case 'llm_call':
      return { type, runId: id, call: req(o, 'call', path, llmCall) };
    case 'transcript_event':
      return { type, runId: id, entry: req(o, 'entry', path, transcriptEntry) };
  }
}

/** Parses one journal line (without its newline). Throws `RecordError` with a readable reason. */
export function parseJournalLine(text: string): JournalLine {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new RecordError(`not valid JSON (${(error as Error).message})`);
  }
  const seq = req(object(value, 'line'), 'seq', 'line', positiveInt);
  return { ...parseEvent(value, 'line'), seq };
}
