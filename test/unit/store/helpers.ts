/** Events and folders shared by the store tests. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyseRun } from '../../../src/core/analysis';
import { usagePricer } from '../../../src/core/calls';
import { buildReport, type Report } from '../../../src/core/report/json-report';
import type { LlmCallEvent, Store, StoreEvent, TranscriptEventAppended } from '../../../src/core/store';
import { SCHEMA_VERSION, migrate } from '../../../src/core/store/schema';
import { loadSqlJs } from '../../../src/core/store/sqljs';

export function tempStoreDir(): { dir: string; dbPath: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'kilobench-store-'));
  return { dir, dbPath: join(dir, 'results.sqlite'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

const T0 = Date.parse('2025-01-01T00:00:00.000Z');
export const at = (offsetMs: number): string => new Date(T0 + offsetMs).toISOString();

export function runCreated(runId: string, createdAt = at(0)): StoreEvent {
  return {
    type: 'run_created', runId,
    run: {
      name: `run ${runId}`, createdAt, status: 'running',
      plan: { tasks: ['hello-file'], models: ['sim-fast'], harness: 'builtin', trialsPerPair: 2 },
      settings: { concurrency: 2, budgetUsd: null },
    },
  };
}

export function trialCreated(runId: string, trialId: string, trialIndex = 0): StoreEvent {
  return { type: 'trial_created', runId, trial: { id: trialId, taskId: 'hello-file', modelId: 'sim-fast', harness: 'builtin', trialIndex, seed: 7 } };
}

/** An LLM call with a payload the size of a real one (raw usage + tool call arguments). */
export function llmCall(runId: string, trialId: string, seq: number, padding = 0): LlmCallEvent {
  return {
    type: 'llm_call', runId,
    call: {
      id: `${trialId}-call-${seq}`, trialId, seq, startedAt: at(seq * 1000), protocol: 'openai-chat',
      requestedModel: 'sim-fast', servedModel: 'sim-fast-2025', streaming: seq % 2 === 0, httpStatus: 200,
      latencyMs: 850 + seq, ttftMs: 120, usageRaw: { prompt_tokens: 1000 + seq, completion_tokens: 50, note: 'x'.repeat(padding) },
      usage: { input: 1000 + seq, cacheRead: 200, cacheWrite: 0, output: 50, reasoning: 10 }, estimated: false,
      toolCalls: [{ name: 'bash', id: `tc-${seq}`, arguments: { command: `ls -la /app/${seq}` } }],
      costUsd: 0.0012, costSource: 'computed',
    },
  };
}

export function transcript(runId: string, trialId: string, seq: number): TranscriptEventAppended {
  return {
    type: 'transcript_event', runId,
    entry: { trialId, seq, at: at(seq * 1000 + 1), kind: 'tool_call', toolCategory: 'exec', payload: { command: `echo ${seq}` } },
  };
}

export function trialPassed(runId: string, trialId: string): StoreEvent {
  return {
    type: 'trial_updated', runId, trialId,
    patch: {
      status: 'passed', startedAt: at(0), finishedAt: at(60_000), durationMs: 60_000, agentDurationMs: 50_000, testDurationMs: 9_000,
      tokens: { input: 3000, cacheRead: 600, cacheWrite: 0, output: 150, reasoning: 30 }, costUsd: 0.0036, costFlags: ['estimated'],
      tests: [{ name: 'test_hello', status: 'passed' }], testsPassed: 1, testsFailed: 0, harnessVersion: '1.2.3', imageDigest: 'sha256:abc',
    },
  };
}

/** The journal's lines, parsed (the file must be whole). */
export function journalLines(dir: string, runId: string): { seq: number; type: string }[] {
  return readFileSync(join(dir, 'results.journals', `${runId}.jsonl`), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { seq: number; type: string });
}

/** Runs one query against the database file as it is on disk (not through a Store). */
export async function queryFile(dbPath: string, sql: string): Promise<unknown[][]> {
  const SQL = await loadSqlJs();
  const db = new SQL.Database(readFileSync(dbPath));
  try {
    return db.exec(sql)[0]?.values ?? [];
  } finally {
    db.close();
  }
}

export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A database file as a newer KiloBench (one schema version ahead) would leave it. */
export async function writeNewerDatabase(dbPath: string): Promise<void> {
  const SQL = await loadSqlJs();
  const newer = new SQL.Database();
  migrate(newer);
  newer.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
  writeFileSync(dbPath, newer.export());
  newer.close();
}

/**
 * A database file as an older KiloBench (schema `version`) left it: a finished run `old` with one
 * passed trial `t1` (task `t`, model `m`, harness kilo), plus whatever rows `sql` inserts.
 */
export async function writeOlderDatabase(dbPath: string, version: number, sql: string): Promise<void> {
  const SQL = await loadSqlJs();
  const old = new SQL.Database();
  migrate(old, version);
  old.exec(`
    INSERT INTO runs (id, created_at, name, status, plan_json, settings_json)
      VALUES ('old', '2025-01-01T00:00:00.000Z', 'old', 'finished', '{"tasks":["t"],"models":["m"],"harness":"kilo","trialsPerPair":1}', '{}');
    INSERT INTO trials (id, run_id, task_id, model_id, harness, trial_index, status) VALUES ('t1', 'old', 't', 'm', 'kilo', 0, 'passed');
    ${sql}
  `);
  writeFileSync(dbPath, old.export());
  old.close();
}

/** The report of a run computed from every stored call and transcript event (no summaries), as a reference. */
export function reportFromEveryRow(store: Store, runId: string, generatedAt: string): Report {
  const trials = store.listTrials(runId);
  const analysis = analyseRun({
    trials, calls: trials.flatMap((t) => store.listLlmCalls(t.id)), events: trials.flatMap((t) => store.listTranscript(t.id)), pricer: usagePricer({}),
  });
  return buildReport(store.getRun(runId)!, analysis, { generatedAt });
}
