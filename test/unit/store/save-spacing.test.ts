/**
 * Saves write the whole database, so they cost more as it grows: the store spaces them by 20× the
 * last save's duration (SAVE_SPACING) instead of saving after every trial's end, and still saves
 * everything in the end.
 */
import assert from 'node:assert/strict';
import { Store } from '../../../src/core/store';
import { SAVE_SPACING } from '../../../src/core/store/store';
import { llmCall, queryFile, runCreated, tempStoreDir, trialCreated, trialPassed, waitFor } from './helpers';

describe('store: save spacing', () => {
  let tmp: ReturnType<typeof tempStoreDir>;
  beforeEach(() => { tmp = tempStoreDir(); });
  afterEach(() => tmp.cleanup());

  it('trial ends in quick succession are saved a few times, spaced by the cost of saving, not once each', async () => {
    const saves: { endedAt: number; ms: number }[] = [];
    const store = await Store.open(tmp.dbPath, { onSave: (s) => saves.push({ endedAt: performance.now(), ms: s.ms }) });
    try {
      store.append(runCreated('run-1'));
      // A few MB, so that a save takes a measurable time.
      for (let i = 0; i < 100; i++) {
        store.append(trialCreated('run-1', `t${i}`, i));
        for (let c = 1; c <= 8; c++) store.append(llmCall('run-1', `t${i}`, c, 3000));
      }
      await store.flush();
      const from = saves.length;
      // 100 trial ends, one every 5 ms: each used to be saved at once.
      for (let i = 0; i < 100; i++) {
        store.append(trialPassed('run-1', `t${i}`));
        await new Promise((r) => setTimeout(r, 5));
      }
      await waitFor(async () => (await queryFile(tmp.dbPath, "SELECT count(*) FROM trials WHERE status = 'passed'"))[0]?.[0] === 100, 10_000);
      const burst = saves.slice(from);
      assert.ok(burst.length >= 1 && burst.length <= 25, `${burst.length} saves for 100 trial ends`);
      for (let i = 1; i < burst.length; i++) {
        const gap = burst[i]!.endedAt - burst[i]!.ms - burst[i - 1]!.endedAt;
        // A little slack for timers and the two clocks (Date.now in the store, performance.now here).
        assert.ok(gap >= SAVE_SPACING * burst[i - 1]!.ms - 5, `save ${i} began ${gap.toFixed(1)} ms after the previous one ended, which took ${burst[i - 1]!.ms.toFixed(1)} ms`);
      }
    } finally {
      await store.close();
    }
  });
});
