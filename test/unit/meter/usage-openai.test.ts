import assert from 'node:assert/strict';
import { normaliseOpenAIChatUsage } from '../../../src/core/meter/usage/openai';
import { chunkings } from './chunking';
import { readBody, readStream, sseBytes } from './read-stream';

const USAGE = {
  prompt_tokens: 1200,
  completion_tokens: 300,
  total_tokens: 1500,
  prompt_tokens_details: { cached_tokens: 1000 },
  completion_tokens_details: { reasoning_tokens: 120 },
};

function chunk(delta: Record<string, unknown>, finish: string | null = null): { data: unknown } {
  return { data: { id: 'c1', object: 'chat.completion.chunk', model: 'gpt-5-2025-08-07', choices: [{ index: 0, delta, finish_reason: finish }], usage: null } };
}

// Two parallel tool calls whose argument fragments interleave, text with a multi-byte character, then usage.
const STREAM = sseBytes([
  chunk({ role: 'assistant', content: '' }),
  chunk({ content: 'Let me lo' }),
  chunk({ content: 'ok — ✓' }),
  chunk({ tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'bash', arguments: '' } }] }),
  chunk({ tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'read', arguments: '{"filePath":' } }] }),
  chunk({ tool_calls: [{ index: 0, function: { arguments: '{"command":"ls' } }] }),
  chunk({ tool_calls: [{ index: 1, function: { arguments: '"/etc/hosts"}' } }] }),
  chunk({ tool_calls: [{ index: 0, function: { arguments: ' -la"}' } }] }),
  chunk({}, 'tool_calls'),
  { data: { id: 'c1', object: 'chat.completion.chunk', model: 'gpt-5-2025-08-07', choices: [], usage: USAGE } },
], true);

describe('meter: OpenAI Chat Completions usage', () => {
  it('normalises with the subset rules: cached is inside prompt, reasoning inside completion', () => {
    assert.deepEqual(normaliseOpenAIChatUsage(USAGE), { input: 200, cacheRead: 1000, cacheWrite: 0, output: 300, reasoning: 120 });
    assert.deepEqual(
      normaliseOpenAIChatUsage({ prompt_tokens: 100, completion_tokens: 5, prompt_tokens_details: { cached_tokens: 30, cache_write_tokens: 50 } }),
      { input: 20, cacheRead: 30, cacheWrite: 50, output: 5, reasoning: 0 },
    );
    assert.deepEqual(normaliseOpenAIChatUsage({ prompt_tokens: 10, completion_tokens: 2, prompt_tokens_details: null, completion_tokens_details: null }),
      { input: 10, cacheRead: 0, cacheWrite: 0, output: 2, reasoning: 0 });
  });

  it('reads a whole response: usage as sent, served model, text, tool calls with their sizes', () => {
    const o = readBody('openai-chat', {
      id: 'x', model: 'gpt-5-2025-08-07', usage: USAGE,
      choices: [{ index: 0, finish_reason: 'tool_calls', message: { role: 'assistant', content: 'hi', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'bash', arguments: '{"command":"ls"}' } }] } }],
    });
    assert.deepEqual(o.usageRaw, USAGE);
    assert.deepEqual(o.usage, { input: 200, cacheRead: 1000, cacheWrite: 0, output: 300, reasoning: 120 });
    assert.equal(o.servedModel, 'gpt-5-2025-08-07');
    assert.equal(o.text, 'hi');
    assert.equal(o.finishReason, 'tool_calls');
    assert.deepEqual(o.toolCalls, [{ id: 'call_1', name: 'bash', argumentsBytes: 16, arguments: '{"command":"ls"}' }]);
  });

  it(`reads usage, text and tool calls merged by index the same for every chunking of a stream (${chunkings(STREAM).length} chunkings)`, () => {
    for (const { name, chunks } of chunkings(STREAM)) {
      const o = readStream('openai-chat', chunks);
      assert.deepEqual(o.usageRaw, USAGE, name);
      assert.equal(o.usageFinal, true, name);
      assert.equal(o.text, 'Let me look — ✓', name);
      assert.deepEqual(o.toolCalls, [
        { id: 'call_a', name: 'bash', argumentsBytes: 20, arguments: '{"command":"ls -la"}' },
        { id: 'call_b', name: 'read', argumentsBytes: 25, arguments: '{"filePath":"/etc/hosts"}' },
      ], name);
      assert.equal(o.finishReason, 'tool_calls', name);
      assert.equal(o.error, null, name);
    }
  });

  it('a stream without the usage chunk has no usage and says so (usageFinal false)', () => {
    const o = readStream('openai-chat', [sseBytes([chunk({ content: 'partial answer' })])]);
    assert.equal(o.usage, null);
    assert.equal(o.usageFinal, false);
    assert.match(o.outputTextForEstimate, /partial answer/);
  });

  it('takes OpenRouter\'s reported cost from usage.cost', () => {
    const o = readBody('openai-chat', { model: 'anthropic/claude-sonnet-4.5', choices: [], usage: { ...USAGE, cost: 0.0123, cost_details: { upstream_inference_cost: 0.0118 } } });
    assert.equal(o.reportedCostUsd, 0.0123);
  });

  it('records an error body and a malformed body as errors', () => {
    assert.match(readBody('openai-chat', { error: { message: 'Rate limit reached', type: 'rate_limit_exceeded' } }).error ?? '', /Rate limit reached/);
    const reader = readStream('openai-chat', [Buffer.from('data: {"choices": [ {broken\n\n')]);
    assert.match(reader.error ?? '', /malformed/);
  });
});
