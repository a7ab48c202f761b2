/**
 * For every protocol, streaming and not: the client gets the upstream's bytes unchanged, the
 * metered raw usage equals the usage the upstream sent field by field, the normalised usage follows
 * the protocol's subset rules, and the cost equals a hand computation from the published prices.
 */
import assert from 'node:assert/strict';
import type { MeteringProxy } from '../../../src/core/meter';
import type { UpstreamKind } from '../../../src/core/domain';
import { meteredProxy, scriptedUpstream, sseText, type ScriptedUpstream } from './upstream-fixture';

interface Case {
  name: string;
  kind: UpstreamKind;
  path: string;
  model: string;
  usage: Record<string, unknown>;
  expected: { input: number; cacheRead: number; cacheWrite: number; output: number; reasoning: number };
  /** $ by hand from the per-million prices. */
  cost: number;
  costSource: 'computed' | 'reported';
  body: (stream: boolean) => { contentType: string; text: string };
}

const OPENAI_USAGE = { prompt_tokens: 12000, completion_tokens: 800, total_tokens: 12800, prompt_tokens_details: { cached_tokens: 10000, audio_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 300, audio_tokens: 0 } };
const RESPONSES_USAGE = { input_tokens: 9000, input_tokens_details: { cached_tokens: 4000 }, output_tokens: 700, output_tokens_details: { reasoning_tokens: 500 }, total_tokens: 9700 };
const ANTHROPIC_USAGE = { input_tokens: 25, cache_creation_input_tokens: 1200, cache_read_input_tokens: 30000, cache_creation: { ephemeral_5m_input_tokens: 1200, ephemeral_1h_input_tokens: 0 }, output_tokens: 450, service_tier: 'standard' };
const OPENROUTER_USAGE = { prompt_tokens: 5000, completion_tokens: 100, total_tokens: 5100, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 }, cost: 0.0165, cost_details: { upstream_inference_cost: null } };

function chatBody(model: string, usage: Record<string, unknown>) {
  return (stream: boolean) => stream
    ? { contentType: 'text/event-stream', text: sseText([
      { data: { id: 'c', object: 'chat.completion.chunk', model, choices: [{ index: 0, delta: { role: 'assistant', content: 'Hel' }, finish_reason: null }], usage: null } },
      { data: { id: 'c', object: 'chat.completion.chunk', model, choices: [{ index: 0, delta: { content: 'lo' }, finish_reason: 'stop' }], usage: null } },
      { data: { id: 'c', object: 'chat.completion.chunk', model, choices: [], usage } },
    ], true) }
    : { contentType: 'application/json', text: JSON.stringify({ id: 'c', object: 'chat.completion', model, choices: [{ index: 0, message: { role: 'assistant', content: 'Hello' }, finish_reason: 'stop' }], usage }) };
}

const CASES: Case[] = [
  {
    name: 'OpenAI Chat Completions (gpt-5)', kind: 'openai-compatible', path: '/chat/completions', model: 'gpt-5', usage: OPENAI_USAGE,
    expected: { input: 2000, cacheRead: 10000, cacheWrite: 0, output: 800, reasoning: 300 },
    // $1.25 input, $0.125 cache read, $10 output per million.
    cost: (2000 * 1.25 + 10000 * 0.125 + 800 * 10) / 1e6, costSource: 'computed', body: chatBody('gpt-5-2025-08-07', OPENAI_USAGE),
  },
  {
    name: 'OpenAI Responses (gpt-5-mini)', kind: 'openai-compatible', path: '/responses', model: 'gpt-5-mini', usage: RESPONSES_USAGE,
    expected: { input: 5000, cacheRead: 4000, cacheWrite: 0, output: 700, reasoning: 500 },
    // $0.25 input, $0.025 cache read, $2 output per million.
    cost: (5000 * 0.25 + 4000 * 0.025 + 700 * 2) / 1e6, costSource: 'computed',
    body: (stream) => stream
      ? { contentType: 'text/event-stream', text: sseText([
        { event: 'response.created', data: { type: 'response.created', response: { id: 'r', model: 'gpt-5-mini', status: 'in_progress', usage: null } } },
        { event: 'response.output_text.delta', data: { type: 'response.output_text.delta', output_index: 0, delta: 'Hello' } },
        { event: 'response.completed', data: { type: 'response.completed', response: { id: 'r', model: 'gpt-5-mini', status: 'completed', usage: RESPONSES_USAGE } } },
      ]) }
      : { contentType: 'application/json', text: JSON.stringify({ id: 'r', model: 'gpt-5-mini', status: 'completed', output: [{ type: 'message', content: [{ type: 'output_text', text: 'Hello' }] }], usage: RESPONSES_USAGE }) },
  },
  {
    name: 'Anthropic Messages (claude-sonnet-4-5)', kind: 'anthropic', path: '/v1/messages', model: 'claude-sonnet-4-5', usage: ANTHROPIC_USAGE,
    expected: { input: 25, cacheRead: 30000, cacheWrite: 1200, output: 450, reasoning: 0 },
    // $3 input, $0.30 cache read, $3.75 cache write (5 min), $15 output per million.
    cost: (25 * 3 + 30000 * 0.3 + 1200 * 3.75 + 450 * 15) / 1e6, costSource: 'computed',
    body: (stream) => stream
      ? { contentType: 'text/event-stream', text: sseText([
        { event: 'message_start', data: { type: 'message_start', message: { id: 'm', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5-20250929', content: [], usage: { ...ANTHROPIC_USAGE, output_tokens: 1 } } } },
        { event: 'content_block_start', data: { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } } },
        { event: 'content_block_delta', data: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hello' } } },
        { event: 'content_block_stop', data: { type: 'content_block_stop', index: 0 } },
        { event: 'message_delta', data: { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 200 } } },
        { event: 'message_delta', data: { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 450 } } },
        { event: 'message_stop', data: { type: 'message_stop' } },
      ]) }
      : { contentType: 'application/json', text: JSON.stringify({ id: 'm', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5-20250929', content: [{ type: 'text', text: 'Hello' }], stop_reason: 'end_turn', usage: ANTHROPIC_USAGE }) },
  },
  {
    name: 'OpenRouter (reported cost wins)', kind: 'openrouter', path: '/chat/completions', model: 'anthropic/claude-sonnet-4.5', usage: OPENROUTER_USAGE,
    expected: { input: 5000, cacheRead: 0, cacheWrite: 0, output: 100, reasoning: 0 },
    cost: 0.0165, costSource: 'reported', body: chatBody('anthropic/claude-sonnet-4.5', OPENROUTER_USAGE),
  },
];

describe('metering proxy: usage and cost per protocol', () => {
  let upstream: ScriptedUpstream;
  let ctx: Awaited<ReturnType<typeof meteredProxy>>;
  let proxy: MeteringProxy;
  let reply: (stream: boolean) => { contentType: string; text: string };

  before(async () => {
    upstream = await scriptedUpstream((req, res) => {
      const stream = (JSON.parse(req.body) as { stream?: boolean }).stream === true;
      const { contentType, text } = reply(stream);
      res.writeHead(200, { 'content-type': contentType });
      res.end(text);
    });
    ctx = await meteredProxy();
    proxy = ctx.proxy;
  });
  after(async () => {
    await proxy.close();
    await upstream.close();
  });

  for (const c of CASES) {
    for (const stream of [false, true]) {
      it(`${c.name}, ${stream ? 'streaming' : 'not streaming'}: raw usage equal field by field, normalised, cost by hand`, async () => {
        reply = c.body;
        const base = c.kind === 'anthropic' ? upstream.url : `${upstream.url}/v1`;
        const trial = proxy.registerTrial({ trialId: `t-${c.name}-${stream}`, runId: 'r', upstream: { kind: c.kind, baseUrl: base, apiKey: 'sk-test-SECRET-usage' } });
        const res = await fetch(`${trial.baseUrl}${c.path}`, {
          method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${trial.token}` },
          // As the Kilo CLI does, the client asks for stream usage itself.
          body: JSON.stringify({ model: c.model, stream, ...(stream ? { stream_options: { include_usage: true } } : {}), messages: [{ role: 'user', content: 'hi' }], max_tokens: 10 }),
        });
        const text = await res.text();
        assert.equal(res.status, 200);
        // The client gets the upstream's bytes unchanged.
        assert.equal(text, c.body(stream).text);
        const call = await ctx.nextCall();
        assert.deepEqual(call.usageRaw, c.usage);
        assert.deepEqual(call.usage, c.expected);
        assert.equal(call.estimated, false);
        assert.equal(call.costSource, c.costSource);
        assert.ok(call.costUsd !== null && Math.abs(call.costUsd - c.cost) < 1e-12, `cost ${call.costUsd} ≠ ${c.cost}`);
        assert.equal(call.streaming, stream);
        assert.equal(call.httpStatus, 200);
        assert.equal(call.requestedModel, c.model);
        assert.equal(call.text, 'Hello');
        assert.ok(call.ttftMs !== null && call.latencyMs >= call.ttftMs);
        assert.equal(upstream.requests.at(-1)?.url, c.kind === 'anthropic' ? '/v1/messages' : `/v1${c.path}`);
      });
    }
  }

  it('asks an OpenAI-compatible upstream for stream usage when the client did not, without showing the client that chunk; maps model names', async () => {
    reply = CASES[0]!.body;
    const trial = proxy.registerTrial({ trialId: 't-map', runId: 'r', upstream: { kind: 'openai-compatible', baseUrl: `${upstream.url}/v1`, modelMap: { fast: 'gpt-5' } } });
    const res = await fetch(`${trial.baseUrl}/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'fast', stream: true, stream_options: { other: 1 }, messages: [] }) });
    const text = await res.text();
    const upstreamText = CASES[0]!.body(true).text;
    const usageEvent = upstreamText.split('\n\n').find((e) => e.includes('"choices":[]')) as string;
    assert.ok(usageEvent);
    assert.equal(text, upstreamText.replace(`${usageEvent}\n\n`, ''));
    const sent = JSON.parse(upstream.requests.at(-1)?.body ?? '{}') as { model: string; stream_options: Record<string, unknown> };
    assert.equal(sent.model, 'gpt-5');
    assert.deepEqual(sent.stream_options, { other: 1, include_usage: true });
    const call = await ctx.nextCall();
    assert.equal(call.requestedModel, 'fast');
    assert.deepEqual(call.usage, CASES[0]!.expected);
  });

  it("asks for stream usage in the client's own bytes when nothing else changes (no re-serialised body), and meters the call as before", async () => {
    reply = CASES[0]!.body;
    const trial = proxy.registerTrial({ trialId: 't-splice', runId: 'r', upstream: { kind: 'openai-compatible', baseUrl: `${upstream.url}/v1` } });
    // Formatting and a seed past 2^53 that a parse and JSON.stringify would have changed.
    const body = '{ "model": "gpt-5",\n  "stream": true, "seed": 12345678901234567890, "messages": [{"role": "user", "content": "h\\u00e9 }"}] }\n';
    const res = await fetch(`${trial.baseUrl}/chat/completions`, { method: 'POST', body });
    const text = await res.text();
    const upstreamText = CASES[0]!.body(true).text;
    const usageEvent = upstreamText.split('\n\n').find((e) => e.includes('"choices":[]')) as string;
    assert.equal(text, upstreamText.replace(`${usageEvent}\n\n`, ''));
    assert.equal(upstream.requests.at(-1)?.body, '{ "model": "gpt-5",\n  "stream": true, "seed": 12345678901234567890, "messages": [{"role": "user", "content": "h\\u00e9 }"}] ,"stream_options":{"include_usage":true}}\n');
    const call = await ctx.nextCall();
    assert.equal(call.requestedModel, 'gpt-5');
    assert.equal(call.streaming, true);
    assert.equal(call.estimated, false);
    assert.deepEqual(call.usage, CASES[0]!.expected);
  });
});
