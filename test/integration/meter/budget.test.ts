/**
 * Budgets: once a trial's (or its run's) budget is spent, the next request is refused with an
 * error each SDK parses, is never forwarded, and the trial is reported as budget_exceeded once.
 */
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import type { BudgetExceededEvent } from '../../../src/core/meter';
import { startSimProvider, type SimProvider } from '../../../src/core/providers/sim';
import { meteredProxy } from './upstream-fixture';

describe('metering proxy: budgets', () => {
  let sim: SimProvider;
  let ctx: Awaited<ReturnType<typeof meteredProxy>>;
  let events: BudgetExceededEvent[];

  beforeEach(async () => {
    sim = await startSimProvider();
    ctx = await meteredProxy();
    events = [];
    ctx.proxy.on('budget_exceeded', (e) => events.push(e));
  });
  afterEach(async () => {
    await ctx.proxy.close();
    await sim.close();
  });

  it('openai SDK: the request after the trial budget is spent gets a 402 insufficient_quota error, not forwarded, streaming or not', async () => {
    const trial = ctx.proxy.registerTrial({ trialId: 'spender', runId: 'r', upstream: { kind: 'openai-compatible', baseUrl: `${sim.url}/v1` }, budget: { usd: 0.000001 } });
    const client = new OpenAI({ baseURL: trial.baseUrl, apiKey: trial.token, maxRetries: 2 });
    await client.chat.completions.create({ model: 'sim/direct', messages: [{ role: 'user', content: 'hi' }] });
    const served = sim.requestCount;
    await assert.rejects(client.chat.completions.create({ model: 'sim/direct', messages: [{ role: 'user', content: 'again' }] }), (e: unknown) => {
      assert.ok(e instanceof OpenAI.APIError);
      assert.equal(e.status, 402);
      assert.equal(e.type, 'insufficient_quota');
      assert.equal(e.code, 'budget_exceeded');
      assert.match(e.message, /budget exceeded/);
      return true;
    });
    await assert.rejects(client.chat.completions.create({ model: 'sim/direct', stream: true, messages: [{ role: 'user', content: 'again' }] }), (e: unknown) => e instanceof OpenAI.APIError && e.status === 402);
    assert.equal(sim.requestCount, served, 'refused requests never reach the provider (and the SDK did not retry into it)');
    assert.deepEqual(events.map((e) => [e.trialId, e.scope, e.status]), [['spender', 'trial', 'budget_exceeded']]);
    assert.equal(ctx.proxy.totals('spender')?.budgetExceeded, true);
    const refused = ctx.calls.filter((c) => c.httpStatus === 402);
    assert.equal(refused.length, 2);
    assert.ok(refused.every((c) => c.costUsd === 0 && /budget/.test(c.error ?? '')));
  });

  it('anthropic SDK: the refusal is a billing_error the SDK parses', async () => {
    const trial = ctx.proxy.registerTrial({ trialId: 'a', runId: 'r', upstream: { kind: 'anthropic', baseUrl: sim.url }, budget: { tokens: 10 } });
    const client = new Anthropic({ baseURL: trial.baseUrl, apiKey: trial.token, maxRetries: 2 });
    await client.messages.create({ model: 'sim/direct', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] });
    await assert.rejects(client.messages.create({ model: 'sim/direct', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] }), (e: unknown) => {
      assert.ok(e instanceof Anthropic.APIError);
      assert.equal(e.status, 402);
      assert.equal((e.error as { error: { type: string } }).error.type, 'billing_error');
      return true;
    });
    assert.equal(sim.requestCount, 1);
    assert.equal(events.length, 1);
  });

  it('a run budget stops every trial of the run once the run has spent it', async () => {
    ctx.proxy.setRunBudget('run-1', { usd: 0.000001 });
    const a = ctx.proxy.registerTrial({ trialId: 'a', runId: 'run-1', upstream: { kind: 'openai-compatible', baseUrl: `${sim.url}/v1` } });
    const b = ctx.proxy.registerTrial({ trialId: 'b', runId: 'run-1', upstream: { kind: 'openai-compatible', baseUrl: `${sim.url}/v1` } });
    const other = ctx.proxy.registerTrial({ trialId: 'c', runId: 'run-2', upstream: { kind: 'openai-compatible', baseUrl: `${sim.url}/v1` } });
    const ask = (t: { baseUrl: string; token: string }) => new OpenAI({ baseURL: t.baseUrl, apiKey: t.token, maxRetries: 0 }).chat.completions.create({ model: 'sim/direct', messages: [{ role: 'user', content: 'hi' }] });
    await ask(a);
    await assert.rejects(ask(b), (e: unknown) => e instanceof OpenAI.APIError && e.status === 402);
    await ask(other);
    assert.deepEqual(events.map((e) => [e.trialId, e.scope]), [['b', 'run']]);
    const run = ctx.proxy.totals('run-1');
    assert.equal(run?.calls, 2);
    assert.ok((run?.costUsd ?? 0) > 0);
  });
});
