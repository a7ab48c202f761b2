import assert from 'node:assert/strict';
import { calcPrice, findProvider } from '@pydantic/genai-prices';
import { flatPrice, priceCall } from '../../../src/core/pricing/price';
import { SIM_PRICES, SIM_PROVIDER } from '../../../src/core/pricing/sim-prices';
import type { TokenUsage } from '../../../src/core/domain';

/** Token counts of every size a call has, from none to millions, with and without cache reads and writes. */
function usages(): TokenUsage[] {
  const out: TokenUsage[] = [];
  let seed = 17;
  const next = (max: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % max;
  };
  for (let i = 0; i < 300; i++) {
    const scale = [10, 1000, 100_000, 5_000_000][i % 4] as number;
    out.push({ input: next(scale), cacheRead: i % 3 === 0 ? 0 : next(scale), cacheWrite: i % 5 === 0 ? next(scale) : 0, output: next(scale), reasoning: 0 });
  }
  out.push({ input: 0, cacheRead: 0, cacheWrite: 0, output: 0, reasoning: 0 }, { input: 1, cacheRead: 0, cacheWrite: 0, output: 0, reasoning: 0 });
  return out;
}

function genai(u: TokenUsage): Record<string, number> {
  return { input_tokens: u.input + u.cacheRead + u.cacheWrite, cache_read_tokens: u.cacheRead, cache_write_tokens: u.cacheWrite, output_tokens: u.output };
}

describe('pricing: flat prices computed without calcPrice give exactly its figure', () => {
  it('every simulated model, 300 usages: priceCall equals calcPrice to the last bit, calls after the first included', () => {
    for (const model of Object.keys(SIM_PRICES)) {
      for (const usage of usages()) {
        const expected = calcPrice(genai(usage), model, { provider: SIM_PROVIDER });
        assert.ok(expected, model);
        // Twice: the first call matches the model, the second takes the flat path.
        for (let round = 0; round < 2; round++) {
          const got = priceCall(usage, model, { at: new Date() });
          assert.equal(got.costUsd, expected.total_price, `${model} ${JSON.stringify(usage)}`);
          assert.deepEqual(got.flags, ['simulated']);
        }
      }
    }
  });

  it('real models of several providers: flatPrice equals calcPrice on the same model, or declines (dated or tiered prices)', () => {
    let compared = 0;
    let declined = 0;
    const models = [
      ['openai', 'gpt-4o'], ['openai', 'gpt-4o-mini'], ['openai', 'gpt-5'], ['openai', 'o3'], ['openai', 'gpt-4.1'],
      ['anthropic', 'claude-sonnet-4-5'], ['anthropic', 'claude-opus-4-1'], ['anthropic', 'claude-3-5-haiku-latest'], ['anthropic', 'claude-sonnet-4'],
      ['google', 'gemini-2.5-pro'], ['google', 'gemini-2.5-flash'], ['deepseek', 'deepseek-chat'], ['mistral', 'mistral-large-latest'],
    ] as const;
    for (const [providerId, model] of models) {
      const provider = findProvider({ providerId });
      assert.ok(provider, providerId);
      for (const usage of usages()) {
        const expected = calcPrice(genai(usage), model, { provider });
        if (!expected) continue;
        const flat = flatPrice(usage, expected.model);
        if (flat === null) {
          declined++;
          continue;
        }
        compared++;
        assert.equal(flat, expected.total_price, `${providerId} ${model} ${JSON.stringify(usage)}`);
        // And through priceCall, which takes the flat path once the model has matched.
        assert.equal(priceCall(usage, model, { providerId }).costUsd, expected.total_price);
      }
    }
    assert.ok(compared >= 300 * 5, `only ${compared} comparisons (${declined} declined)`);
  });

  it('declines what is not flat: dated prices, tiers, a price per request, a missing input or output price, counts that are not token counts', () => {
    const model = (prices: unknown) => ({ id: 'm', match: { equals: 'm' }, prices }) as Parameters<typeof flatPrice>[1];
    const usage = { input: 10, cacheRead: 0, cacheWrite: 0, output: 10, reasoning: 0 };
    assert.equal(flatPrice(usage, model([{ prices: { input_mtok: 1, output_mtok: 2 } }])), null);
    assert.equal(flatPrice(usage, model({ input_mtok: { base: 1, tiers: [{ start: 200_000, price: 2 }] }, output_mtok: 2 })), null);
    assert.equal(flatPrice(usage, model({ input_mtok: 1, output_mtok: 2, requests_kcount: 5 })), null);
    assert.equal(flatPrice(usage, model({ output_mtok: 2, cache_read_mtok: 0.1 })), null);
    assert.equal(flatPrice(usage, model({ input_mtok: 1 })), null);
    assert.equal(flatPrice({ ...usage, output: 1.5 }, model({ input_mtok: 1, output_mtok: 2 })), null);
    assert.equal(flatPrice({ ...usage, input: -1 }, model({ input_mtok: 1, output_mtok: 2 })), null);
    assert.equal(flatPrice(usage, model({ input_mtok: 1, output_mtok: 2 })), (1 * 10) / 1e6 + (2 * 10) / 1e6);
  });
});
