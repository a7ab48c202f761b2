import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { CALL_SUMMARY_SHAPE, summariseCalls, usagePricer } from '../../../src/core/calls';
import { reportFromStore } from '../../../src/core/report/from-store';
import { Store, type LlmCallEvent, type StoreEvent } from '../../../src/core/store';
import { loadSqlJs } from '../../../src/core/store/sqljs';
import { at, queryFile, reportFromEveryRow, runCreated, tempStoreDir, transcript, writeOlderDatabase } from './helpers';

const RUN = 'run-sum';

function trial(id: string, modelId: string, trialIndex: number, status: 'passed' | 'failed' | 'infra_error'): StoreEvent[] {
  return [
    { type: 'trial_created', runId: RUN, trial: { id, taskId: `task-${trialIndex % 2}`, modelId, harness: 'kilo', trialIndex } },
    { type: 'trial_updated', runId: RUN, trialId: id, patch: { status, startedAt: at(0), agentDurationMs: 40_000 } },
  ];
}

/** Calls of every shape the summary must fold: growing context, reasoning, unpriced, estimated, sim, tool calls. */
function call(trialId: string, seq: number, over: Partial<LlmCallEvent['call']> = {}): LlmCallEvent {
  return {
    type: 'llm_call', runId: RUN,
    call: {
      id: `${trialId}-c${seq}`, trialId, seq, startedAt: at(seq * 1000), protocol: 'openai', requestedModel: 'openai/gpt-5',
      servedModel: 'openai/gpt-5', streaming: true, httpStatus: 200, latencyMs: 700 + seq * 13.5,
      usage: { input: 300 + seq * 17, cacheRead: seq > 1 ? 1000 * seq : 0, cacheWrite: seq === 2 ? 512 : 0, output: 40 + seq, reasoning: seq % 3 === 0 ? 20 : 0 },
      estimated: false,
      toolCalls: [{ name: seq % 2 ? 'bash' : 'read_file', arguments: seq % 2 ? { command: `pytest -k t${seq}` } : { path: 'a.py' } }],
      costUsd: 0.001 * seq + 0.0001 / 3, costSource: 'computed',
      ...over,
    },
  };
}

describe('store: per-trial call summaries', () => {
  let tmp: ReturnType<typeof tempStoreDir>;
  beforeEach(() => { tmp = tempStoreDir(); });
  afterEach(() => tmp.cleanup());

  async function filled(): Promise<Store> {
    const store = await Store.open(tmp.dbPath, { saveDelayMs: 60_000 });
    const events: StoreEvent[] = [
      runCreated(RUN),
      ...trial('a', 'openai/gpt-5', 0, 'passed'),
      ...trial('b', 'openai/gpt-5', 1, 'failed'),
      ...trial('c', 'sim/fast', 0, 'infra_error'),
      ...trial('d', 'sim/fast', 1, 'passed'), // no calls at all
      // a: in order.
      ...[1, 2, 3, 4, 5].map((seq) => call('a', seq)),
      // b: out of order, one call recorded twice with new values, one unpriced, one estimated.
      call('b', 2), call('b', 1, { estimated: true }), call('b', 3, { costUsd: null, costSource: 'unpriced' }), call('b', 2, { latencyMs: 5 }),
      // c: simulated model, an error call that reported no usage.
      call('c', 1, { requestedModel: 'sim/fast', servedModel: 'sim/fast' }),
      call('c', 2, { requestedModel: 'sim/fast', servedModel: null, usage: { input: 0, cacheRead: 0, cacheWrite: 0, output: 0, reasoning: 0 }, httpStatus: 500, toolCalls: [] }),
      transcript(RUN, 'c', 1),
    ];
    for (const event of events) store.append(event);
    return store;
  }

  it('each trial’s summary equals the sums over its stored calls, whatever order they came in', async () => {
    const store = await filled();
    try {
      const pricer = usagePricer({});
      const stored = new Map(store.listCallSummaries(RUN).map((s) => [s.trialId, s]));
      assert.deepEqual([...stored.keys()].sort(), ['a', 'b', 'c'], 'one summary per trial that made calls');
      for (const [trialId, { summary, pricing }] of stored) {
        const calls = store.listLlmCalls(trialId);
        assert.equal(pricing, '{}');
        assert.deepEqual(summary, summariseCalls(calls, pricer), `summary of ${trialId} = fold of its calls`);
        assert.equal(summary.calls, calls.length);
        for (const kind of ['input', 'cacheRead', 'cacheWrite', 'output', 'reasoning'] as const) {
          assert.equal(summary.tokens[kind], calls.reduce((n, c) => n + c.usage[kind], 0), `${trialId} ${kind}`);
        }
        assert.equal(summary.latencyMs, calls.reduce((n, c) => n + (c.latencyMs ?? 0), 0));
      }
      const b = stored.get('b')!.summary;
      assert.equal(b.calls, 3, 'the call recorded twice counts once');
      assert.equal(b.costUsd, null, 'an unpriced call makes the cost unknown');
      assert.equal(b.estimated, true);
      assert.equal(stored.get('c')!.summary.simulated, true);
      const a = stored.get('a')!.summary;
      assert.ok(Math.abs((a.costUsd as number) - [1, 2, 3, 4, 5].reduce((n, s) => n + 0.001 * s + 0.0001 / 3, 0)) < 1e-15);
      assert.ok(a.usdSplit !== null && a.usdSplit.unit === 'usd', 'a priced model gets a dollar split');
    } finally {
      await store.close();
    }
  });

  it('a report from the summaries is identical to one computed from every call', async () => {
    const store = await filled();
    try {
      const fromStore = reportFromStore(store, [RUN], { generatedAt: at(0) });
      assert.deepEqual(fromStore, reportFromEveryRow(store, RUN, at(0)));
      assert.ok(fromStore.models.some((m) => m.simulated), 'the sim model is still seen as simulated');
    } finally {
      await store.close();
    }
  });

  it('a database from before summaries existed gets them on open', async () => {
    await writeOlderDatabase(tmp.dbPath, 2, `
      INSERT INTO llm_calls (id, trial_id, run_id, seq, started_at, protocol, requested_model, streaming, input_tokens, cache_read_tokens,
        cache_write_tokens, output_tokens, reasoning_tokens, estimated, cost_usd, cost_source)
        VALUES ('k1', 't1', 'old', 1, '2025-01-01T00:00:01.000Z', 'openai', 'm', 0, 100, 0, 0, 10, 0, 0, 0.5, 'computed'),
               ('k2', 't1', 'old', 2, '2025-01-01T00:00:02.000Z', 'openai', 'm', 0, 50, 100, 0, 20, 0, 0, 0.25, 'computed');
    `);
    const store = await Store.open(tmp.dbPath);
    try {
      const [row] = store.listCallSummaries('old');
      assert.equal(row?.summary.calls, 2);
      assert.equal(row?.summary.costUsd, 0.75);
      assert.deepEqual(row?.summary.tokens, { input: 150, cacheRead: 100, cacheWrite: 0, output: 30, reasoning: 0 });
    } finally {
      await store.close();
    }
  });

  it('summaries of an older shape are rebuilt from the stored calls on open, and record the current shape', async () => {
    const store = await filled();
    await store.close();
    assert.deepEqual(await queryFile(tmp.dbPath, 'SELECT DISTINCT shape FROM trial_call_summaries'), [[CALL_SUMMARY_SHAPE]]);
    // As a KiloBench whose summaries had another shape left them: wrong figures under an old shape number.
    const SQL = await loadSqlJs();
    const db = new SQL.Database(readFileSync(tmp.dbPath));
    db.exec(`UPDATE trial_call_summaries SET shape = ${CALL_SUMMARY_SHAPE - 1}, summary_json = '{"calls": 999}'`);
    writeFileSync(tmp.dbPath, db.export());
    db.close();
    const reopened = await Store.open(tmp.dbPath);
    try {
      const stored = reopened.listCallSummaries(RUN);
      assert.deepEqual(stored.map((s) => s.trialId).sort(), ['a', 'b', 'c']);
      for (const { trialId, summary } of stored) assert.deepEqual(summary, summariseCalls(reopened.listLlmCalls(trialId), usagePricer({})), trialId);
    } finally {
      await reopened.close();
    }
    assert.deepEqual(await queryFile(tmp.dbPath, 'SELECT DISTINCT shape FROM trial_call_summaries'), [[CALL_SUMMARY_SHAPE]], 'the rebuild is saved');
  });
});
