import assert from 'node:assert/strict';
import { normaliseResponsesUsage } from '../../../src/core/meter/usage/responses';
import { chunkings } from './chunking';
import { readBody, readStream, sseBytes } from './read-stream';

const USAGE = { input_tokens: 2000, input_tokens_details: { cached_tokens: 1500 }, output_tokens: 400, output_tokens_details: { reasoning_tokens: 250 }, total_tokens: 2400 };

const STREAM = sseBytes([
  { event: 'response.created', data: { type: 'response.created', response: { id: 'r1', model: 'gpt-5', status: 'in_progress', usage: null } } },
  { event: 'response.output_item.added', data: { type: 'response.output_item.added', output_index: 0, item: { type: 'message', id: 'm1' } } },
  { event: 'response.output_text.delta', data: { type: 'response.output_text.delta', output_index: 0, delta: 'Checking ' } },
  { event: 'response.output_text.delta', data: { type: 'response.output_text.delta', output_index: 0, delta: 'files…' } },
  { event: 'response.output_item.added', data: { type: 'response.output_item.added', output_index: 1, item: { type: 'function_call', id: 'fc1', call_id: 'call_9', name: 'shell', arguments: '' } } },
  { event: 'response.function_call_arguments.delta', data: { type: 'response.function_call_arguments.delta', output_index: 1, delta: '{"cmd":' } },
  { event: 'response.function_call_arguments.delta', data: { type: 'response.function_call_arguments.delta', output_index: 1, delta: '"ls"}' } },
  { event: 'response.output_item.done', data: { type: 'response.output_item.done', output_index: 1, item: { type: 'function_call', id: 'fc1', call_id: 'call_9', name: 'shell', arguments: '{"cmd":"ls"}' } } },
  { event: 'response.completed', data: { type: 'response.completed', response: { id: 'r1', model: 'gpt-5-2025-08-07', status: 'completed', usage: USAGE } } },
]);

describe('meter: OpenAI Responses usage', () => {
  it('normalises: cached and reasoning are parts of input and output', () => {
    assert.deepEqual(normaliseResponsesUsage(USAGE), { input: 500, cacheRead: 1500, cacheWrite: 0, output: 400, reasoning: 250 });
  });

  it(`reads response.completed usage, text and the function call for every chunking (${chunkings(STREAM).length} chunkings)`, () => {
    for (const { name, chunks } of chunkings(STREAM)) {
      const o = readStream('openai-responses', chunks);
      assert.deepEqual(o.usageRaw, USAGE, name);
      assert.equal(o.servedModel, 'gpt-5-2025-08-07', name);
      assert.equal(o.text, 'Checking files…', name);
      assert.deepEqual(o.toolCalls, [{ id: 'call_9', name: 'shell', argumentsBytes: 12, arguments: '{"cmd":"ls"}' }], name);
      assert.equal(o.finishReason, 'completed', name);
    }
  });

  it('reads a whole response and the usage of a failed one', () => {
    const o = readBody('openai-responses', {
      model: 'gpt-5', status: 'completed', usage: USAGE,
      output: [{ type: 'message', content: [{ type: 'output_text', text: 'done' }] }, { type: 'function_call', call_id: 'c', name: 'read', arguments: '{}' }],
    });
    assert.equal(o.text, 'done');
    assert.deepEqual(o.toolCalls.map((c) => c.name), ['read']);
    const failed = readStream('openai-responses', [sseBytes([{ data: { type: 'response.failed', response: { status: 'failed', error: { message: 'boom' }, usage: USAGE } } }])]);
    assert.deepEqual(failed.usageRaw, USAGE);
    assert.equal(failed.error, 'boom');
  });
});
