/**
 * The simulator's replies in OpenAI Responses shape, whole and streamed: a `message` output item
 * with the text, a `function_call` item for a tool call, and usage (input tokens with the cached
 * part, output tokens with the hidden reasoning part) on the response, which a stream sends last
 * in `response.completed`.
 */
import { fragments, pieces, sse, type SimReply } from './reply';

export function responsesUsage(reply: SimReply): Record<string, unknown> {
  const u = reply.usage;
  return {
    input_tokens: u.promptTotal,
    input_tokens_details: { cached_tokens: u.cacheRead },
    output_tokens: u.output,
    output_tokens_details: { reasoning_tokens: u.reasoning },
    total_tokens: u.promptTotal + u.output,
  };
}

function messageItem(reply: SimReply): Record<string, unknown> {
  return {
    type: 'message', id: `msg_${reply.id.slice(5)}`, status: 'completed', role: 'assistant',
    content: [{ type: 'output_text', text: reply.text, annotations: [] }],
  };
}

function callItem(reply: SimReply): Record<string, unknown> | null {
  if (!reply.toolCall) return null;
  const { id, name, argumentsJson } = reply.toolCall;
  return { type: 'function_call', id: `fc_${id.slice(5)}`, call_id: id, name, arguments: argumentsJson, status: 'completed' };
}

function outputItems(reply: SimReply): Record<string, unknown>[] {
  const call = callItem(reply);
  return [...(reply.text || !call ? [messageItem(reply)] : []), ...(call ? [call] : [])];
}

function response(reply: SimReply, status: 'in_progress' | 'completed'): Record<string, unknown> {
  const done = status === 'completed';
  return {
    id: reply.id, object: 'response', created_at: reply.created, status, model: reply.model,
    output: done ? outputItems(reply) : [], parallel_tool_calls: false, tool_choice: 'auto', tools: [],
    error: null, incomplete_details: null, usage: done ? responsesUsage(reply) : null,
  };
}

export function responsesBody(reply: SimReply): Record<string, unknown> {
  return response(reply, 'completed');
}

/** SSE events as the Responses API sends them: `event: <type>` and the same `type` in the data. */
export function responsesStream(reply: SimReply): string[] {
  let sequence = 0;
  const event = (type: string, data: Record<string, unknown>): string => sse({ type, sequence_number: sequence++, ...data }, type);
  const events = [event('response.created', { response: response(reply, 'in_progress') }), event('response.in_progress', { response: response(reply, 'in_progress') })];
  outputItems(reply).forEach((item, index) => {
    const itemId = item.id as string;
    if (item.type === 'message') {
      const part = { type: 'output_text', text: '', annotations: [] };
      events.push(event('response.output_item.added', { output_index: index, item: { ...item, status: 'in_progress', content: [] } }));
      events.push(event('response.content_part.added', { item_id: itemId, output_index: index, content_index: 0, part }));
      for (const delta of pieces(reply.text)) events.push(event('response.output_text.delta', { item_id: itemId, output_index: index, content_index: 0, delta }));
      events.push(event('response.output_text.done', { item_id: itemId, output_index: index, content_index: 0, text: reply.text }));
      events.push(event('response.content_part.done', { item_id: itemId, output_index: index, content_index: 0, part: { ...part, text: reply.text } }));
    } else {
      const args = item.arguments as string;
      events.push(event('response.output_item.added', { output_index: index, item: { ...item, arguments: '', status: 'in_progress' } }));
      for (const delta of fragments(args)) events.push(event('response.function_call_arguments.delta', { item_id: itemId, output_index: index, delta }));
      events.push(event('response.function_call_arguments.done', { item_id: itemId, output_index: index, arguments: args }));
    }
    events.push(event('response.output_item.done', { output_index: index, item }));
  });
  events.push(event('response.completed', { response: response(reply, 'completed') }));
  return events;
}
