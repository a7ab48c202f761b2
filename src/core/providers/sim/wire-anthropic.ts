/** The simulator's replies in Anthropic Messages shape, whole and streamed. */
import { fragments, pieces, sse, type SimReply } from './reply';

export function anthropicUsage(reply: SimReply): Record<string, unknown> {
  const u = reply.usage;
  return {
    input_tokens: u.promptTotal - u.cacheRead - u.cacheWrite,
    cache_creation_input_tokens: u.cacheWrite,
    cache_read_input_tokens: u.cacheRead,
    cache_creation: { ephemeral_5m_input_tokens: u.cacheWrite, ephemeral_1h_input_tokens: 0 },
    output_tokens: u.output,
    service_tier: 'standard',
  };
}

function stopReason(reply: SimReply): string {
  return reply.toolCall ? 'tool_use' : 'end_turn';
}

function content(reply: SimReply): Record<string, unknown>[] {
  const blocks: Record<string, unknown>[] = [];
  if (reply.thinking !== null) blocks.push({ type: 'thinking', thinking: reply.thinking, signature: 'kilobench-sim' });
  if (reply.text) blocks.push({ type: 'text', text: reply.text });
  if (reply.toolCall) blocks.push({ type: 'tool_use', id: reply.toolCall.id, name: reply.toolCall.name, input: JSON.parse(reply.toolCall.argumentsJson) as unknown });
  return blocks;
}

export function anthropicBody(reply: SimReply): Record<string, unknown> {
  return {
    id: reply.id,
    type: 'message',
    role: 'assistant',
    model: reply.model,
    content: content(reply),
    stop_reason: stopReason(reply),
    stop_sequence: null,
    usage: anthropicUsage(reply),
  };
}

/**
 * `message_start` (input and cache counts, output 1) → blocks → `message_delta` with the final,
 * cumulative usage → `message_stop`.
 */
export function anthropicStream(reply: SimReply): string[] {
  const usage = anthropicUsage(reply);
  const events = [
    sse({ type: 'message_start', message: { id: reply.id, type: 'message', role: 'assistant', model: reply.model, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 1 } } }, 'message_start'),
    sse({ type: 'ping' }, 'ping'),
  ];
  let index = 0;
  if (reply.thinking !== null) {
    events.push(sse({ type: 'content_block_start', index, content_block: { type: 'thinking', thinking: '', signature: '' } }, 'content_block_start'));
    for (const piece of pieces(reply.thinking, 8)) events.push(sse({ type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking: piece } }, 'content_block_delta'));
    events.push(sse({ type: 'content_block_delta', index, delta: { type: 'signature_delta', signature: 'kilobench-sim' } }, 'content_block_delta'));
    events.push(sse({ type: 'content_block_stop', index }, 'content_block_stop'));
    index++;
  }
  if (reply.text) {
    events.push(sse({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } }, 'content_block_start'));
    for (const piece of pieces(reply.text)) events.push(sse({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: piece } }, 'content_block_delta'));
    events.push(sse({ type: 'content_block_stop', index }, 'content_block_stop'));
    index++;
  }
  if (reply.toolCall) {
    const { id, name, argumentsJson } = reply.toolCall;
    events.push(sse({ type: 'content_block_start', index, content_block: { type: 'tool_use', id, name, input: {} } }, 'content_block_start'));
    for (const fragment of fragments(argumentsJson)) events.push(sse({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: fragment } }, 'content_block_delta'));
    events.push(sse({ type: 'content_block_stop', index }, 'content_block_stop'));
  }
  events.push(sse({ type: 'message_delta', delta: { stop_reason: stopReason(reply), stop_sequence: null }, usage: { output_tokens: reply.usage.output } }, 'message_delta'));
  events.push(sse({ type: 'message_stop' }, 'message_stop'));
  return events;
}

export function anthropicError(message: string, type: string): string {
  return JSON.stringify({ type: 'error', error: { type, message } });
}
