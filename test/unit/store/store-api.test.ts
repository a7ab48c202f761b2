import assert from 'node:assert/strict';
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Store, StoreError } from '../../../src/core/store';
import { findSqlWasm, sqlWasmCandidates } from '../../../src/core/store/sqljs';
import { at, llmCall, runCreated, tempStoreDir, transcript, trialCreated, trialPassed } from './helpers';

describe('store: reading back what was recorded', () => {
  let tmp: ReturnType<typeof tempStoreDir>;
  beforeEach(() => { tmp = tempStoreDir(); });
  afterEach(() => tmp.cleanup());

  it('returns runs, trials, calls, transcripts and task snapshots as typed camelCase records', async () => {
    const store = await Store.open(tmp.dbPath);
    try {
      store.append(runCreated('run-a'));
      store.append(runCreated('run-b', at(5000)));
      store.append({
        type: 'task_snapshot', runId: 'run-a', taskId: 'hello-file', contentHash: 'sha256:42',
        task: { id: 'hello-file', instruction: 'Create /app/hello.txt', tags: ['files'] } as never,
      });
      store.append(trialCreated('run-a', 'trial-2', 1));
      store.append(trialCreated('run-a', 'trial-1', 0));
      store.append(llmCall('run-a', 'trial-1', 2));
      store.append(llmCall('run-a', 'trial-1', 1));
      store.append({
        type: 'llm_call', runId: 'run-a',
        call: { ...llmCall('run-a', 'trial-1', 3).call, costUsd: null, costSource: 'unpriced', estimated: true, error: 'no price for sim-fast' },
      });
      store.append(transcript('run-a', 'trial-1', 2));
      store.append(transcript('run-a', 'trial-1', 1));
      store.append(trialPassed('run-a', 'trial-1'));
      store.append({ type: 'trial_updated', runId: 'run-a', trialId: 'trial-2', patch: { status: 'running', startedAt: at(10) } });

      assert.deepEqual(store.listRuns().map((r) => r.id), ['run-b', 'run-a'], 'newest first');
      const run = store.getRun('run-a');
      assert.deepEqual(run, {
        id: 'run-a', name: 'run run-a', status: 'running', createdAt: at(0), finishedAt: null,
        plan: { tasks: ['hello-file'], models: ['sim-fast'], harness: 'builtin', trialsPerPair: 2 },
        settings: { concurrency: 2, budgetUsd: null },
      });
      assert.equal(store.getRun('nope'), undefined);

      assert.deepEqual(store.listTrials('run-a').map((t) => t.id), ['trial-1', 'trial-2'], 'by task, model, trial index');
      const trial = store.getTrial('trial-1');
      assert.equal(trial?.status, 'passed');
      assert.deepEqual(trial?.tokens, { input: 3000, cacheRead: 600, cacheWrite: 0, output: 150, reasoning: 30 });
      assert.deepEqual(trial?.tests, [{ name: 'test_hello', status: 'passed' }]);
      assert.deepEqual(trial?.costFlags, ['estimated']);
      assert.equal(trial?.seed, 7);
      const fresh = store.getTrial('trial-2');
      assert.equal(fresh?.costUsd, null, 'an unmetered trial has no cost, not $0');
      assert.deepEqual(fresh?.tokens, { input: 0, cacheRead: 0, cacheWrite: 0, output: 0, reasoning: 0 });
      assert.deepEqual(fresh?.findings, []);

      const calls = store.listLlmCalls('trial-1');
      assert.deepEqual(calls.map((c) => c.seq), [1, 2, 3], 'in call order');
      assert.equal(calls[0]?.streaming, false);
      assert.equal(calls[1]?.streaming, true);
      assert.deepEqual(calls[0]?.toolCalls, [{ name: 'bash', id: 'tc-1', arguments: { command: 'ls -la /app/1' } }]);
      assert.deepEqual(calls[0]?.usageRaw, { prompt_tokens: 1001, completion_tokens: 50, note: '' });
      assert.equal(calls[2]?.costUsd, null);
      assert.equal(calls[2]?.costSource, 'unpriced');
      assert.equal(calls[2]?.estimated, true);

      assert.deepEqual(store.listTranscript('trial-1').map((e) => [e.seq, e.kind, e.toolCategory]), [[1, 'tool_call', 'exec'], [2, 'tool_call', 'exec']]);
      assert.deepEqual(store.getTaskSnapshots('run-a').map((s) => [s.taskId, s.contentHash, s.task.instruction]), [['hello-file', 'sha256:42', 'Create /app/hello.txt']]);
      assert.deepEqual(store.unfinishedTrials('run-a').map((t) => [t.id, t.status]), [['trial-2', 'running']]);
    } finally {
      await store.close();
    }
  });

  it('the trials the analysis reads come in listTrials order, trials of one task, model and index by id (code points, as SQLite sorts)', async () => {
    const store = await Store.open(tmp.dbPath);
    try {
      store.append(runCreated('run-a'));
      // Same task, model and index: only the id orders them ('\u{1F600}' sorts after '\uFFFD' by code point, before it in UTF-16 units).
      for (const [id, index] of [['t-b', 0], ['t-\u{1F600}', 0], ['t-a', 0], ['t-\uFFFD', 0], ['u-0', 1], ['a-9', 2], ['t-c', 0]] as const) {
        store.append(trialCreated('run-a', id, index));
      }
      store.append({ type: 'trial_created', runId: 'run-a', trial: { id: 'z-other-model', taskId: 'hello-file', modelId: 'sim-alpha', harness: 'builtin', trialIndex: 0 } });
      const listed = store.listTrials('run-a').map((t) => t.id);
      assert.deepEqual(listed, ['z-other-model', 't-a', 't-b', 't-c', 't-\uFFFD', 't-\u{1F600}', 'u-0', 'a-9']);
      assert.deepEqual(store.listAnalysedTrials('run-a').map((t) => t.id), listed);
    } finally {
      await store.close();
    }
  });

  it('a patch changes only the fields it names, and null clears a field', async () => {
    const store = await Store.open(tmp.dbPath);
    try {
      store.append(runCreated('run-1'));
      store.append(trialCreated('run-1', 'trial-1'));
      store.append({ type: 'trial_updated', runId: 'run-1', trialId: 'trial-1', patch: { error: 'oops', costUsd: 0.5 } });
      store.append({ type: 'trial_updated', runId: 'run-1', trialId: 'trial-1', patch: { error: null } });
      const trial = store.getTrial('trial-1');
      assert.equal(trial?.error, null);
      assert.equal(trial?.costUsd, 0.5);
      assert.equal(trial?.seed, 7);
    } finally {
      await store.close();
    }
  });

  it('deleteRun removes the run, its rows and its journal, for good', async () => {
    let store = await Store.open(tmp.dbPath);
    store.append(runCreated('run-1'));
    store.append(trialCreated('run-1', 'trial-1'));
    store.append(llmCall('run-1', 'trial-1', 1));
    store.append(runCreated('run-2'));
    assert.equal(await store.deleteRun('run-1'), true);
    assert.equal(await store.deleteRun('run-1'), false, 'already gone');
    assert.equal(store.getRun('run-1'), undefined);
    assert.equal(store.getTrial('trial-1'), undefined);
    assert.equal(store.listLlmCalls('trial-1').length, 0);
    assert.equal(existsSync(join(tmp.dir, 'results.journals', 'run-1.jsonl')), false);
    await store.close();
    store = await Store.open(tmp.dbPath);
    assert.deepEqual(store.listRuns().map((r) => r.id), ['run-2'], 'it does not come back from a journal');
    await store.close();
  });

  it('a delete interrupted after the journal was set aside is finished on the next open', async () => {
    let store = await Store.open(tmp.dbPath);
    store.append(runCreated('run-1'));
    await store.close();
    // The first step of deleteRun, then a crash.
    renameSync(join(tmp.dir, 'results.journals', 'run-1.jsonl'), join(tmp.dir, 'results.journals', 'run-1.jsonl.deleted'));
    store = await Store.open(tmp.dbPath);
    try {
      assert.equal(store.getRun('run-1'), undefined);
      assert.equal(existsSync(join(tmp.dir, 'results.journals', 'run-1.jsonl.deleted')), false);
    } finally {
      await store.close();
    }
  });

  it('a closed store says so instead of failing somewhere deep', async () => {
    const store = await Store.open(tmp.dbPath);
    await store.close();
    await store.close(); // twice is fine
    assert.throws(() => store.listRuns(), (error: unknown) => error instanceof StoreError && error.code === 'closed');
    assert.throws(() => store.append(runCreated('run-1')), /is closed/);
  });

  it('finds sql.js’s wasm next to the bundle first, else in the sql.js package', () => {
    const bundled = join(tmp.dir, 'sql-wasm.wasm');
    writeFileSync(bundled, 'wasm');
    assert.equal(findSqlWasm([bundled, '/elsewhere/sql-wasm.wasm']), bundled);
    assert.equal(findSqlWasm([join(tmp.dir, 'missing.wasm'), bundled]), bundled);
    assert.ok(sqlWasmCandidates().some((path) => path.includes(join('node_modules', 'sql.js')) && existsSync(path)));
    assert.throws(() => findSqlWasm([join(tmp.dir, 'none.wasm')]), /cannot find sql-wasm\.wasm \(looked at: .*none\.wasm\)/);
  });
});
