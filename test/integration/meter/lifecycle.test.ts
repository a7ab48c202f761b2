/** Calls that end on the client's side or by the proxy's idle timeout, and many calls at once. */
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startMeteringProxy, type MeteredCall } from '../../../src/core/meter';
import { startSimProvider } from '../../../src/core/providers/sim';
import { meteredProxy } from './upstream-fixture';

const CHAT = { model: 'sim/explorer', messages: [{ role: 'user' as const, content: 'Describe the repository layout in detail.' }] };

describe('metering proxy: call lifecycle', () => {
  it('a client that hangs up mid-stream: the upstream request is dropped and the call recorded, estimated', async () => {
    const sim = await startSimProvider({ latency: { chunkMs: 40 } });
    const ctx = await meteredProxy();
    try {
      const trial = ctx.proxy.registerTrial({ trialId: 't', runId: 'r', upstream: { kind: 'openai-compatible', baseUrl: `${sim.url}/v1` } });
      const controller = new AbortController();
      const client = new OpenAI({ baseURL: trial.baseUrl, apiKey: trial.token, maxRetries: 0 });
      const stream = await client.chat.completions.create({ ...CHAT, stream: true, stream_options: { include_usage: true } }, { signal: controller.signal });
      let chunks = 0;
      // The SDK ends the iteration (or throws) once aborted; either way the client has hung up.
      await (async () => {
        for await (const _ of stream) if (++chunks === 3) controller.abort();
      })().catch(() => undefined);
      assert.equal(chunks, 3);
      const call = await ctx.nextCall();
      assert.match(call.error ?? '', /client closed the connection/);
      assert.equal(call.estimated, true);
      assert.ok(call.usage.input > 0);
    } finally {
      await ctx.proxy.close();
      await sim.close();
    }
  });

  it('an upstream silent past the idle timeout: the client\'s connection drops and the call says why', async () => {
    const sim = await startSimProvider({ faults: [{ kind: 'slow_first_token', delayMs: 1000 }] });
    const calls: MeteredCall[] = [];
    const proxy = await startMeteringProxy({ upstreamIdleTimeoutMs: 100 });
    proxy.on('call', (c) => calls.push(c));
    try {
      const trial = proxy.registerTrial({ trialId: 't', runId: 'r', upstream: { kind: 'openai-compatible', baseUrl: `${sim.url}/v1` } });
      const client = new OpenAI({ baseURL: trial.baseUrl, apiKey: trial.token, maxRetries: 0 });
      await assert.rejects(client.chat.completions.create(CHAT), (e: unknown) => e instanceof OpenAI.APIConnectionError);
      assert.equal(calls.length, 1);
      assert.equal(calls[0]?.httpStatus, null);
      assert.match(calls[0]?.error ?? '', /upstream sent nothing for 100 ms/);
    } finally {
      await proxy.close();
      await sim.close();
    }
  });

  it('many calls of one trial at once: each has its own seq and the totals add up', async () => {
    const sim = await startSimProvider();
    const ctx = await meteredProxy();
    try {
      const trial = ctx.proxy.registerTrial({ trialId: 't', runId: 'r', upstream: { kind: 'openai-compatible', baseUrl: `${sim.url}/v1` } });
      const client = new OpenAI({ baseURL: trial.baseUrl, apiKey: trial.token, maxRetries: 0 });
      await Promise.all(Array.from({ length: 24 }, (_, i) => client.chat.completions.create({ ...CHAT, stream: i % 2 === 0 }).then(async (r) => {
        if (Symbol.asyncIterator in (r as object)) for await (const _ of r as AsyncIterable<unknown>) { /* drain */ }
      })));
      await new Promise((resolve) => setTimeout(resolve, 20));
      assert.deepEqual(ctx.calls.map((c) => c.seq).sort((a, b) => a - b), Array.from({ length: 24 }, (_, i) => i + 1));
      const totals = ctx.proxy.totals('t');
      assert.equal(totals?.calls, 24);
      const sum = ctx.calls.reduce((s, c) => s + (c.costUsd ?? 0), 0);
      assert.ok(Math.abs((totals?.costUsd ?? 0) - sum) < 1e-12);
      assert.equal(totals?.usage.output, ctx.calls.reduce((s, c) => s + c.usage.output, 0));
      assert.ok(ctx.calls.every((c) => !c.estimated && c.httpStatus === 200));
    } finally {
      await ctx.proxy.close();
      await sim.close();
    }
  });
});
