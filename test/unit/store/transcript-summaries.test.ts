import assert from 'node:assert/strict';
import { summariseTranscript } from '../../../src/core/calls';
import { reportFromStore } from '../../../src/core/report/from-store';
import { Store, type StoreEvent, type TranscriptEventAppended } from '../../../src/core/store';
import { at, reportFromEveryRow, runCreated, tempStoreDir, writeOlderDatabase } from './helpers';

const RUN = 'run-tx';

function trial(id: string, trialIndex: number, status: 'passed' | 'failed'): StoreEvent[] {
  return [
    { type: 'trial_created', runId: RUN, trial: { id, taskId: `task-${trialIndex % 2}`, modelId: 'openai/gpt-5', harness: 'kilo', trialIndex } },
    { type: 'trial_updated', runId: RUN, trialId: id, patch: { status, startedAt: at(0), agentDurationMs: 40_000 } },
  ];
}

function event(trialId: string, seq: number, entry: Partial<TranscriptEventAppended['entry']>): TranscriptEventAppended {
  return { type: 'transcript_event', runId: RUN, entry: { trialId, seq, at: at(seq * 1000), kind: 'tool_call', toolCategory: 'exec', payload: { command: `pytest -k t${seq}` }, ...entry } };
}

describe('store: per-trial transcript summaries', () => {
  let tmp: ReturnType<typeof tempStoreDir>;
  beforeEach(() => { tmp = tempStoreDir(); });
  afterEach(() => tmp.cleanup());

  async function filled(): Promise<Store> {
    const store = await Store.open(tmp.dbPath, { saveDelayMs: 60_000 });
    const events: StoreEvent[] = [
      runCreated(RUN),
      ...trial('a', 0, 'passed'), ...trial('b', 1, 'failed'), ...trial('c', 2, 'passed'), ...trial('d', 3, 'failed'),
      // a: tool calls of several categories, a message in between, a unicode command, out of order.
      event('a', 3, { toolCategory: 'read', payload: { path: 'x.py' } }), event('a', 1, { payload: { command: 'echo ✓' } }),
      event('a', 2, { kind: 'model_message', toolCategory: null, payload: { text: 'hi' } }), event('a', 4, { toolCategory: null, payload: {} }),
      // b: only commands (a harness that runs them itself), one recorded twice as a tool call.
      event('b', 1, { kind: 'command', toolCategory: null, payload: { command: 'ls -la' } }),
      event('b', 2, { kind: 'command', toolCategory: null, payload: 'no command here' }),
      event('b', 2, { kind: 'tool_call', toolCategory: 'write', payload: { path: 'y' } }),
      // c: a tool call later replaced by a message: no tool calls left.
      event('c', 1, {}), event('c', 1, { kind: 'model_message', toolCategory: null, payload: { text: 'only words' } }),
      // d: no transcript at all.
    ];
    for (const e of events) store.append(e);
    return store;
  }

  it('each trial’s summary equals the fold of its stored events, whatever order and however often they came', async () => {
    const store = await filled();
    try {
      const stored = new Map(store.listTranscriptSummaries(RUN).map((s) => [s.trialId, s.summary]));
      assert.deepEqual([...stored.keys()].sort(), ['a', 'b'], 'a summary for every trial with tool calls or commands, none for c (replaced) or d');
      for (const [trialId, summary] of stored) assert.deepEqual(summary, summariseTranscript(store.listTranscript(trialId)), trialId);
      const a = stored.get('a')!;
      assert.equal(a.toolCalls.total, 3);
      assert.equal(a.toolCalls.exec, 1);
      assert.equal(a.toolCalls.read, 1);
      assert.equal(a.toolCalls.other, 1, 'a tool call without a category counts as other');
      assert.equal(a.toolCommandChars, 6, 'characters, not UTF-16 units or bytes');
      const b = stored.get('b')!;
      assert.equal(b.commands, 1, 'the command recorded again as a tool call is no longer a command');
      assert.equal(b.toolCalls.write, 1);
    } finally {
      await store.close();
    }
  });

  it('a report from the summaries is identical to one computed from every event', async () => {
    const store = await filled();
    try {
      const fromStore = reportFromStore(store, [RUN], { generatedAt: at(0) });
      assert.deepEqual(fromStore, reportFromEveryRow(store, RUN, at(0)));
      assert.deepEqual(fromStore.models[0]?.fingerprint.toolCalls.total, 4, 'a’s three tool calls and b’s one');
    } finally {
      await store.close();
    }
  });

  it('a database from before transcript summaries (schema 6) gets them on open', async () => {
    await writeOlderDatabase(tmp.dbPath, 6, `
      INSERT INTO transcript_events (trial_id, run_id, seq, at, kind, tool_category, payload_json) VALUES
        ('t1', 'old', 1, '2025-01-01T00:00:01.000Z', 'tool_call', 'exec', '{"command":"make test"}'),
        ('t1', 'old', 2, '2025-01-01T00:00:02.000Z', 'tool_result', NULL, '{"output":"ok"}'),
        ('t1', 'old', 3, '2025-01-01T00:00:03.000Z', 'tool_call', 'read', '{"path":"a"}');
    `);
    const store = await Store.open(tmp.dbPath);
    try {
      const [row] = store.listTranscriptSummaries('old');
      assert.equal(row?.trialId, 't1');
      assert.equal(row?.summary.toolCalls.total, 2);
      assert.equal(row?.summary.toolCommandsMeasured, 1);
      assert.equal(row?.summary.toolCommandChars, 'make test'.length);
      const report = reportFromStore(store, ['old']);
      assert.equal(report.models[0]?.fingerprint.meanCommandLength, 9, 'the report reads the folded summary');
    } finally {
      await store.close();
    }
  });
});
