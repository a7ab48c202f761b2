import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, copyFileSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Store, StoreError, type StoreWarning } from '../../../src/core/store';
import { loadSqlJs } from '../../../src/core/store/sqljs';
import { journalLines, llmCall, queryFile, runCreated, tempStoreDir, transcript, trialCreated, trialPassed } from './helpers';

const WRITER = resolve(__dirname, '../../fixtures/store/writer.ts');
const journalFile = (dir: string, runId = 'run-1'): string => join(dir, 'results.journals', `${runId}.jsonl`);

/** Everything a user can read back about a run, for before/after comparisons. */
function snapshot(store: Store, runId: string): unknown {
  const trials = store.listTrials(runId);
  return {
    run: store.getRun(runId),
    trials,
    calls: trials.map((t) => store.listLlmCalls(t.id)),
    transcript: trials.map((t) => store.listTranscript(t.id)),
    tasks: store.getTaskSnapshots(runId),
  };
}

async function writeSampleRun(dbPath: string, calls = 10): Promise<void> {
  const store = await Store.open(dbPath);
  store.append(runCreated('run-1'));
  store.append({
    type: 'task_snapshot', runId: 'run-1', taskId: 'hello-file', contentHash: 'sha256:1',
    task: { id: 'hello-file', instruction: 'Create /app/hello.txt' } as never,
  });
  store.append(trialCreated('run-1', 'trial-1'));
  for (let i = 0; i < calls; i++) store.append(llmCall('run-1', 'trial-1', i));
  store.append(transcript('run-1', 'trial-1', 1));
  store.append(trialPassed('run-1', 'trial-1'));
  await store.close();
}

function childDone(child: ReturnType<typeof spawn>): Promise<{ stdout: string; stderr: string; signal: NodeJS.Signals | null }> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
  return new Promise((done) => child.on('exit', (_code, signal) => done({ stdout, stderr, signal })));
}

describe('store: journal first, then database', () => {
  let tmp: ReturnType<typeof tempStoreDir>;
  beforeEach(() => { tmp = tempStoreDir(); });
  afterEach(() => tmp.cleanup());

  it('each event is in the journal when append returns, before the database file has it', async () => {
    const store = await Store.open(tmp.dbPath, { saveDelayMs: 60_000 });
    try {
      const seqs = [store.append(runCreated('run-1')), store.append(trialCreated('run-1', 'trial-1')), store.append(llmCall('run-1', 'trial-1', 0))];
      assert.deepEqual(seqs, [1, 2, 3], 'seq counts up from 1 within a run');
      assert.deepEqual(journalLines(tmp.dir, 'run-1').map((l) => [l.seq, l.type]), [[1, 'run_created'], [2, 'trial_created'], [3, 'llm_call']]);
      assert.deepEqual(await queryFile(tmp.dbPath, 'SELECT count(*) FROM runs'), [[0]], 'the file on disk is not saved yet');
      assert.equal(store.listLlmCalls('trial-1').length, 1, 'the in-memory database has it');
    } finally {
      await store.close();
    }
  });

  it('events acknowledged by a process killed before any save are all there on the next open', async () => {
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', WRITER, 'crash', tmp.dbPath, '40'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const { stdout, stderr, signal } = await childDone(child);
    assert.equal(signal, 'SIGKILL', stderr);
    const acked = stdout.split('\n').filter((l) => l.startsWith('ack ')).map((l) => Number(l.split(' ')[1]));
    assert.equal(acked.length, 40);
    assert.deepEqual(await queryFile(tmp.dbPath, 'SELECT count(*) FROM llm_calls'), [[0]], 'the database file never saw them');

    const store = await Store.open(tmp.dbPath);
    try {
      assert.equal(store.listLlmCalls('trial-1').length, 20);
      assert.equal(store.listTranscript('trial-1').length, 20);
      assert.deepEqual(store.warnings.map((w) => w.code), ['stale_lock'], 'the dead writer’s lock is taken over, nothing else');
      assert.equal(store.append(llmCall('run-1', 'trial-1', 1000)), Math.max(...acked) + 1, 'seq continues after the last acknowledged one');
    } finally {
      await store.close();
    }
  });

  it('replaying the same journal again changes nothing', async () => {
    await writeSampleRun(tmp.dbPath);
    let store = await Store.open(tmp.dbPath);
    const before = snapshot(store, 'run-1');
    await store.close();
    for (let round = 0; round < 2; round++) {
      // Make the database forget how far it got, so open() applies the whole journal over existing rows.
      const SQL = await loadSqlJs();
      const db = new SQL.Database(readFileSync(tmp.dbPath));
      db.exec('DELETE FROM journal_progress');
      writeFileSync(tmp.dbPath, db.export());
      db.close();
      store = await Store.open(tmp.dbPath);
      assert.deepEqual(snapshot(store, 'run-1'), before);
      assert.deepEqual(store.warnings, []);
      await store.close();
    }
    assert.deepEqual(await queryFile(tmp.dbPath, 'SELECT count(*) FROM llm_calls'), [[10]], 'no duplicate rows');
  });

  it('a missing database is rebuilt from the journals', async () => {
    await writeSampleRun(tmp.dbPath);
    let store = await Store.open(tmp.dbPath);
    const before = snapshot(store, 'run-1');
    await store.close();
    rmSync(tmp.dbPath);
    store = await Store.open(tmp.dbPath);
    try {
      assert.deepEqual(snapshot(store, 'run-1'), before);
      assert.equal(store.getTrial('trial-1')?.status, 'passed');
    } finally {
      await store.close();
    }
  });

  it('a database older than its journals is brought up to date on open', async () => {
    await writeSampleRun(tmp.dbPath, 5);
    copyFileSync(tmp.dbPath, `${tmp.dbPath}.old`);
    let store = await Store.open(tmp.dbPath);
    store.append(trialCreated('run-1', 'trial-2', 1));
    for (let i = 0; i < 7; i++) store.append(llmCall('run-1', 'trial-2', i));
    store.append({ type: 'run_updated', runId: 'run-1', patch: { status: 'finished', finishedAt: '2025-01-01T01:00:00.000Z' } });
    const before = snapshot(store, 'run-1');
    await store.close();

    copyFileSync(`${tmp.dbPath}.old`, tmp.dbPath); // the file as it was before those events
    assert.deepEqual(await queryFile(tmp.dbPath, 'SELECT count(*) FROM trials'), [[1]]);
    store = await Store.open(tmp.dbPath);
    try {
      assert.deepEqual(snapshot(store, 'run-1'), before);
      assert.equal(store.getRun('run-1')?.status, 'finished');
      assert.equal(store.listLlmCalls('trial-2').length, 7);
    } finally {
      await store.close();
    }
    // …and saved, so the next open has nothing to replay.
    assert.deepEqual(await queryFile(tmp.dbPath, 'SELECT last_seq FROM journal_progress'), [[journalLines(tmp.dir, 'run-1').length]]);
  });

  it('a torn last line is ignored and reported, and later appends are not glued to it', async () => {
    await writeSampleRun(tmp.dbPath, 3);
    const lines = journalLines(tmp.dir, 'run-1').length;
    rmSync(tmp.dbPath); // rebuild from the journal alone
    appendFileSync(journalFile(tmp.dir), '{"seq":99,"type":"llm_call","runId":"run-1","call":{"id":"half');
    const warnings: StoreWarning[] = [];
    let store = await Store.open(tmp.dbPath, { onWarning: (w) => warnings.push(w) });
    try {
      assert.equal(warnings.length, 1);
      assert.equal(warnings[0]?.code, 'torn_line');
      assert.equal(warnings[0]?.line, lines + 1);
      assert.match(warnings[0]?.message ?? '', /incomplete last line/);
      assert.equal(store.listLlmCalls('trial-1').length, 3, 'every complete line is applied');
      assert.equal(store.append(llmCall('run-1', 'trial-1', 50)), lines + 1, 'the torn event never got a seq');
    } finally {
      await store.close();
    }
    assert.equal(journalLines(tmp.dir, 'run-1').length, lines + 1, 'the journal parses line by line again');
    store = await Store.open(tmp.dbPath);
    assert.deepEqual(store.warnings, []);
    assert.equal(store.listLlmCalls('trial-1').length, 4);
    await store.close();
  });

  it('a malformed line in the middle is reported with its line number and skipped, the rest applied', async () => {
    await writeSampleRun(tmp.dbPath, 6);
    const text = readFileSync(journalFile(tmp.dir), 'utf8').split('\n');
    // Line 5 and 7 are LLM calls: break one's JSON and give the other an invalid cost.
    assert.match(text[4] ?? '', /"type":"llm_call"/);
    text[4] = '{"seq":5,"type":"llm_call",,,';
    text[6] = (text[6] ?? '').replace('"costUsd":0.0012', '"costUsd":"cheap"');
    writeFileSync(journalFile(tmp.dir), text.join('\n'));
    rmSync(tmp.dbPath);

    const store = await Store.open(tmp.dbPath);
    try {
      const problems = store.warnings.map((w) => [w.code, w.line]);
      assert.deepEqual(problems, [['malformed_line', 5], ['malformed_line', 7]]);
      assert.match(store.warnings[0]?.message ?? '', /run-1\.jsonl:5: .*not valid JSON/);
      assert.match(store.warnings[1]?.message ?? '', /run-1\.jsonl:7: .*line\.call\.costUsd: expected a finite number ≥ 0, got "cheap"/);
      assert.equal(store.listLlmCalls('trial-1').length, 4, '6 calls minus the 2 bad lines');
      assert.equal(store.getTrial('trial-1')?.status, 'passed', 'lines after the bad ones are applied');
    } finally {
      await store.close();
    }
  });

  it('a line naming a trial that does not exist is reported and skipped, not applied as an orphan', async () => {
    await writeSampleRun(tmp.dbPath, 2);
    appendFileSync(journalFile(tmp.dir), `${JSON.stringify({ seq: 100, ...llmCall('run-1', 'ghost-trial', 1) })}\n`);
    const store = await Store.open(tmp.dbPath);
    try {
      assert.deepEqual(store.warnings.map((w) => w.code), ['unknown_reference']);
      assert.match(store.warnings[0]?.message ?? '', /trial "ghost-trial" does not exist/);
      assert.equal(store.listLlmCalls('ghost-trial').length, 0);
    } finally {
      await store.close();
    }
  });

  it('a journal that lost events the database has is reported, and seq keeps counting up', async () => {
    await writeSampleRun(tmp.dbPath, 4);
    const lines = readFileSync(journalFile(tmp.dir), 'utf8').split('\n').filter(Boolean);
    writeFileSync(journalFile(tmp.dir), `${lines.slice(0, 3).join('\n')}\n`);
    const store = await Store.open(tmp.dbPath);
    try {
      assert.deepEqual(store.warnings.map((w) => w.code), ['journal_shorter']);
      assert.equal(store.listLlmCalls('trial-1').length, 4, 'the database keeps what it had');
      assert.equal(store.append(llmCall('run-1', 'trial-1', 9)), lines.length + 1, 'no seq is reused');
    } finally {
      await store.close();
    }
  });

  it('append refuses an invalid event or one naming an unknown trial, and journals nothing', async () => {
    const store = await Store.open(tmp.dbPath);
    try {
      store.append(runCreated('run-1'));
      store.append(trialCreated('run-1', 'trial-1'));
      const size = statSync(journalFile(tmp.dir)).size;
      const bad: [unknown, RegExp][] = [
        [{ type: 'trial_updated', runId: 'run-1', trialId: 'trial-1', patch: { status: 'done' } }, /event\.patch\.status: expected one of queued\|running\|passed/],
        [{ ...llmCall('run-1', 'trial-1', 1), call: { ...llmCall('run-1', 'trial-1', 1).call, costUsd: Number.NaN } }, /costUsd: expected a finite number ≥ 0, got NaN/],
        [{ ...llmCall('run-1', 'trial-1', 1), call: { ...llmCall('run-1', 'trial-1', 1).call, costUsd: 0, costSource: 'unpriced' } }, /null for an unpriced call/],
        [{ ...llmCall('run-1', 'trial-1', 1), call: { ...llmCall('run-1', 'trial-1', 1).call, costUsd: null } }, /a number for a computed cost/],
        [{ ...runCreated('x'), runId: '../escape' }, /event\.runId: expected a run id/],
        [{ type: 'nope', runId: 'run-1' }, /event\.type: expected one of/],
      ];
      for (const [event, message] of bad) {
        assert.throws(() => store.append(event as never), (error: unknown) => {
          assert.ok(error instanceof StoreError);
          assert.equal(error.code, 'invalid_event');
          assert.match(error.message, message);
          return true;
        });
      }
      assert.throws(() => store.append(llmCall('run-1', 'no-such-trial', 1)), /trial "no-such-trial" does not exist/);
      assert.throws(() => store.append(trialCreated('no-such-run', 't')), /run "no-such-run" does not exist/);
      assert.equal(statSync(journalFile(tmp.dir)).size, size, 'nothing was written to the journal');
      assert.equal(store.append(llmCall('run-1', 'trial-1', 1)), 3, 'refused events use up no seq');
    } finally {
      await store.close();
    }
  });
});
