import assert from 'node:assert/strict';
import { priceCall } from '../../../src/core/pricing/price';
import { reprice } from '../../../src/core/meter';
import { costWithOverride, validateOverride } from '../../../src/core/pricing/overrides';
import { SIM_PRICES } from '../../../src/core/pricing/sim-prices';

function near(actual: number | null, expected: number, message?: string): void {
  assert.ok(actual !== null && Math.abs(actual - expected) < 1e-12, `${message ?? ''} expected ${expected}, got ${actual}`);
}

describe('pricing: cost of one call', () => {
  it('gpt-5: uncached input, cache reads and output each at their price (hand computation)', () => {
    // $1.25 / $10 / $0.125 per million: 200×1.25 + 1000×0.125 + 300×10 = 3375 µ$; reasoning is inside output, not added.
    const p = priceCall({ input: 200, cacheRead: 1000, cacheWrite: 0, output: 300, reasoning: 120 }, 'gpt-5', { providerId: 'openai' });
    near(p.costUsd, 0.003375);
    assert.equal(p.source, 'computed');
  });

  it('claude-sonnet-4-5: cache writes and reads priced apart (hand computation)', () => {
    // $3 / $15 / read $0.30 / write $3.75: 12×3 + 5000×0.3 + 800×3.75 + 95×15 = 5961 µ$.
    near(priceCall({ input: 12, cacheRead: 5000, cacheWrite: 800, output: 95, reasoning: 0 }, 'claude-sonnet-4-5', { providerId: 'anthropic' }).costUsd, 0.005961);
  });

  it('a long-context tier re-prices the whole request, cached part included', () => {
    // 210k total input > 200k: every token at the tier price ($6 / $0.60 / output $22.50).
    near(priceCall({ input: 150_000, cacheRead: 60_000, cacheWrite: 0, output: 1000, reasoning: 0 }, 'claude-sonnet-4-5', { providerId: 'anthropic' }).costUsd,
      (150_000 * 6 + 60_000 * 0.6 + 1000 * 22.5) / 1e6);
    // Just under the threshold: base prices.
    near(priceCall({ input: 140_000, cacheRead: 60_000, cacheWrite: 0, output: 1000, reasoning: 0 }, 'claude-sonnet-4-5', { providerId: 'anthropic' }).costUsd,
      (140_000 * 3 + 60_000 * 0.3 + 1000 * 15) / 1e6);
  });

  it('a provider-reported cost (OpenRouter) wins and is marked reported', () => {
    const p = priceCall({ input: 1000, cacheRead: 0, cacheWrite: 0, output: 10, reasoning: 0 }, 'anthropic/claude-sonnet-4.5', { providerId: 'openrouter', reportedCostUsd: 0.0421 });
    assert.deepEqual(p, { costUsd: 0.0421, source: 'reported', flags: ['reported'] });
  });

  it('a user override wins over bundled prices; missing cache prices fall back to input, reasoning has its own price', () => {
    const usage = { input: 100, cacheRead: 50, cacheWrite: 20, output: 1000, reasoning: 400 };
    const p = priceCall(usage, 'gpt-5', { providerId: 'openai', overrides: { 'gpt-5': { input: 2, output: 8, reasoning: 16 } } });
    near(p.costUsd, (100 * 2 + 50 * 2 + 20 * 2 + 600 * 8 + 400 * 16) / 1e6);
    assert.deepEqual(p.flags, ['override']);
    near(costWithOverride(usage, { input: 2, output: 8, cacheRead: 0.2, cacheWrite: 2.5 }), (100 * 2 + 50 * 0.2 + 20 * 2.5 + 1000 * 8) / 1e6);
  });

  it('an unknown model is unpriced with a null cost, never $0', () => {
    const p = priceCall({ input: 1000, cacheRead: 0, cacheWrite: 0, output: 100, reasoning: 0 }, 'acme-private-model-7', {});
    assert.deepEqual(p, { costUsd: null, source: 'unpriced', flags: ['unpriced'] });
    assert.equal(priceCall({ input: 1, cacheRead: 0, cacheWrite: 0, output: 1, reasoning: 0 }, null).source, 'unpriced');
  });

  it('simulated models have documented prices and are flagged simulated', () => {
    const p = priceCall({ input: 1000, cacheRead: 500, cacheWrite: 100, output: 200, reasoning: 50 }, 'sim/direct');
    const s = SIM_PRICES['sim/direct'];
    assert.ok(s);
    near(p.costUsd, (1000 * s.input_mtok + 500 * s.cache_read_mtok + 100 * s.cache_write_mtok + 200 * s.output_mtok) / 1e6);
    assert.deepEqual(p.flags, ['simulated']);
    for (const model of ['sim/direct', 'sim/explorer', 'sim/flaky', 'sim/thinker']) {
      assert.equal(priceCall({ input: 1, cacheRead: 0, cacheWrite: 0, output: 1, reasoning: 0 }, model).source, 'computed', model);
    }
  });

  it('reprice recomputes a stored call from its raw usage JSON for each protocol', () => {
    near(reprice({ prompt_tokens: 1200, completion_tokens: 300, prompt_tokens_details: { cached_tokens: 1000 } }, 'openai-chat', 'gpt-5', { providerId: 'openai' }).costUsd, 0.003375);
    near(reprice({ input_tokens: 1200, input_tokens_details: { cached_tokens: 1000 }, output_tokens: 300 }, 'openai-responses', 'gpt-5').costUsd, 0.003375);
    near(reprice({ input_tokens: 12, cache_read_input_tokens: 5000, cache_creation_input_tokens: 800, output_tokens: 95 }, 'anthropic-messages', 'claude-sonnet-4-5', { providerId: 'anthropic' }).costUsd, 0.005961);
    const openrouter = { prompt_tokens: 1000, completion_tokens: 10, cost: 0.05 };
    assert.equal(reprice(openrouter, 'openai-chat', 'anthropic/claude-sonnet-4.5').source, 'reported');
    assert.equal(reprice(openrouter, 'openai-chat', 'anthropic/claude-sonnet-4.5', { providerId: 'openrouter', useReportedCost: false }).source, 'computed');
    assert.equal(reprice(null, 'openai-chat', 'gpt-5').source, 'unpriced');
  });

  it('validates overrides read from settings', () => {
    assert.deepEqual(validateOverride({ input: 1, output: 2 }), []);
    assert.equal(validateOverride({ input: -1, output: 'x' }).length, 2);
    assert.equal(validateOverride({ output: 2 }).length, 1);
  });
});

describe('pricing: remembered model matches', () => {
  it('a model priced again (at another date, after other models) gets the same date-dependent price as the first time', () => {
    const usage = { input: 1_000_000, cacheRead: 0, cacheWrite: 0, output: 0, reasoning: 0 };
    const before = new Date('2025-05-01T00:00:00Z');
    const after = new Date('2025-07-01T00:00:00Z');
    // o3's input price fell from $10 to $2 per million on 2025-06-10.
    const first = priceCall(usage, 'openai/o3', { at: before }).costUsd;
    const later = priceCall(usage, 'openai/o3', { at: after }).costUsd;
    priceCall(usage, 'openai/gpt-5', { at: after });
    assert.equal(first, 10);
    assert.equal(later, 2);
    assert.equal(priceCall(usage, 'openai/o3', { at: before }).costUsd, 10);
    assert.equal(priceCall(usage, 'no-such-model-anywhere', { at: after }).costUsd, null);
    assert.equal(priceCall(usage, 'no-such-model-anywhere', { at: after }).source, 'unpriced');
  });
});
