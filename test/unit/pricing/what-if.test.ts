import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadPriceFile, parseRepriceAs, PriceSheetError, priceCall } from '../../../src/core/pricing';
import { reportFromStore } from '../../../src/core/report/from-store';
import { formatLeaderboard } from '../../../src/core/report/leaderboard';
import { Store, type LlmCallEvent, type StoreEvent } from '../../../src/core/store';
import { at, runCreated, tempStoreDir } from '../store/helpers';

const RUN = 'run-whatif';

/** A sim/flaky call as the meter stored it in a real demo run (openai-chat raw usage, 870 cached). */
function flakyCall(trialId: string, seq: number): LlmCallEvent {
  return {
    type: 'llm_call', runId: RUN,
    call: {
      id: `${trialId}-c${seq}`, trialId, seq, startedAt: at(seq * 1000), protocol: 'openai-chat', requestedModel: 'sim/flaky',
      servedModel: 'sim/flaky', streaming: true, httpStatus: 200, latencyMs: 500,
      usageRaw: { prompt_tokens: 972, completion_tokens: 101, total_tokens: 1073, prompt_tokens_details: { cached_tokens: 870 }, completion_tokens_details: { reasoning_tokens: 84 } },
      usage: { input: 102, cacheRead: 870, cacheWrite: 0, output: 101, reasoning: 84 }, estimated: false, toolCalls: [],
      costUsd: 0.00014825, costSource: 'computed',
    },
  };
}

function directCall(trialId: string): LlmCallEvent {
  return {
    type: 'llm_call', runId: RUN,
    call: {
      id: `${trialId}-c1`, trialId, seq: 1, startedAt: at(1000), protocol: 'openai-chat', requestedModel: 'sim/direct', servedModel: 'sim/direct',
      streaming: true, httpStatus: 200, latencyMs: 500, usageRaw: { prompt_tokens: 1000, completion_tokens: 100 },
      usage: { input: 1000, cacheRead: 0, cacheWrite: 0, output: 100, reasoning: 0 }, estimated: false, toolCalls: [], costUsd: 0.0014, costSource: 'computed',
    },
  };
}

function trial(id: string, modelId: string, status: 'passed' | 'failed'): StoreEvent[] {
  return [
    { type: 'trial_created', runId: RUN, trial: { id, taskId: 'hello-file', modelId, harness: 'builtin', trialIndex: 0 } },
    { type: 'trial_updated', runId: RUN, trialId: id, patch: { status, startedAt: at(0), finishedAt: at(9000) } },
  ];
}

describe('pricing: what-if prices for a finished run', () => {
  let tmp: ReturnType<typeof tempStoreDir>;
  beforeEach(() => { tmp = tempStoreDir(); });
  afterEach(() => tmp.cleanup());

  async function store(): Promise<Store> {
    const s = await Store.open(tmp.dbPath, { saveDelayMs: 60_000 });
    for (const e of [runCreated(RUN), ...trial('f1', 'sim/flaky', 'passed'), ...trial('f2', 'sim/flaky', 'failed'), ...trial('d1', 'sim/direct', 'passed'),
      flakyCall('f1', 1), flakyCall('f1', 2), flakyCall('f2', 1), directCall('d1')]) s.append(e);
    return s;
  }

  it('--prices FILE re-prices from the stored raw usage, exactly as by hand; models not in the file keep their recorded cost', async () => {
    const file = join(tmp.dir, 'prices.json');
    writeFileSync(file, JSON.stringify({ 'sim/flaky': { input: 2, output: 8, cacheRead: 0.5, cacheWrite: 2.5 } }));
    const s = await store();
    try {
      const recorded = reportFromStore(s, [RUN], { comparisons: false });
      const whatIf = reportFromStore(s, [RUN], { comparisons: false, prices: loadPriceFile(file) });
      const flaky = (r: typeof recorded) => r.models.find((m) => m.model === 'sim/flaky')!;
      const direct = (r: typeof recorded) => r.models.find((m) => m.model === 'sim/direct')!;
      // Recorded: 102 × $0.25 + 870 × $0.025 + 101 × $1 per Mtok = $0.00014825 a call, 3 calls.
      assert.ok(Math.abs((flaky(recorded).spendUsd as number) - 3 * 0.00014825) < 1e-15);
      // By hand under the file: 102 × $2 + 870 × $0.5 + 101 × $8 = 204 + 435 + 808 = 1447 per Mtok = $0.001447 a call.
      assert.ok(Math.abs((flaky(whatIf).spendUsd as number) - 3 * 0.001447) < 1e-15);
      assert.ok(Math.abs((flaky(whatIf).costToComplete.perPass as number) - 3 * 0.001447) < 1e-15); // 1 pass
      assert.equal(direct(whatIf).spendUsd, direct(recorded).spendUsd);
      assert.equal(recorded.run.prices.kind, 'recorded');
      assert.equal(whatIf.run.prices.kind, 'file');
      assert.match(formatLeaderboard(whatIf), /Prices: WHAT-IF — what-if prices from .*prices\.json for sim\/flaky/);
      assert.match(formatLeaderboard(recorded), /Prices: recorded prices/);
      // The stored costs are untouched: the default report reads them again.
      assert.deepEqual(reportFromStore(s, [RUN], { comparisons: false }).models, recorded.models);
    } finally {
      await s.close();
    }
  });

  it('--reprice-as PROVIDER/MODEL prices every call as that model', async () => {
    const sheet = parseRepriceAs('anthropic/claude-sonnet-4-5');
    const s = await store();
    try {
      const r = reportFromStore(s, [RUN], { comparisons: false, prices: sheet });
      const usage = { input: 102, cacheRead: 870, cacheWrite: 0, output: 101, reasoning: 84 };
      const one = priceCall(usage, 'claude-sonnet-4-5', { providerId: 'anthropic', at: new Date(at(1000)) }).costUsd as number;
      assert.ok(one > 0.00014825);
      const flaky = r.models.find((m) => m.model === 'sim/flaky')!;
      assert.ok(Math.abs((flaky.spendUsd as number) - (one + priceCall(usage, 'claude-sonnet-4-5', { providerId: 'anthropic', at: new Date(at(2000)) }).costUsd! + one)) < 1e-12);
      assert.match(r.run.prices.description, /every call priced as anthropic\/claude-sonnet-4-5/);
    } finally {
      await s.close();
    }
  });

  it('bad sheets are refused with one line naming the file, model and field', () => {
    const dir = tempStoreDir();
    try {
      const bad = join(dir.dir, 'bad.json');
      writeFileSync(bad, JSON.stringify({ 'sim/flaky': { input: 2 } }));
      assert.throws(() => loadPriceFile(bad), (e: Error) => e instanceof PriceSheetError && /bad\.json: "sim\/flaky": price override needs output/.test(e.message));
      writeFileSync(bad, '[1]');
      assert.throws(() => loadPriceFile(bad), /expected an object of model id/);
      assert.throws(() => loadPriceFile(join(dir.dir, 'missing.json')), /missing\.json: cannot read/);
      assert.throws(() => parseRepriceAs('claude'), /expected PROVIDER\/MODEL/);
      assert.throws(() => parseRepriceAs('nobody/no-such-model-xyz'), /no price for model "no-such-model-xyz" of provider "nobody"/);
    } finally {
      dir.cleanup();
    }
  });
});
