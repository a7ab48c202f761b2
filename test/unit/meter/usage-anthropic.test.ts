import assert from 'node:assert/strict';
import { mergeCumulativeUsage, normaliseAnthropicUsage } from '../../../src/core/meter/usage/anthropic';
import { chunkings } from './chunking';
import { readBody, readStream, sseBytes } from './read-stream';

const START_USAGE = { input_tokens: 12, cache_creation_input_tokens: 800, cache_read_input_tokens: 5000, output_tokens: 1 };

const STREAM = sseBytes([
  { event: 'message_start', data: { type: 'message_start', message: { id: 'msg_1', model: 'claude-sonnet-4-5-20250929', content: [], usage: START_USAGE } } },
  { event: 'ping', data: { type: 'ping' } },
  { event: 'content_block_start', data: { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '' } } },
  { event: 'content_block_delta', data: { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'hmm, think' } } },
  { event: 'content_block_stop', data: { type: 'content_block_stop', index: 0 } },
  { event: 'content_block_start', data: { type: 'content_block_start', index: 1, content_block: { type: 'text', text: '' } } },
  { event: 'content_block_delta', data: { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'Running ls – ok' } } },
  { event: 'content_block_stop', data: { type: 'content_block_stop', index: 1 } },
  { event: 'content_block_start', data: { type: 'content_block_start', index: 2, content_block: { type: 'tool_use', id: 'toolu_1', name: 'Bash', input: {} } } },
  { event: 'content_block_delta', data: { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '{"comm' } } },
  { event: 'content_block_delta', data: { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: 'and":"ls"}' } } },
  { event: 'content_block_stop', data: { type: 'content_block_stop', index: 2 } },
  // Cumulative: the second message_delta carries the total so far, not an increment.
  { event: 'message_delta', data: { type: 'message_delta', delta: { stop_reason: null }, usage: { output_tokens: 40 } } },
  { event: 'message_delta', data: { type: 'message_delta', delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 95 } } },
  { event: 'message_stop', data: { type: 'message_stop' } },
]);

describe('meter: Anthropic Messages usage', () => {
  it('normalises: input is already uncached; cache reads and writes are their own fields', () => {
    assert.deepEqual(normaliseAnthropicUsage({ ...START_USAGE, output_tokens: 95 }), { input: 12, cacheRead: 5000, cacheWrite: 800, output: 95, reasoning: 0 });
    // Cache writes only given split by TTL; thinking tokens broken out (a part of output).
    assert.deepEqual(
      normaliseAnthropicUsage({ input_tokens: 3, cache_creation: { ephemeral_5m_input_tokens: 100, ephemeral_1h_input_tokens: 50 }, output_tokens: 70, output_tokens_details: { thinking_tokens: 30 } }),
      { input: 3, cacheRead: 0, cacheWrite: 150, output: 70, reasoning: 30 },
    );
  });

  it(`takes the latest cumulative message_delta usage, never a sum, for every chunking (${chunkings(STREAM).length} chunkings)`, () => {
    for (const { name, chunks } of chunkings(STREAM)) {
      const o = readStream('anthropic-messages', chunks);
      assert.deepEqual(o.usageRaw, { ...START_USAGE, output_tokens: 95 }, name);
      assert.deepEqual(o.usage, { input: 12, cacheRead: 5000, cacheWrite: 800, output: 95, reasoning: 0 }, name);
      assert.equal(o.usageFinal, true, name);
      assert.equal(o.servedModel, 'claude-sonnet-4-5-20250929', name);
      assert.equal(o.text, 'Running ls – ok', name);
      assert.deepEqual(o.toolCalls, [{ id: 'toolu_1', name: 'Bash', argumentsBytes: 16, arguments: '{"command":"ls"}' }], name);
      assert.equal(o.finishReason, 'tool_use', name);
      assert.match(o.outputTextForEstimate, /hmm, think/, name);
    }
  });

  it('prefers the real input count a gateway sends only in message_delta over the 0 of message_start', () => {
    const o = readStream('anthropic-messages', [sseBytes([
      { event: 'message_start', data: { type: 'message_start', message: { model: 'm', usage: { input_tokens: 0, output_tokens: 1 } } } },
      { event: 'message_delta', data: { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { input_tokens: 1500, output_tokens: 20 } } },
    ])]);
    assert.equal(o.usage?.input, 1500);
    assert.equal(o.usage?.output, 20);
  });

  it('keeps message_start\'s counts when a message_delta repeats them as 0 or null', () => {
    assert.deepEqual(mergeCumulativeUsage({ input_tokens: 900, cache_read_input_tokens: 10, output_tokens: 1 }, { input_tokens: 0, cache_read_input_tokens: null, output_tokens: 33 }),
      { input_tokens: 900, cache_read_input_tokens: 10, output_tokens: 33 });
  });

  it('a stream cut after message_start has real input counts but no final output (usageFinal false)', () => {
    const o = readStream('anthropic-messages', [STREAM.subarray(0, STREAM.indexOf('content_block_stop'))]);
    assert.equal(o.usageFinal, false);
    assert.equal(o.usage?.cacheRead, 5000);
  });

  it('reads a whole response with a tool_use block and an error body', () => {
    const o = readBody('anthropic-messages', {
      model: 'claude-haiku-4-5', stop_reason: 'tool_use', usage: { input_tokens: 5, output_tokens: 9 },
      content: [{ type: 'text', text: 'ok' }, { type: 'tool_use', id: 't1', name: 'Write', input: { file_path: '/a', content: 'é' } }],
    });
    assert.deepEqual(o.toolCalls, [{ id: 't1', name: 'Write', argumentsBytes: Buffer.byteLength('{"file_path":"/a","content":"é"}'), arguments: '{"file_path":"/a","content":"é"}' }]);
    assert.equal(o.finishReason, 'tool_use');
    assert.match(readBody('anthropic-messages', { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }).error ?? '', /overloaded_error: Overloaded/);
  });
});
