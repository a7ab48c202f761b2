import assert from 'node:assert/strict';
import { callSummaryBytes, callSummaryFromBytes, emptyCallSummary, summariseCalls, usagePricer } from '../../../src/core/calls';
import { TOOL_CATEGORIES } from '../../../src/core/domain';

describe('calls: a call summary as bytes', () => {
  it('reads back exactly what was written, nulls and awkward floats included, keys in the fold’s order', () => {
    const calls = [1, 2, 3].map((seq) => ({
      id: `c${seq}`, trialId: 't', runId: 'r', seq, startedAt: '2026-01-01T00:00:00.000Z', protocol: 'openai', requestedModel: 'openai/gpt-5', servedModel: null,
      streaming: false, httpStatus: 200, latencyMs: 0.1 * seq, ttftMs: null, usageRaw: null,
      usage: { input: 100 * seq, cacheRead: seq > 1 ? 77 : 0, cacheWrite: 3, output: 10 + seq, reasoning: seq },
      estimated: seq === 2, toolCalls: [{ name: 'bash', arguments: { command: 'ls ✓' } }, { name: 'read_file' }],
      costUsd: 0.1 + 0.2 * seq, costSource: 'computed' as const, error: null,
    }));
    const priced = summariseCalls(calls, usagePricer({}));
    const last = { ...calls[0]!, seq: 4, costUsd: null, costSource: 'unpriced' as const };
    const unpriced = summariseCalls([...calls, last], undefined);
    for (const summary of [priced, unpriced, emptyCallSummary()]) {
      const back = callSummaryFromBytes(callSummaryBytes(summary));
      assert.deepStrictEqual(back, summary);
      assert.equal(JSON.stringify(back), JSON.stringify(summary), 'same keys in the same order (the report is hashed)');
    }
    assert.equal(unpriced.costUsd, null);
    assert.equal(unpriced.usdSplit, null);
  });

  it('each tool category reads back as its own count', () => {
    const summary = emptyCallSummary();
    TOOL_CATEGORIES.forEach((category, i) => { summary.toolCalls[category] = i + 1; });
    summary.toolCalls.total = TOOL_CATEGORIES.length * (TOOL_CATEGORIES.length + 1) / 2;
    assert.deepStrictEqual(callSummaryFromBytes(callSummaryBytes(summary)).toolCalls, summary.toolCalls);
  });

  it('a buffer of another length is refused with the sizes', () => {
    assert.throws(() => callSummaryFromBytes(new Uint8Array(12)), /12 bytes, expected \d+/);
  });
});
