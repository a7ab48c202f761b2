/**
 * Each injected fault passes through the proxy as it happened and is recorded with the right
 * status; retries made by the harness are separate calls.
 */
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import type { MeteringProxy } from '../../../src/core/meter';
import { startSimProvider, type SimProvider } from '../../../src/core/providers/sim';
import { meteredProxy } from './upstream-fixture';
import { countTextTokens, requestText } from '../../../src/core/meter/estimate';

const CHAT = { model: 'sim/direct', messages: [{ role: 'user' as const, content: 'Please fix the failing build in this repository.' }] };

describe('metering proxy: upstream faults', () => {
  let sim: SimProvider;
  let ctx: Awaited<ReturnType<typeof meteredProxy>>;
  let proxy: MeteringProxy;
  let client: OpenAI;
  let baseUrl: string;

  beforeEach(async () => {
    sim = await startSimProvider();
    ctx = await meteredProxy();
    proxy = ctx.proxy;
    const trial = proxy.registerTrial({ trialId: 'f', runId: 'r', upstream: { kind: 'openai-compatible', baseUrl: `${sim.url}/v1`, apiKey: 'sk-test-SECRET-faults' } });
    client = new OpenAI({ baseURL: trial.baseUrl, apiKey: trial.token, maxRetries: 0 });
    baseUrl = trial.baseUrl;
  });
  afterEach(async () => {
    await proxy.close();
    await sim.close();
  });

  it('429 with retry-after: passed to the client as is, recorded as 429 with no cost', async () => {
    sim.setFaults([{ kind: 'rate_limit', retryAfterSeconds: 9 }]);
    await assert.rejects(client.chat.completions.create(CHAT), (e: unknown) => {
      assert.ok(e instanceof OpenAI.RateLimitError);
      assert.equal(e.headers?.get('retry-after'), '9');
      return true;
    });
    const call = await ctx.nextCall();
    assert.equal(call.httpStatus, 429);
    assert.match(call.error ?? '', /^HTTP 429: .*Rate limit/);
    assert.equal(call.costUsd, 0);
    assert.equal(call.estimated, false);
  });

  it('500: recorded as 500', async () => {
    sim.setFaults([{ kind: 'server_error' }]);
    await assert.rejects(client.chat.completions.create(CHAT), (e: unknown) => e instanceof OpenAI.InternalServerError);
    const call = await ctx.nextCall();
    assert.equal(call.httpStatus, 500);
    assert.match(call.error ?? '', /HTTP 500/);
  });

  it('connection reset before a response: the client\'s connection drops too; recorded with no status', async () => {
    sim.setFaults([{ kind: 'reset' }]);
    await assert.rejects(client.chat.completions.create(CHAT), (e: unknown) => e instanceof OpenAI.APIConnectionError);
    const call = await ctx.nextCall();
    assert.equal(call.httpStatus, null);
    assert.match(call.error ?? '', /connection failed before a response \((ECONNRESET|socket hang up)\)/);
    assert.equal(call.estimated, false);
  });

  it('a stream cut before usage: recorded with estimated, non-zero usage and the cut as error', async () => {
    sim.setFaults([{ kind: 'cut_stream', afterEvents: 3 }]);
    let text = '';
    await assert.rejects((async () => {
      for await (const chunk of await client.chat.completions.create({ ...CHAT, stream: true })) text += chunk.choices[0]?.delta.content ?? '';
    })());
    assert.ok(text.length > 0, 'the client got the first chunks');
    const call = await ctx.nextCall();
    assert.equal(call.httpStatus, 200);
    assert.equal(call.estimated, true);
    assert.ok(call.usage.input > 5 && call.usage.output > 0, JSON.stringify(call.usage));
    // The input estimate is the request's own text counted (the proxy parses the held bytes again for it).
    assert.equal(call.usage.input, countTextTokens(requestText(CHAT)));
    assert.ok((call.costUsd ?? 0) > 0);
    assert.ok(call.costFlags.includes('estimated'));
    assert.match(call.error ?? '', /cut off/);
    assert.equal(call.text, text);
  });

  it('slow first token: the client waits, and time to first token shows it', async () => {
    sim.setFaults([{ kind: 'slow_first_token', delayMs: 250 }]);
    const stream = await client.chat.completions.create({ ...CHAT, stream: true });
    for await (const _ of stream) { /* drain */ }
    const call = await ctx.nextCall();
    assert.equal(call.httpStatus, 200);
    assert.ok(call.ttftMs !== null && call.ttftMs >= 240, String(call.ttftMs));
    assert.equal(call.estimated, false);
  });

  it('malformed JSON: the client gets the broken body, the call is recorded as 200 with an error and estimated usage', async () => {
    sim.setFaults([{ kind: 'malformed_json' }, { kind: 'malformed_json' }]);
    const res = await fetch(`${baseUrl}/chat/completions`, { method: 'POST', body: JSON.stringify(CHAT) });
    assert.equal(res.status, 200);
    const body = await res.text();
    assert.throws(() => JSON.parse(body));
    const call = await ctx.nextCall();
    assert.equal(call.httpStatus, 200);
    assert.match(call.error ?? '', /not valid JSON/);
    assert.equal(call.estimated, true);
    // Read raw (the SDK would print its own complaint about the broken event).
    const streamed200 = await fetch(`${baseUrl}/chat/completions`, { method: 'POST', body: JSON.stringify({ ...CHAT, stream: true }) });
    assert.match(await streamed200.text(), /broken/);
    const streamed = await ctx.nextCall();
    assert.match(streamed.error ?? '', /malformed stream event/);
    assert.equal(streamed.estimated, true);
  });

  it('retries made by the harness are separate calls, in order', async () => {
    sim.setFaults([{ kind: 'server_error' }, { kind: 'server_error' }]);
    const retrying = new OpenAI({ baseURL: client.baseURL, apiKey: client.apiKey, maxRetries: 2 });
    await retrying.chat.completions.create(CHAT);
    const calls = [await ctx.nextCall(), await ctx.nextCall(), await ctx.nextCall()];
    assert.deepEqual(calls.map((c) => [c.seq, c.httpStatus]), [[1, 500], [2, 500], [3, 200]]);
    assert.equal(proxy.totals('f')?.calls, 3);
  });
});
