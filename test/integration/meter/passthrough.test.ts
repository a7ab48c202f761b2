/** Paths other than the three LLM endpoints are forwarded unchanged; bad bodies are refused at the door. */
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { startProviderContract } from '../../helpers/provider-contract';
import { meteredProxy, scriptedUpstream, sendJson, sseText } from './upstream-fixture';

describe('metering proxy: pass-through and request validation', () => {
  it('GET …/models is forwarded with the real key and not metered (OpenAI contract upstream)', async () => {
    const upstream = await startProviderContract('openai', { key: 'sk-test-SECRET-models' });
    const ctx = await meteredProxy();
    try {
      const trial = ctx.proxy.registerTrial({ trialId: 't', runId: 'r', upstream: { kind: 'openai-compatible', baseUrl: upstream.base, apiKey: 'sk-test-SECRET-models' } });
      const models = await new OpenAI({ baseURL: trial.baseUrl, apiKey: trial.token, maxRetries: 0 }).models.list();
      assert.deepEqual(models.data, []);
      assert.equal(upstream.requests[0]?.path, '/v1/models');
      assert.equal(upstream.requests[0]?.status, 200);
      assert.equal(upstream.requests[0]?.headers.authorization, 'Bearer sk-test-SECRET-models');
      assert.equal(ctx.calls.length, 0);
    } finally {
      await ctx.proxy.close();
      await upstream.close();
    }
  });

  it('keeps the query string (Claude Code calls /v1/messages?beta=true) and the anthropic-beta header (Anthropic contract upstream)', async () => {
    const upstream = await startProviderContract('anthropic', { key: 'sk-test-SECRET-beta' });
    const ctx = await meteredProxy();
    try {
      const trial = ctx.proxy.registerTrial({ trialId: 't', runId: 'r', upstream: { kind: 'anthropic', baseUrl: upstream.base, apiKey: 'sk-test-SECRET-beta' } });
      const client = new Anthropic({ baseURL: trial.baseUrl, apiKey: trial.token, maxRetries: 0 });
      await client.beta.messages.create({ model: 'claude-haiku-4-5', max_tokens: 5, messages: [{ role: 'user', content: 'x' }], betas: ['interleaved-thinking-2025-05-14'] });
      assert.equal(upstream.requests[0]?.path, '/v1/messages?beta=true');
      assert.equal(upstream.requests[0]?.status, 200);
      assert.equal(upstream.requests[0]?.headers['anthropic-beta'], 'interleaved-thinking-2025-05-14');
      const call = await ctx.nextCall();
      assert.equal(call.protocol, 'anthropic-messages');
      assert.equal(call.usage.input + call.usage.cacheRead + call.usage.cacheWrite, upstream.requests[0]?.reported?.input);
      assert.equal(call.usage.output, upstream.requests[0]?.reported?.output);
    } finally {
      await ctx.proxy.close();
      await upstream.close();
    }
  });

  it('a malformed body gets a provider-shaped 400, is recorded, and is never forwarded', async () => {
    const upstream = await scriptedUpstream((_req, res) => sendJson(res, 200, {}));
    const ctx = await meteredProxy();
    try {
      const oa = ctx.proxy.registerTrial({ trialId: 'o', runId: 'r', upstream: { kind: 'openai-compatible', baseUrl: upstream.url } });
      const bad = await fetch(`${oa.baseUrl}/chat/completions`, { method: 'POST', body: '{"model": "gpt-5", "messages": [' });
      assert.equal(bad.status, 400);
      assert.equal(((await bad.json()) as { error: { type: string } }).error.type, 'invalid_request_error');
      const noModel = await fetch(`${oa.baseUrl}/chat/completions`, { method: 'POST', body: '{"messages": []}' });
      assert.equal(noModel.status, 400);
      const an = ctx.proxy.registerTrial({ trialId: 'a', runId: 'r', upstream: { kind: 'anthropic', baseUrl: upstream.url } });
      await assert.rejects(
        new Anthropic({ baseURL: an.baseUrl, apiKey: an.token, maxRetries: 0 }).messages.create({ model: undefined as unknown as string, max_tokens: 1, messages: [] }),
        (e: unknown) => e instanceof Anthropic.BadRequestError,
      );
      assert.equal(upstream.requests.length, 0);
      assert.deepEqual(ctx.calls.map((c) => c.httpStatus), [400, 400, 400]);
      assert.deepEqual(ctx.calls.map((c) => c.seq), [1, 2, 1]);
    } finally {
      await ctx.proxy.close();
      await upstream.close();
    }
  });

  it('an upstream that compresses anyway: the client gets its bytes as sent, the meter reads them decoded, an error body is decoded to redact the key', async () => {
    const KEY = 'sk-test-SECRET-gzip-0000';
    const usage = { prompt_tokens: 40, completion_tokens: 4, prompt_tokens_details: { cached_tokens: 0 } };
    const upstream = await scriptedUpstream((req, res) => {
      const body = JSON.parse(req.body) as { stream?: boolean; model: string };
      const payload = body.model === 'bad'
        ? JSON.stringify({ error: { message: `bad key ${KEY}`, type: 'invalid_request_error' } })
        : body.stream
          ? sseText([{ data: { model: 'gpt-5', choices: [{ index: 0, delta: { content: 'zip' }, finish_reason: 'stop' }] } }, { data: { model: 'gpt-5', choices: [], usage } }], true)
          : JSON.stringify({ model: 'gpt-5', choices: [{ index: 0, message: { role: 'assistant', content: 'zip' }, finish_reason: 'stop' }], usage });
      res.writeHead(body.model === 'bad' ? 401 : 200, { 'content-type': body.stream ? 'text/event-stream' : 'application/json', 'content-encoding': 'gzip' });
      res.end(gzipSync(payload));
    });
    const ctx = await meteredProxy();
    try {
      const trial = ctx.proxy.registerTrial({ trialId: 'z', runId: 'r', upstream: { kind: 'openai-compatible', baseUrl: upstream.url, apiKey: KEY } });
      const raw = (stream: boolean, model = 'gpt-5') => fetch(`${trial.baseUrl}/chat/completions`, {
        method: 'POST', body: JSON.stringify({ model, stream, stream_options: stream ? { include_usage: true } : undefined, messages: [] }),
      });
      const plain = await raw(false);
      assert.equal(plain.headers.get('content-encoding'), 'gzip');
      assert.match(await plain.text(), /"zip"/, 'fetch decodes what the proxy passed on unchanged');
      for (const stream of [false, true]) {
        if (stream) await (await raw(true)).text();
        const call = await ctx.nextCall();
        assert.deepEqual(call.usageRaw, usage);
        assert.equal(call.text, 'zip');
        assert.equal(call.estimated, false);
      }
      const denied = await raw(false, 'bad');
      assert.equal(denied.status, 401);
      const deniedText = await denied.text();
      assert.equal(denied.headers.get('content-encoding'), null);
      assert.match(deniedText, /bad key \[redacted\]/);
      assert.ok(!deniedText.includes(KEY));
      assert.match((await ctx.nextCall()).error ?? '', /\[redacted\]/);
      assert.equal(upstream.requests[0]?.headers['accept-encoding'], 'identity');
    } finally {
      await ctx.proxy.close();
      await upstream.close();
    }
  });
});
