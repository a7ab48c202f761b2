/**
 * Tokens and keys: an unknown token is refused and never forwarded; the upstream gets the real key
 * and never the token; the real key never reaches a client, a MeteredCall or a log line, even when
 * an upstream echoes it back in an error.
 */
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { startMeteringProxy } from '../../../src/core/meter';
import { startSimProvider } from '../../../src/core/providers/sim';
import { startProviderContract } from '../../helpers/provider-contract';
import { meteredProxy, scriptedUpstream, sendJson } from './upstream-fixture';

const KEY = 'sk-test-SECRET-4f8a2c9e1b7d3a6f';

describe('metering proxy: tokens and keys', () => {
  it('a missing or unknown token gets a provider-shaped 401 and zero upstream requests', async () => {
    const sim = await startSimProvider();
    const ctx = await meteredProxy();
    try {
      ctx.proxy.registerTrial({ trialId: 't', runId: 'r', upstream: { kind: 'openai-compatible', baseUrl: `${sim.url}/v1`, apiKey: KEY } });
      const body = JSON.stringify({ model: 'sim/direct', messages: [{ role: 'user', content: 'hi' }], max_tokens: 5 });
      const unknown = await fetch(`${ctx.proxy.url}/t/not-a-real-token/chat/completions`, { method: 'POST', body });
      assert.equal(unknown.status, 401);
      assert.equal(((await unknown.json()) as { error: { code: string } }).error.code, 'invalid_api_key');
      const missing = await fetch(`${ctx.proxy.url}/v1/chat/completions`, { method: 'POST', body });
      assert.equal(missing.status, 401);
      const anthropic = await fetch(`${ctx.proxy.url}/t/nope/v1/messages`, { method: 'POST', body });
      assert.deepEqual(((await anthropic.json()) as { error: { type: string } }).error.type, 'authentication_error');
      const sdk = new OpenAI({ baseURL: `${ctx.proxy.url}/t/guess`, apiKey: 'guess', maxRetries: 3 });
      await assert.rejects(sdk.models.list(), (e: unknown) => e instanceof OpenAI.AuthenticationError);
      assert.equal(sim.requestCount, 0);
      assert.equal(ctx.calls.length, 0);
    } finally {
      await ctx.proxy.close();
      await sim.close();
    }
  });

  it('an unregistered trial\'s token stops working', async () => {
    const sim = await startSimProvider();
    const proxy = await startMeteringProxy();
    try {
      const trial = proxy.registerTrial({ trialId: 't', runId: 'r', upstream: { kind: 'openai-compatible', baseUrl: `${sim.url}/v1` } });
      const client = new OpenAI({ baseURL: trial.baseUrl, apiKey: trial.token, maxRetries: 0 });
      await client.chat.completions.create({ model: 'sim/direct', messages: [{ role: 'user', content: 'hi' }] });
      trial.unregister();
      await assert.rejects(client.chat.completions.create({ model: 'sim/direct', messages: [{ role: 'user', content: 'hi' }] }), (e: unknown) => e instanceof OpenAI.AuthenticationError);
      assert.equal(sim.requestCount, 1);
    } finally {
      await proxy.close();
      await sim.close();
    }
  });

  it('the upstream gets the real key in its protocol\'s header and never the trial token (provider-contract upstreams)', async () => {
    const openai = await startProviderContract('openai', { key: KEY });
    const openrouter = await startProviderContract('openrouter', { key: KEY });
    const anthropic = await startProviderContract('anthropic', { key: KEY });
    const ctx = await meteredProxy();
    try {
      const oa = ctx.proxy.registerTrial({ trialId: 'a', runId: 'r', upstream: { kind: 'openai-compatible', baseUrl: openai.base, apiKey: KEY } });
      await new OpenAI({ baseURL: oa.baseUrl, apiKey: oa.token, maxRetries: 0 }).chat.completions.create({ model: 'gpt-5', messages: [{ role: 'user', content: 'x' }] });
      const or = ctx.proxy.registerTrial({ trialId: 'o', runId: 'r', upstream: { kind: 'openrouter', baseUrl: openrouter.base, apiKey: KEY } });
      await new OpenAI({ baseURL: or.baseUrl, apiKey: or.token, maxRetries: 0 }).chat.completions.create({ model: 'moonshotai/kimi-k2.6', messages: [{ role: 'user', content: 'x' }] });
      const an = ctx.proxy.registerTrial({ trialId: 'b', runId: 'r', upstream: { kind: 'anthropic', baseUrl: anthropic.base, apiKey: KEY } });
      await new Anthropic({ baseURL: an.baseUrl, apiKey: an.token, maxRetries: 0 }).messages.create({ model: 'claude-haiku-4-5', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] });
      assert.deepEqual([openai, openrouter, anthropic].map((c) => c.requests.map((r) => `${r.method} ${r.path} ${r.status}`)),
        [['POST /v1/chat/completions 200'], ['POST /api/v1/chat/completions 200'], ['POST /v1/messages 200']]);
      const second = anthropic.requests[0];
      assert.equal(second?.headers.authorization, undefined);
      for (const req of [openai, openrouter, anthropic].flatMap((c) => c.requests)) {
        const all = JSON.stringify(req.headers) + req.path;
        assert.ok(!all.includes(oa.token) && !all.includes(or.token) && !all.includes(an.token), 'the trial token never goes upstream');
      }
      // A wrong key: the provider's 401, and the call says which provider, which path, which variable.
      const wrong = ctx.proxy.registerTrial({ trialId: 'w', runId: 'r', upstream: { kind: 'openrouter', baseUrl: openrouter.base, apiKey: 'sk-wrong-SECRET', keyEnv: 'OPENROUTER_API_KEY' } });
      await assert.rejects(new OpenAI({ baseURL: wrong.baseUrl, apiKey: wrong.token, maxRetries: 0 }).chat.completions.create({ model: 'x', messages: [{ role: 'user', content: 'x' }] }), /401/);
      const refused = ctx.calls.find((c) => c.trialId === 'w');
      assert.match(refused?.error ?? '', /^HTTP 401: openrouter returned 401 for POST \/api\/v1\/chat\/completions: check the model's API key \(the environment variable OPENROUTER_API_KEY\)/);
    } finally {
      await ctx.proxy.close();
      for (const c of [openai, openrouter, anthropic]) await c.close();
    }
  });

  it('the real key is absent from every MeteredCall, response and log line, even when the upstream echoes it', async () => {
    // An upstream that echoes the key it was sent, as some providers' "invalid key" errors do.
    let echo = true;
    const upstream = await scriptedUpstream((req, res) => {
      const key = String(req.headers.authorization ?? req.headers['x-api-key']).replace('Bearer ', '');
      if (echo) return sendJson(res, 401, { error: { message: `Incorrect API key provided: ${key}`, type: 'invalid_request_error', code: 'invalid_api_key' } });
      sendJson(res, 200, { model: 'gpt-5', choices: [{ index: 0, message: { role: 'assistant', content: 'fine' } }], usage: { prompt_tokens: 3, completion_tokens: 1 } });
    });
    const sim = await startSimProvider({ faults: [{ kind: 'rate_limit' }, { kind: 'reset' }, { kind: 'cut_stream' }] });
    const ctx = await meteredProxy();
    const responses: string[] = [];
    try {
      const echoing = ctx.proxy.registerTrial({ trialId: 'echo', runId: 'r', upstream: { kind: 'openai-compatible', baseUrl: `${upstream.url}/v1`, apiKey: KEY } });
      const res = await fetch(`${echoing.baseUrl}/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'gpt-5', messages: [] }) });
      responses.push(JSON.stringify([...res.headers]), await res.text());
      assert.equal(res.status, 401);
      echo = false;
      const ok = await fetch(`${echoing.baseUrl}/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'gpt-5', messages: [] }) });
      responses.push(JSON.stringify([...ok.headers]), await ok.text());
      const simTrial = ctx.proxy.registerTrial({ trialId: 'sim', runId: 'r', upstream: { kind: 'openai-compatible', baseUrl: `${sim.url}/v1`, apiKey: KEY } });
      for (const stream of [false, false, true, true, false]) {
        const r = await fetch(`${simTrial.baseUrl}/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'sim/direct', stream, messages: [{ role: 'user', content: 'hi' }] }) })
          .then(async (r) => JSON.stringify([...r.headers]) + (await r.text())).catch((e: Error) => e.message);
        responses.push(r);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.ok(ctx.calls.length >= 6, `${ctx.calls.length} calls`);
      assert.ok(ctx.logs.length >= 6);
      assert.match(responses[1] ?? '', /Incorrect API key provided: \[redacted\]/);
      assert.match(ctx.calls[0]?.error ?? '', /\[redacted\]/);
      for (const [what, text] of [['calls', JSON.stringify(ctx.calls)], ['responses', responses.join('\n')], ['logs', ctx.logs.join('\n')]] as const) {
        assert.ok(!text.includes(KEY) && !text.includes('SECRET'), `the key leaked into ${what}`);
      }
    } finally {
      await ctx.proxy.close();
      await upstream.close();
      await sim.close();
    }
  });

  it('binds to loopback only', async () => {
    await assert.rejects(startMeteringProxy({ host: '0.0.0.0' }), /loopback/);
    const proxy = await startMeteringProxy();
    assert.match(proxy.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    await proxy.close();
  });
});
