import assert from 'node:assert/strict';
import { buildMeteredCall, type CallFacts } from '../../../src/core/meter/call-record';
import { CappedText } from '../../../src/core/meter/capped-text';
import { estimateUsage, requestText } from '../../../src/core/meter/estimate';
import { readBody, readStream, sseBytes } from './read-stream';

const REQUEST = { model: 'gpt-5', messages: [{ role: 'system', content: 'You are a coding agent.' }, { role: 'user', content: 'Fix the failing test in src/app.py, please.' }] };

function facts(over: Partial<CallFacts>): CallFacts {
  return {
    trialId: 't', runId: 'r', seq: 1, startedAt: new Date('2026-01-01T00:00:00Z'), protocol: 'openai-chat', upstreamKind: 'openai-compatible',
    requestedModel: 'gpt-5', upstreamModel: 'gpt-5', streaming: true, requestBody: REQUEST, httpStatus: 200, latencyMs: 12.3456, ttftMs: 3.2,
    observation: null, failure: null, ...over,
  };
}

describe('meter: building a MeteredCall', () => {
  it('a 200 stream cut before usage is estimated with a tokenizer: non-zero tokens, flagged, priced', () => {
    const observation = readStream('openai-chat', [sseBytes([{ data: { model: 'gpt-5', choices: [{ index: 0, delta: { content: 'I will now edit the file and run the tests again.' } }] } }])]);
    const call = buildMeteredCall(facts({ observation, failure: 'upstream stream cut off before its end (ECONNRESET)' }));
    assert.equal(call.estimated, true);
    assert.ok(call.usage.input > 10 && call.usage.output > 5, JSON.stringify(call.usage));
    assert.ok(call.costFlags.includes('estimated'));
    assert.ok(call.costUsd !== null && call.costUsd > 0);
    assert.match(call.error ?? '', /cut off/);
  });

  it('a stream that ends cleanly without usage or a finish is estimated and says why', () => {
    const observation = readStream('openai-chat', [sseBytes([{ data: { choices: [{ index: 0, delta: { content: 'partial' } }] } }])]);
    const call = buildMeteredCall(facts({ observation }));
    assert.equal(call.estimated, true);
    assert.match(call.error ?? '', /before the provider sent usage/);
  });

  it('an Anthropic stream cut after message_start keeps its real input counts and estimates only output', () => {
    const observation = readStream('anthropic-messages', [sseBytes([
      { data: { type: 'message_start', message: { model: 'claude-haiku-4-5', usage: { input_tokens: 40, cache_read_input_tokens: 9000, output_tokens: 1 } } } },
      { data: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Looking at the repository layout first, then the tests.' } } },
    ])]);
    const call = buildMeteredCall(facts({ protocol: 'anthropic-messages', upstreamKind: 'anthropic', requestedModel: 'claude-haiku-4-5', observation }));
    assert.equal(call.estimated, true);
    assert.equal(call.usage.input, 40);
    assert.equal(call.usage.cacheRead, 9000);
    assert.ok(call.usage.output > 5);
  });

  it('a 429 without usage costs $0 and is not estimated; the status and message are recorded', () => {
    const observation = readBody('openai-chat', { error: { message: 'Rate limit reached', type: 'rate_limit_exceeded' } });
    const call = buildMeteredCall(facts({ httpStatus: 429, observation }));
    assert.equal(call.estimated, false);
    assert.equal(call.costUsd, 0);
    assert.deepEqual(call.usage, { input: 0, cacheRead: 0, cacheWrite: 0, output: 0, reasoning: 0 });
    assert.equal(call.error, 'HTTP 429: rate_limit_exceeded: Rate limit reached');
  });

  it('billed usage on a failed call still counts', () => {
    const observation = readBody('openai-chat', { error: { message: 'context too long after tool output' }, usage: { prompt_tokens: 1000, completion_tokens: 0 } });
    const call = buildMeteredCall(facts({ httpStatus: 400, observation }));
    assert.equal(call.usage.input, 1000);
    assert.ok(call.costUsd !== null && call.costUsd > 0);
  });

  it('an unknown model with usage is unpriced: null cost, never 0', () => {
    const observation = readBody('openai-chat', { model: 'acme-7b', choices: [], usage: { prompt_tokens: 10, completion_tokens: 3 } });
    const call = buildMeteredCall(facts({ requestedModel: 'acme-7b', upstreamModel: 'acme-7b', observation }));
    assert.equal(call.costUsd, null);
    assert.equal(call.costSource, 'unpriced');
  });

  it('a price override keyed by the requested model applies even when the provider serves another name', () => {
    const observation = readBody('openai-chat', { model: 'acme-7b-0425', choices: [], usage: { prompt_tokens: 1_000_000, completion_tokens: 0 } });
    const call = buildMeteredCall(facts({ requestedModel: 'acme', upstreamModel: 'acme-7b', observation, prices: { acme: { input: 0.5, output: 1 } } }));
    assert.equal(call.costUsd, 0.5);
    assert.equal(call.servedModel, 'acme-7b-0425');
  });

  it('estimates count the request\'s text, not its JSON punctuation', () => {
    assert.match(requestText(REQUEST), /Fix the failing test/);
    const estimate = estimateUsage(REQUEST, '', null);
    assert.ok(estimate.input >= 15 && estimate.input < 40, String(estimate.input));
  });

  it('caps long text with a marker and still counts every byte', () => {
    const text = new CappedText(10);
    text.append('abcdefgh');
    text.append('ijklmnop');
    assert.equal(text.toString(), 'abcdefghij…[truncated 6 bytes]');
    assert.equal(text.bytes, 16);
    const multibyte = new CappedText(4);
    multibyte.append('€€');
    assert.equal(multibyte.toString(), '€…[truncated 3 bytes]');
  });
});
