import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { Store, StoreError } from '../../../src/core/store';
import { MIGRATIONS, SCHEMA_VERSION, migrate, readSchemaVersion } from '../../../src/core/store/schema';
import { loadSqlJs } from '../../../src/core/store/sqljs';
import { queryFile, tempStoreDir, writeNewerDatabase } from './helpers';

describe('store: schema and migrations', () => {
  let tmp: ReturnType<typeof tempStoreDir>;
  beforeEach(() => { tmp = tempStoreDir(); });
  afterEach(() => tmp.cleanup());

  it('a new store is created at the latest schema version, with every table', async () => {
    const store = await Store.open(tmp.dbPath);
    await store.close();
    assert.ok(existsSync(tmp.dbPath), 'the database file is created on open');
    assert.deepEqual(await queryFile(tmp.dbPath, 'PRAGMA user_version'), [[SCHEMA_VERSION]]);
    const tables = (await queryFile(tmp.dbPath, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")).map((r) => r[0]);
    assert.deepEqual(tables, ['journal_progress', 'llm_calls', 'runs', 'task_snapshots', 'transcript_events', 'trial_call_summaries', 'trial_transcript_summaries', 'trials']);
    assert.ok(MIGRATIONS.every((m, i) => m.version === i + 1), 'migrations are numbered 1, 2, 3… in order');
  });

  it('a database at the previous version is migrated on open, keeping its rows', async () => {
    assert.ok(SCHEMA_VERSION >= 2, 'there is a previous version to migrate from');
    // Build the old database exactly as the previous release left it: migrations up to N-1 only.
    const SQL = await loadSqlJs();
    const old = new SQL.Database();
    migrate(old, SCHEMA_VERSION - 1);
    assert.equal(readSchemaVersion(old), SCHEMA_VERSION - 1);
    old.exec(`
      INSERT INTO runs (id, created_at, name, status, plan_json, settings_json)
        VALUES ('old-run', '2024-12-01T10:00:00.000Z', 'from last release', 'finished',
                '{"tasks":["t"],"models":["m"],"harness":"nop","trialsPerPair":1}', '{}');
      INSERT INTO trials (id, run_id, task_id, model_id, harness, trial_index, status, input_tokens, cost_usd)
        VALUES ('old-trial', 'old-run', 't', 'm', 'nop', 0, 'failed', 1234, 0.5);
    `);
    writeFileSync(tmp.dbPath, old.export());
    old.close();

    const store = await Store.open(tmp.dbPath);
    assert.equal(store.getRun('old-run')?.name, 'from last release');
    const trial = store.getTrial('old-trial');
    assert.equal(trial?.status, 'failed');
    assert.equal(trial?.tokens.input, 1234);
    assert.equal(trial?.costUsd, 0.5);
    // The migrated database takes new events.
    store.append({ type: 'run_updated', runId: 'old-run', patch: { name: 'renamed' } });
    await store.close();
    assert.deepEqual(await queryFile(tmp.dbPath, 'PRAGMA user_version'), [[SCHEMA_VERSION]]);
    assert.deepEqual(await queryFile(tmp.dbPath, "SELECT name FROM runs WHERE id = 'old-run'"), [['renamed']]);
    const indexes = await queryFile(tmp.dbPath, "SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'llm_calls_by_trial'");
    assert.equal(indexes.length, 1, 'the newer version’s index exists after the migration');
  });

  it('a database written by a newer KiloBench is refused with a clear message and left untouched', async () => {
    await writeNewerDatabase(tmp.dbPath);
    const before = readFileSync(tmp.dbPath);

    for (let attempt = 0; attempt < 2; attempt++) {
      await assert.rejects(Store.open(tmp.dbPath), (error: unknown) => {
        assert.ok(error instanceof StoreError);
        assert.equal(error.code, 'newer_schema');
        assert.match(error.message, new RegExp(`schema version ${SCHEMA_VERSION + 1}`));
        assert.match(error.message, /newer KiloBench/);
        assert.match(error.message, /Update KiloBench/);
        return true;
      });
    }
    assert.deepEqual(readFileSync(tmp.dbPath), before, 'the file is not modified');
    assert.deepEqual(readdirSync(tmp.dir).filter((n) => n.includes('corrupt')), [], 'a newer database is not treated as corrupt');
  });

  it('an SQLite file that is not a KiloBench database is refused, not overwritten', async () => {
    const SQL = await loadSqlJs();
    const foreign = new SQL.Database();
    foreign.exec('CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES (\'keep me\')');
    writeFileSync(tmp.dbPath, foreign.export());
    foreign.close();
    await assert.rejects(Store.open(tmp.dbPath), /not a KiloBench one/);
    assert.deepEqual(await queryFile(tmp.dbPath, 'SELECT body FROM notes'), [['keep me']]);
  });

  it('a migration that fails leaves the database at its old version', async () => {
    const SQL = await loadSqlJs();
    const db = new SQL.Database();
    migrate(db, 1);
    // Sabotage: migration 2 creates this index.
    db.exec('CREATE INDEX llm_calls_by_trial ON llm_calls (id)');
    assert.throws(() => migrate(db), /could not migrate .* from schema version 1/);
    assert.equal(readSchemaVersion(db), 1);
    db.close();
  });
});
