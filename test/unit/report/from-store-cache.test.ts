import assert from 'node:assert/strict';
import { reportFromStore } from '../../../src/core/report/from-store';
import { Store } from '../../../src/core/store';
import { llmCall, runCreated, tempStoreDir, trialCreated, trialPassed } from '../store/helpers';

const RUN = 'run-cache';

describe('report from the store: the analysis of an unchanged store is reused', () => {
  let tmp: ReturnType<typeof tempStoreDir>;
  beforeEach(() => { tmp = tempStoreDir(); });
  afterEach(() => tmp.cleanup());

  it('gives the same report as a fresh build, and a new event makes it build again', async () => {
    const store = await Store.open(tmp.dbPath, { saveDelayMs: 60_000 });
    try {
      for (const e of [runCreated(RUN), trialCreated(RUN, 'a', 0), llmCall(RUN, 'a', 1), trialPassed(RUN, 'a'), trialCreated(RUN, 'b', 1), llmCall(RUN, 'b', 1)]) store.append(e);
      const first = reportFromStore(store, [RUN], { resamples: 50 });
      const again = reportFromStore(store, [RUN], { resamples: 50 });
      assert.deepEqual(again, first);
      assert.equal(again.models[0]?.fingerprint, first.models[0]?.fingerprint, 'the second build reused the first analysis');
      assert.deepEqual(reportFromStore(store, [RUN], { resamples: 50, cache: false }), first);
      assert.equal(first.models[0]?.attempts, 1); // b is still queued

      store.append({ type: 'trial_updated', runId: RUN, trialId: 'b', patch: { status: 'failed', startedAt: '2025-01-01T00:00:00.000Z' } });
      const after = reportFromStore(store, [RUN], { resamples: 50 });
      assert.equal(after.models[0]?.attempts, 2, 'the finished trial shows at once');
      assert.equal(after.models[0]?.passed, 1);
      assert.deepEqual(after, reportFromStore(store, [RUN], { resamples: 50, cache: false }));
    } finally {
      await store.close();
    }
  });

  it('computes the paired comparisons on their first read, once, the same as an eager analysis', async () => {
    const store = await Store.open(tmp.dbPath, { saveDelayMs: 60_000 });
    try {
      const second = trialCreated(RUN, 'b', 0);
      if (second.type === 'trial_created') second.trial.modelId = 'openai/gpt-5-mini';
      for (const e of [runCreated(RUN), trialCreated(RUN, 'a', 0), llmCall(RUN, 'a', 1), trialPassed(RUN, 'a'), second, llmCall(RUN, 'b', 1), trialPassed(RUN, 'b')]) store.append(e);
      const report = reportFromStore(store, [RUN], { resamples: 50 });
      const reopened = reportFromStore(store, [RUN], { resamples: 50 });
      // Not computed by the build itself: the reports still read them through (a copy of the report would have computed them).
      for (const r of [report, reopened]) assert.equal(typeof Object.getOwnPropertyDescriptor(r, 'comparisons')?.get, 'function', 'comparisons are read through, not computed by the build');
      assert.equal(report.comparisons.length, 1, 'one pair of models');
      assert.equal(reopened.comparisons, report.comparisons, 'computed once for both reports of the unchanged store');
      assert.equal(reportFromStore(store, [RUN], { resamples: 50, comparisons: false }).comparisons.length, 0, 'none when not asked for');
      const json = JSON.parse(JSON.stringify(reportFromStore(store, [RUN], { resamples: 50, cache: false }))) as { comparisons: unknown[] };
      assert.deepEqual(json.comparisons, JSON.parse(JSON.stringify(report.comparisons)), 'the JSON report carries them');
    } finally {
      await store.close();
    }
  });

  it('limits a report to some tasks (the dashboard\'s workspace filter)', async () => {
    const store = await Store.open(tmp.dbPath, { saveDelayMs: 60_000 });
    try {
      const other = trialCreated(RUN, 'c', 2);
      if (other.type === 'trial_created') other.trial.taskId = 'mined-fix-1';
      for (const e of [runCreated(RUN), trialCreated(RUN, 'a', 0), trialPassed(RUN, 'a'), other]) store.append(e);
      store.append({ type: 'trial_updated', runId: RUN, trialId: 'c', patch: { status: 'failed', startedAt: '2025-01-01T00:00:00.000Z' } });
      const all = reportFromStore(store, [RUN], { resamples: 50 });
      assert.deepEqual(all.tasks.map((t) => t.task), ['hello-file', 'mined-fix-1']);
      const mined = reportFromStore(store, [RUN], { resamples: 50, tasks: ['mined-fix-1'] });
      assert.deepEqual(mined.tasks.map((t) => t.task), ['mined-fix-1']);
      assert.equal(mined.models[0]?.passRate, 0, 'every figure is over those tasks only');
      assert.equal(all.models[0]?.passRate, 0.5);
    } finally {
      await store.close();
    }
  });
});
