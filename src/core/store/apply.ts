/**
 * Applying events to the database. Every apply is an upsert keyed by the record's id, so applying
 * the same journal twice (in order) leaves the database exactly as applying it once.
 */
import { updateCallSummary } from './call-summaries';
import { updateTranscriptSummary } from './transcript-summaries';
import type { Db, Params } from './db';
import {
  type NewTrial, type StoreEvent, type TrialPatch,
} from './records';
import { ZERO_USAGE, type TokenUsage } from '../domain';

const json = (value: unknown): string => JSON.stringify(value);

/** Why `event` cannot be applied (it names a run or trial that is not there), or null. */
export function referenceProblem(db: Db, event: StoreEvent): string | null {
  if (event.type === 'run_created') return null;
  if (!db.get('SELECT 1 AS x FROM runs WHERE id = $id', { id: event.runId })) {
    return `run ${JSON.stringify(event.runId)} does not exist (no run_created before this ${event.type})`;
  }
  let trialId: string;
  switch (event.type) {
    case 'run_updated':
    case 'task_snapshot':
      return null;
    case 'trial_created': {
      const existing = db.get('SELECT run_id FROM trials WHERE id = $id', { id: event.trial.id });
      return existing && existing.run_id !== event.runId
        ? `trial ${JSON.stringify(event.trial.id)} already belongs to run ${JSON.stringify(existing.run_id)}`
        : null;
    }
    case 'trial_updated':
      trialId = event.trialId;
      break;
    case 'llm_call':
      trialId = event.call.trialId;
      break;
    case 'transcript_event':
      trialId = event.entry.trialId;
      break;
  }
  const trial = db.get('SELECT run_id FROM trials WHERE id = $id', { id: trialId });
  if (!trial) return `trial ${JSON.stringify(trialId)} does not exist (no trial_created before this ${event.type})`;
  if (trial.run_id !== event.runId) return `trial ${JSON.stringify(trialId)} belongs to run ${JSON.stringify(trial.run_id)}, not ${JSON.stringify(event.runId)}`;
  return null;
}

function tokenParams(tokens: TokenUsage): Params {
  return {
    input_tokens: tokens.input,
    cache_read_tokens: tokens.cacheRead,
    cache_write_tokens: tokens.cacheWrite,
    output_tokens: tokens.output,
    reasoning_tokens: tokens.reasoning,
  };
}

/** Column values for each trial field a patch may carry. */
const TRIAL_COLUMNS: { [K in keyof Required<TrialPatch>]: (value: Required<TrialPatch>[K]) => Params } = {
  status: (v) => ({ status: v }),
  seed: (v) => ({ seed: v }),
  startedAt: (v) => ({ started_at: v }),
  finishedAt: (v) => ({ finished_at: v }),
  durationMs: (v) => ({ duration_ms: v }),
  agentDurationMs: (v) => ({ agent_duration_ms: v }),
  testDurationMs: (v) => ({ test_duration_ms: v }),
  tokens: (v) => tokenParams(v),
  costUsd: (v) => ({ cost_usd: v }),
  costFlags: (v) => ({ cost_flags: v.join(',') }),
  tests: (v) => ({ tests_json: json(v) }),
  testsPassed: (v) => ({ tests_passed: v }),
  testsFailed: (v) => ({ tests_failed: v }),
  harnessVersion: (v) => ({ harness_version: v }),
  imageDigest: (v) => ({ image_digest: v }),
  image: (v) => ({ image: v ?? null }),
  imageRepoDigest: (v) => ({ image_repo_digest: v ?? null }),
  network: (v) => ({ network: v ?? null }),
  engine: (v) => ({ engine: v ?? null }),
  error: (v) => ({ error: v }),
  findings: (v) => ({ findings_json: json(v) }),
};

function patchParams(patch: TrialPatch): Params {
  let params: Params = {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined || !Object.hasOwn(TRIAL_COLUMNS, key)) continue; // identity fields of a NewTrial
    params = { ...params, ...(TRIAL_COLUMNS[key as keyof TrialPatch] as (v: unknown) => Params)(value) };
  }
  return params;
}

function newTrialParams(runId: string, trial: NewTrial): Params {
  return {
    id: trial.id,
    run_id: runId,
    task_id: trial.taskId,
    model_id: trial.modelId,
    harness: trial.harness,
    trial_index: trial.trialIndex,
    ...patchParams({
      status: 'queued', seed: null, startedAt: null, finishedAt: null, durationMs: null, agentDurationMs: null,
      testDurationMs: null, tokens: ZERO_USAGE, costUsd: null, costFlags: [], tests: [], testsPassed: null, testsFailed: null,
      harnessVersion: null, imageDigest: null, image: null, imageRepoDigest: null, network: null, engine: null, error: null, findings: [],
      ...trial,
    }),
  };
}

function upsert(db: Db, table: string, conflict: string, params: Params): void {
  const columns = Object.keys(params);
  const keys = new Set(conflict.split(',').map((c) => c.trim()));
  const updates = columns.filter((c) => !keys.has(c)).map((c) => `${c} = excluded.${c}`);
  db.run(
    `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((c) => `$${c}`).join(', ')}) ` +
    `ON CONFLICT (${conflict}) DO UPDATE SET ${updates.join(', ')}`,
    params,
  );
}

/** Applies one event. The caller has checked its references (`referenceProblem`). */
export function applyEvent(db: Db, event: StoreEvent): void {
  switch (event.type) {
    case 'run_created':
      upsert(db, 'runs', 'id', {
        id: event.runId,
        created_at: event.run.createdAt,
        name: event.run.name,
        status: event.run.status ?? 'planned',
        plan_json: json(event.run.plan),
        settings_json: json(event.run.settings),
      });
      return;
    case 'run_updated': {
      const { name, status, finishedAt, settings } = event.patch;
      const params: Params = {
        ...(name === undefined ? {} : { name }),
        ...(status === undefined ? {} : { status }),
        ...(finishedAt === undefined ? {} : { finished_at: finishedAt }),
        ...(settings === undefined ? {} : { settings_json: json(settings) }),
      };
      update(db, 'runs', params, event.runId);
      return;
    }
    case 'task_snapshot':
      upsert(db, 'task_snapshots', 'run_id, task_id', {
        run_id: event.runId, task_id: event.taskId, content_hash: event.contentHash, task_json: json(event.task),
      });
      return;
    case 'trial_created':
      upsert(db, 'trials', 'id', newTrialParams(event.runId, event.trial));
      return;
    case 'trial_updated':
      update(db, 'trials', patchParams(event.patch), event.trialId);
      return;
    case 'llm_call': {
      const c = event.call;
      const replaced = db.get('SELECT 1 AS x FROM llm_calls WHERE id = $id', { id: c.id }) !== undefined;
      upsert(db, 'llm_calls', 'id', {
        id: c.id,
        trial_id: c.trialId,
        run_id: event.runId,
        seq: c.seq,
        started_at: c.startedAt,
        protocol: c.protocol,
        requested_model: c.requestedModel,
        served_model: c.servedModel ?? null,
        streaming: c.streaming ? 1 : 0,
        http_status: c.httpStatus ?? null,
        latency_ms: c.latencyMs ?? null,
        ttft_ms: c.ttftMs ?? null,
        usage_raw_json: json(c.usageRaw ?? null),
        ...tokenParams(c.usage),
        estimated: c.estimated ? 1 : 0,
        tool_calls_json: json(c.toolCalls ?? []),
        cost_usd: c.costUsd,
        cost_source: c.costSource,
        error: c.error ?? null,
      });
      updateCallSummary(db, event.runId, c, replaced);
      return;
    }
    case 'transcript_event': {
      const e = event.entry;
      const replaced = db.get('SELECT 1 AS x FROM transcript_events WHERE trial_id = $trial_id AND seq = $seq', { trial_id: e.trialId, seq: e.seq }) !== undefined;
      upsert(db, 'transcript_events', 'trial_id, seq', {
        trial_id: e.trialId,
        run_id: event.runId,
        seq: e.seq,
        at: e.at,
        kind: e.kind,
        tool_category: e.toolCategory ?? null,
        payload_json: json(e.payload),
      });
      updateTranscriptSummary(db, event.runId, e.trialId, { kind: e.kind, toolCategory: e.toolCategory ?? null, payload: e.payload }, replaced);
      return;
    }
  }
}

function update(db: Db, table: string, params: Params, id: string): void {
  const columns = Object.keys(params);
  if (columns.length === 0) return;
  db.run(`UPDATE ${table} SET ${columns.map((c) => `${c} = $${c}`).join(', ')} WHERE id = $id`, { ...params, id });
}

/** Records how far a run's journal has been applied; `lastSeq` never goes backwards. */
export function setProgress(db: Db, runId: string, lastSeq: number, lines: number, bytes: number): void {
  db.run(
    'INSERT INTO journal_progress (run_id, last_seq, applied_lines, applied_bytes) VALUES ($run_id, $last_seq, $lines, $bytes) ' +
    'ON CONFLICT (run_id) DO UPDATE SET last_seq = max(last_seq, excluded.last_seq), applied_lines = excluded.applied_lines, ' +
    'applied_bytes = excluded.applied_bytes',
    { run_id: runId, last_seq: lastSeq, lines, bytes },
  );
}

export interface Progress {
  lastSeq: number;
  lines: number;
  bytes: number;
}

export function getProgress(db: Db): Map<string, Progress> {
  const rows = db.all('SELECT run_id, last_seq, applied_lines, applied_bytes FROM journal_progress');
  return new Map(rows.map((r) => [String(r.run_id), { lastSeq: Number(r.last_seq), lines: Number(r.applied_lines), bytes: Number(r.applied_bytes) }]));
}

/** Removes a run and everything under it. Returns whether there was anything to remove. */
export function deleteRunRows(db: Db, runId: string): boolean {
  let changed = 0;
  for (const table of ['transcript_events', 'trial_transcript_summaries', 'trial_call_summaries', 'llm_calls', 'trials', 'task_snapshots', 'journal_progress']) {
    changed += db.run(`DELETE FROM ${table} WHERE run_id = $id`, { id: runId });
  }
  changed += db.run('DELETE FROM runs WHERE id = $id', { id: runId });
  return changed > 0;
}
