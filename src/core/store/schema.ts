/**
 * The database schema, versioned with `PRAGMA user_version`. Migrations are applied in order, all of
 * them in one transaction, so a database is either at its old version or fully at the new one.
 *
 * Rules for whoever adds a migration: never edit a released one (a database already at that version
 * would never see the change); append a new one with the next version. The SQL is written out
 * literally, not built from constants such as TRIAL_STATUSES, for the same reason. Enumerations
 * (statuses, kinds) are checked at the boundary (records.ts), not with CHECK constraints, so adding a
 * status never needs a table rebuild.
 */
import type { Database } from 'sql.js';
import { StoreError } from './errors';

export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'runs, trials, LLM calls, transcripts, task snapshots and journal progress',
    sql: `
      CREATE TABLE runs (
        id TEXT PRIMARY KEY,
        created_at TEXT NOT NULL,
        name TEXT NOT NULL,
        status TEXT NOT NULL,
        plan_json TEXT NOT NULL,
        settings_json TEXT NOT NULL,
        finished_at TEXT
      );
      CREATE TABLE trials (
        id TEXT PRIMARY KEY,
        run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        task_id TEXT NOT NULL,
        model_id TEXT NOT NULL,
        harness TEXT NOT NULL,
        trial_index INTEGER NOT NULL,
        seed INTEGER,
        status TEXT NOT NULL,
        started_at TEXT,
        finished_at TEXT,
        duration_ms REAL,
        agent_duration_ms REAL,
        test_duration_ms REAL,
        input_tokens INTEGER NOT NULL DEFAULT 0,
        cache_read_tokens INTEGER NOT NULL DEFAULT 0,
        cache_write_tokens INTEGER NOT NULL DEFAULT 0,
        output_tokens INTEGER NOT NULL DEFAULT 0,
        reasoning_tokens INTEGER NOT NULL DEFAULT 0,
        cost_usd REAL,
        cost_flags TEXT NOT NULL DEFAULT '',
        tests_json TEXT NOT NULL DEFAULT '[]',
        tests_passed INTEGER,
        tests_failed INTEGER,
        harness_version TEXT,
        image_digest TEXT,
        error TEXT,
        findings_json TEXT NOT NULL DEFAULT '[]'
      );
      CREATE TABLE llm_calls (
        id TEXT PRIMARY KEY,
        trial_id TEXT NOT NULL REFERENCES trials(id) ON DELETE CASCADE,
        run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        started_at TEXT NOT NULL,
        protocol TEXT NOT NULL,
        requested_model TEXT NOT NULL,
        served_model TEXT,
        streaming INTEGER NOT NULL,
        http_status INTEGER,
        latency_ms REAL,
        ttft_ms REAL,
        usage_raw_json TEXT NOT NULL DEFAULT 'null',
        input_tokens INTEGER NOT NULL,
        cache_read_tokens INTEGER NOT NULL,
        cache_write_tokens INTEGER NOT NULL,
        output_tokens INTEGER NOT NULL,
        reasoning_tokens INTEGER NOT NULL,
        estimated INTEGER NOT NULL,
        tool_calls_json TEXT NOT NULL DEFAULT '[]',
        cost_usd REAL,
        cost_source TEXT NOT NULL,
        error TEXT
      );
      CREATE TABLE transcript_events (
        trial_id TEXT NOT NULL REFERENCES trials(id) ON DELETE CASCADE,
        run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        at TEXT NOT NULL,
        kind TEXT NOT NULL,
        tool_category TEXT,
        payload_json TEXT NOT NULL,
        PRIMARY KEY (trial_id, seq)
      );
      CREATE TABLE task_snapshots (
        run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        task_id TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        task_json TEXT NOT NULL,
        PRIMARY KEY (run_id, task_id)
      );
      -- How far each run's journal has been applied to this file (see README: recovery).
      CREATE TABLE journal_progress (
        run_id TEXT PRIMARY KEY,
        last_seq INTEGER NOT NULL,
        applied_lines INTEGER NOT NULL
      );
    `,
  },
  {
    // Kept apart from version 1 so the upgrade path is exercised from the first release on.
    version: 2,
    description: 'lookup indexes; journal byte offset so reopening reads only the new part of a journal',
    sql: `
      CREATE INDEX trials_by_run ON trials (run_id, task_id, model_id, trial_index);
      CREATE INDEX llm_calls_by_trial ON llm_calls (trial_id, seq);
      CREATE INDEX llm_calls_by_run ON llm_calls (run_id);
      CREATE INDEX transcript_events_by_run ON transcript_events (run_id);
      ALTER TABLE journal_progress ADD COLUMN applied_bytes INTEGER NOT NULL DEFAULT 0;
    `,
  },
  {
    // Filled by code, not SQL (the summary is folded call by call): Store.open rebuilds it for a
    // database that comes from an older version, and applying each llm_call keeps it current.
    version: 3,
    description: "per-trial summary of the trial's LLM calls, so a report need not read every call",
    sql: `
      CREATE TABLE trial_call_summaries (
        trial_id TEXT PRIMARY KEY REFERENCES trials(id) ON DELETE CASCADE,
        run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        -- The price overrides (JSON) the summary's dollar split was computed with.
        pricing TEXT NOT NULL,
        summary_json TEXT NOT NULL
      );
      CREATE INDEX trial_call_summaries_by_run ON trial_call_summaries (run_id);
    `,
  },
  {
    version: 4,
    description: "which image a trial ran (name and registry digest) and its container's network in each phase",
    sql: `
      ALTER TABLE trials ADD COLUMN image TEXT;
      ALTER TABLE trials ADD COLUMN image_repo_digest TEXT;
      ALTER TABLE trials ADD COLUMN network TEXT;
    `,
  },
  {
    version: 5,
    description: 'the shape version of each stored call summary, so summaries of an older shape are rebuilt',
    sql: `
      ALTER TABLE trial_call_summaries ADD COLUMN shape INTEGER NOT NULL DEFAULT 0;
    `,
  },
  {
    version: 6,
    description: 'the Docker engine of the run\'s pool each trial ran on',
    sql: `
      ALTER TABLE trials ADD COLUMN engine TEXT;
    `,
  },
  {
    // Filled by code, like version 3's summaries: Store.open folds it for a database from an older
    // version, and applying each transcript event keeps it current.
    version: 7,
    description: "per-trial summary of the transcript's tool calls and commands, so a report need not read every event; call summaries as bytes",
    sql: `
      CREATE TABLE trial_transcript_summaries (
        trial_id TEXT PRIMARY KEY REFERENCES trials(id) ON DELETE CASCADE,
        run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        summary_json TEXT NOT NULL,
        shape INTEGER NOT NULL
      );
      CREATE INDEX trial_transcript_summaries_by_run ON trial_transcript_summaries (run_id);
      -- Call summaries of shape 2 on are bytes (calls/summary-bytes.ts); summary_json is then ''.
      ALTER TABLE trial_call_summaries ADD COLUMN summary BLOB;
    `,
  },
];

/** The version that added `trial_call_summaries`; opening an older database fills the table. */
export const CALL_SUMMARIES_VERSION = 3;

/** The version that added `trial_transcript_summaries`; opening an older database fills the table. */
export const TRANSCRIPT_SUMMARIES_VERSION = 7;

export const SCHEMA_VERSION: number = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

export function readSchemaVersion(db: Database): number {
  const value = db.exec('PRAGMA user_version')[0]?.values[0]?.[0];
  return typeof value === 'number' ? value : 0;
}

/**
 * Brings `db` to `target` (default: the latest version). Refuses a database written by a newer
 * KiloBench, and a version-0 file that already has tables (not a KiloBench database), leaving both
 * untouched. Returns the version found and the version reached.
 */
export function migrate(db: Database, target = SCHEMA_VERSION, file = 'the results database'): { from: number; to: number } {
  const from = readSchemaVersion(db);
  if (from > SCHEMA_VERSION) {
    throw new StoreError(
      `${file} has schema version ${from}, but this KiloBench reads up to version ${SCHEMA_VERSION}: it was written by a newer ` +
      'KiloBench. Update KiloBench to open it; the file was left untouched.',
      'newer_schema',
    );
  }
  if (from === 0) {
    const tables = db.exec("SELECT name FROM sqlite_master WHERE type = 'table'")[0]?.values ?? [];
    if (tables.length > 0) {
      throw new StoreError(`${file} is an SQLite database but not a KiloBench one (it has tables and no schema version); it was left untouched.`, 'not_a_store');
    }
  }
  if (from >= target) return { from, to: from };
  db.exec('BEGIN');
  try {
    for (const migration of MIGRATIONS) {
      if (migration.version > from && migration.version <= target) db.exec(migration.sql);
    }
    db.exec(`PRAGMA user_version = ${Math.trunc(target)}`);
    db.exec('COMMIT');
  } catch (error) {
    db.exec('ROLLBACK');
    throw new StoreError(`could not migrate ${file} from schema version ${from} to ${target}: ${(error as Error).message}`, 'migration_failed');
  }
  return { from, to: target };
}
