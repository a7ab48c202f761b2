/**
 * Token estimates for calls whose usage never came (a stream cut before its usage chunk, a body
 * that was not JSON). Counted with a real tokenizer (gpt-tokenizer, o200k_base) over the text of
 * the request (system, messages, tool definitions) and over the output seen. Always flagged
 * `estimated`; never a silent zero.
 */
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { asArray, asObject } from './json';
import type { TokenUsage } from './types';

/** The text a model would read from a chat, responses or messages request body. */
export function requestText(body: unknown): string {
  const request = asObject(body);
  if (!request) return '';
  const parts: string[] = [];
  const add = (value: unknown): void => {
    if (typeof value === 'string') parts.push(value);
    else if (Array.isArray(value)) value.forEach(add);
    else if (asObject(value)) {
      const o = asObject(value) as Record<string, unknown>;
      // Content parts, tool calls and tool results: take their text-bearing fields.
      for (const key of ['text', 'content', 'input', 'output', 'arguments', 'name', 'thinking']) {
        const field = o[key];
        if (key === 'input' && asObject(field)) parts.push(JSON.stringify(field));
        else add(field);
      }
      if (o.function) add(o.function);
      if (o.tool_calls) add(o.tool_calls);
    }
  };
  add(request.system);
  add(request.instructions);
  for (const message of asArray(request.messages)) add(message);
  add(request.input);
  if (Array.isArray(request.tools) && request.tools.length > 0) parts.push(JSON.stringify(request.tools));
  return parts.join('\n');
}

export function countTextTokens(text: string): number {
  return text ? countTokens(text) : 0;
}

/**
 * Usage for a call without a final figure. `partial` (e.g. Anthropic's `message_start` counts) is
 * kept where it is real: its input and cache counts stand, and output is the larger of its figure
 * and the count over the output seen.
 */
export function estimateUsage(requestBody: unknown, outputText: string, partial: TokenUsage | null): TokenUsage {
  const output = Math.max(partial?.output ?? 0, countTextTokens(outputText));
  if (partial && partial.input + partial.cacheRead + partial.cacheWrite > 0) {
    return { ...partial, output, reasoning: Math.min(partial.reasoning, output) };
  }
  // At least one token each way: a request that reached the model was read and answered in part.
  return { input: Math.max(1, countTextTokens(requestText(requestBody))), cacheRead: 0, cacheWrite: 0, output, reasoning: 0 };
}
