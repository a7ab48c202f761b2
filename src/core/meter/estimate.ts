/**
 * Token estimates for calls whose usage never came (a stream cut before its usage chunk, a body
 * that was not JSON). Counted with a real tokenizer (gpt-tokenizer, o200k_base) over the text of
 * the request (system, messages, tool definitions) and over the output seen. Always flagged
 * `estimated`; never a silent zero.
 */
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { asArray, asObject } from '../json';
import type { TokenUsage } from '../domain';
import { MAX_PLAUSIBLE_TOKENS } from './usage/meter';

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

/**
 * The tokenizer's cost grows with the square of a run without spaces (a base64 image, a runaway
 * 'yyyy…'): a megabyte of it would block the proxy for minutes. So text is counted in pieces of at
 * most `PIECE_CHARS` (cut at a space where there is one), and only its first `SAMPLE_CHARS`, scaled.
 */
const PIECE_CHARS = 1000;
const SAMPLE_CHARS = 64 * 1024;

export function countTextTokens(text: string): number {
  if (!text) return 0;
  const sample = text.length > SAMPLE_CHARS ? text.slice(0, SAMPLE_CHARS) : text;
  let tokens = 0;
  for (let start = 0; start < sample.length;) {
    let end = Math.min(sample.length, start + PIECE_CHARS);
    if (end < sample.length) {
      const space = sample.lastIndexOf(' ', end);
      if (space > start) end = space;
    }
    tokens += countTokens(sample.slice(start, end));
    start = end;
  }
  return sample === text ? tokens : Math.ceil((tokens * text.length) / sample.length);
}

/**
 * Tokens of an output of which only the first part was kept (a runaway stream): counted over the
 * part, then scaled by bytes to the whole.
 */
function countOutputTokens(sample: string, totalBytes: number | undefined): number {
  const tokens = countTextTokens(sample);
  const sampleBytes = Buffer.byteLength(sample, 'utf8');
  if (totalBytes === undefined || sampleBytes === 0 || totalBytes <= sampleBytes) return tokens;
  return Math.ceil(tokens * (totalBytes / sampleBytes));
}

/**
 * Usage for a call without a final figure. `partial` (e.g. Anthropic's `message_start` counts) is
 * kept where it is real: its input and cache counts stand, and output is the larger of its figure
 * and the count over the output seen.
 */
export function estimateUsage(requestBody: unknown, outputText: string, partial: TokenUsage | null, outputBytes?: number): TokenUsage {
  // Even a stream that ran for hours is never estimated past what one call can plausibly be.
  const output = Math.min(MAX_PLAUSIBLE_TOKENS, Math.max(partial?.output ?? 0, countOutputTokens(outputText, outputBytes)));
  if (partial && partial.input + partial.cacheRead + partial.cacheWrite > 0) {
    return { ...partial, output, reasoning: Math.min(partial.reasoning, output) };
  }
  // At least one token each way: a request that reached the model was read and answered in part.
  return { input: Math.min(MAX_PLAUSIBLE_TOKENS, Math.max(1, countTextTokens(requestText(requestBody)))), cacheRead: 0, cacheWrite: 0, output, reasoning: 0 };
}
