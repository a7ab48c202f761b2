/** The simulator's replies in OpenAI Chat Completions shape, whole and streamed. */
import { fragments, pieces, sse, type SimReply } from './reply';

export function openaiUsage(reply: SimReply): Record<string, unknown> {
  const u = reply.usage;
  return {
    prompt_tokens: u.promptTotal,
    completion_tokens: u.output,
    total_tokens: u.promptTotal + u.output,
    prompt_tokens_details: { cached_tokens: u.cacheRead, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: u.reasoning, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
}

function finishReason(reply: SimReply): string {
  return reply.toolCall ? 'tool_calls' : 'stop';
}

export function openaiBody(reply: SimReply): Record<string, unknown> {
  return {
    id: reply.id,
    object: 'chat.completion',
    created: reply.created,
    model: reply.model,
    choices: [{
      index: 0,
      message: {
        role: 'assistant',
        content: reply.text || null,
        refusal: null,
        ...(reply.toolCall ? { tool_calls: [{ id: reply.toolCall.id, type: 'function', function: { name: reply.toolCall.name, arguments: reply.toolCall.argumentsJson } }] } : {}),
      },
      logprobs: null,
      finish_reason: finishReason(reply),
    }],
    usage: openaiUsage(reply),
    system_fingerprint: 'kilobench-sim',
  };
}

/** SSE events, `data: [DONE]` last; the usage chunk only when the client asked for it. */
export function openaiStream(reply: SimReply, includeUsage: boolean): string[] {
  const base = { id: reply.id, object: 'chat.completion.chunk', created: reply.created, model: reply.model, system_fingerprint: 'kilobench-sim' };
  const usageNull = includeUsage ? { usage: null } : {};
  const chunk = (delta: Record<string, unknown>, finish: string | null = null): string =>
    sse({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], ...usageNull });
  const events = [chunk({ role: 'assistant', content: '', refusal: null })];
  for (const piece of pieces(reply.text)) events.push(chunk({ content: piece }));
  if (reply.toolCall) {
    const { id, name, argumentsJson } = reply.toolCall;
    events.push(chunk({ tool_calls: [{ index: 0, id, type: 'function', function: { name, arguments: '' } }] }));
    for (const fragment of fragments(argumentsJson)) events.push(chunk({ tool_calls: [{ index: 0, function: { arguments: fragment } }] }));
  }
  events.push(chunk({}, finishReason(reply)));
  if (includeUsage) events.push(sse({ ...base, choices: [], usage: openaiUsage(reply) }));
  events.push('data: [DONE]\n\n');
  return events;
}

export function openaiError(message: string, type: string, code: string | null = null): string {
  return JSON.stringify({ error: { message, type, param: null, code } });
}
