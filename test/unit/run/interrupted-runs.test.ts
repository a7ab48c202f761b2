/** A run whose process died is shown as interrupted, not as running forever, and stays resumable. */
import assert from 'node:assert/strict';
import { markInterruptedRuns } from '../../../src/core/run/interrupted-runs';
import { Store } from '../../../src/core/store';
import { at, runCreated, tempStoreDir, trialCreated, trialPassed } from '../store/helpers';

describe('runs left running by a dead process', () => {
  let tmp: ReturnType<typeof tempStoreDir>;
  beforeEach(() => { tmp = tempStoreDir(); });
  afterEach(() => tmp.cleanup());

  it('are marked interrupted on open, with their running trials; finished and queued trials stay as they were', async () => {
    let store = await Store.open(tmp.dbPath);
    for (const e of [runCreated('run-dead'), trialCreated('run-dead', 't-done', 0), trialCreated('run-dead', 't-mid', 1), trialCreated('run-dead', 't-queued', 2)]) store.append(e);
    store.append(trialPassed('run-dead', 't-done'));
    store.append({ type: 'trial_updated', runId: 'run-dead', trialId: 't-mid', patch: { status: 'running', startedAt: at(5) } });
    store.append(runCreated('run-over'));
    store.append({ type: 'run_updated', runId: 'run-over', patch: { status: 'finished', finishedAt: at(9) } });
    await store.close(); // the process "dies" here: nothing ended the run

    store = await Store.open(tmp.dbPath);
    try {
      assert.deepEqual(markInterruptedRuns(store), [{ runId: 'run-dead', trials: 1 }]);
      assert.equal(store.getRun('run-dead')?.status, 'interrupted');
      assert.equal(store.getRun('run-over')?.status, 'finished', 'an ended run is left alone');
      const status = new Map(store.listTrials('run-dead').map((t) => [t.id, t.status]));
      assert.deepEqual([...status], [['t-done', 'passed'], ['t-mid', 'interrupted'], ['t-queued', 'queued']]);
      assert.match(store.getTrial('t-mid')?.error ?? '', /stopped before it ended/);
      assert.deepEqual(store.unfinishedTrials('run-dead').map((t) => t.id), ['t-mid', 't-queued'], 'a resume runs them again');
      assert.deepEqual(markInterruptedRuns(store), [], 'nothing more to mark');
    } finally {
      await store.close();
    }
  });
});
