/**
 * Honest token counts for the simulator: the request is rendered to text (tool definitions,
 * system, messages, in that order, so a conversation's new turns extend the previous prefix) and
 * counted with gpt-tokenizer (o200k_base). Prompt caching is the prefix shared with the previous
 * request of the same conversation.
 */
import { createHash } from 'node:crypto';
import { countTokens, encode } from 'gpt-tokenizer/encoding/o200k_base';
import { asArray, asObject, asString } from '../../json';
import type { SimWire } from './request';

export interface PromptSegment {
  text: string;
  /** Anthropic: a `cache_control` breakpoint ends this segment. */
  cacheBreak: boolean;
}

function contentText(content: unknown): { text: string; cacheBreak: boolean } {
  if (typeof content === 'string') return { text: content, cacheBreak: false };
  let cacheBreak = false;
  const parts = asArray(content).map((item) => {
    const part = asObject(item);
    if (!part) return '';
    if (part.cache_control) cacheBreak = true;
    const type = asString(part.type);
    if (type === 'text' || type === 'input_text' || type === 'output_text') return asString(part.text) ?? '';
    if (type === 'tool_use') return `tool_use ${asString(part.name) ?? ''} ${JSON.stringify(part.input ?? {})}`;
    if (type === 'tool_result') return `tool_result ${contentText(part.content).text}`;
    if (type === 'thinking') return asString(part.thinking) ?? '';
    return JSON.stringify(part);
  });
  return { text: parts.join('\n'), cacheBreak };
}

/** A Responses request's instructions and input items (messages, function calls and their outputs). */
function responsesSegments(body: Record<string, unknown>): PromptSegment[] {
  const segments: PromptSegment[] = [];
  if (typeof body.instructions === 'string') segments.push({ text: `system: ${body.instructions}`, cacheBreak: false });
  const items = typeof body.input === 'string' ? [{ role: 'user', content: body.input }] : asArray(body.input);
  for (const entry of items) {
    const item = asObject(entry) ?? {};
    const type = asString(item.type) ?? 'message';
    let text: string;
    if (type === 'message') text = `${asString(item.role) ?? 'user'}: ${contentText(item.content).text}`;
    else if (type === 'function_call') text = `tool_call ${asString(item.name) ?? ''} ${asString(item.arguments) ?? ''}`;
    else if (type === 'function_call_output') text = `tool: ${typeof item.output === 'string' ? item.output : contentText(item.output).text}`;
    else text = JSON.stringify(item);
    segments.push({ text, cacheBreak: false });
  }
  return segments;
}

/** The request as the model reads it, in segments. */
export function promptSegments(wire: SimWire, body: Record<string, unknown>): PromptSegment[] {
  const segments: PromptSegment[] = [];
  const tools = asArray(body.tools);
  if (tools.length > 0) {
    segments.push({ text: `tools: ${JSON.stringify(tools)}`, cacheBreak: tools.some((t) => !!asObject(t)?.cache_control) });
  }
  if (wire === 'anthropic' && body.system !== undefined) {
    const system = contentText(body.system);
    segments.push({ text: `system: ${system.text}`, cacheBreak: system.cacheBreak });
  }
  if (wire === 'responses') return [...segments, ...responsesSegments(body)];
  for (const item of asArray(body.messages)) {
    const message = asObject(item) ?? {};
    const content = contentText(message.content);
    const calls = asArray(message.tool_calls).map((c) => {
      const fn = asObject(asObject(c)?.function);
      return `tool_call ${asString(fn?.name) ?? ''} ${asString(fn?.arguments) ?? ''}`;
    });
    const text = [`${asString(message.role) ?? 'user'}: ${content.text}`, ...calls].join('\n');
    segments.push({ text, cacheBreak: content.cacheBreak || !!message.cache_control });
  }
  return segments;
}

export interface PromptCount {
  total: number;
  /** Tokens of the shared prefix with the conversation's previous request. */
  cached: number;
  /** Tokens up to the end of the last cache breakpoint (Anthropic). */
  cacheable: number;
  tokens: number[];
}

/** Conversations are told apart by wire, model and their first two segments (tools/system and first message). */
export function conversationKey(wire: SimWire, model: string, segments: PromptSegment[]): string {
  const hash = createHash('sha256');
  hash.update(`${wire}\n${model}\n`);
  for (const segment of segments.slice(0, 2)) hash.update(segment.text);
  return hash.digest('base64url');
}

export function countPrompt(segments: PromptSegment[], previous: readonly number[] | undefined): PromptCount {
  const tokens: number[] = [];
  let cacheable = 0;
  for (const segment of segments) {
    for (const token of encode(segment.text)) tokens.push(token);
    if (segment.cacheBreak) cacheable = tokens.length;
  }
  let cached = 0;
  if (previous) {
    const limit = Math.min(previous.length, tokens.length);
    while (cached < limit && previous[cached] === tokens[cached]) cached++;
  }
  return { total: tokens.length, cached, cacheable, tokens };
}

export function countOutput(text: string): number {
  return text ? countTokens(text) : 0;
}

/**
 * Remembers each conversation's last prompt (bounded, oldest dropped first) to model prompt caching.
 */
export class PromptCache {
  private readonly prompts = new Map<string, number[]>();
  constructor(private readonly capacity = 256) {}

  previous(key: string): number[] | undefined {
    return this.prompts.get(key);
  }

  remember(key: string, tokens: number[]): void {
    this.prompts.delete(key);
    this.prompts.set(key, tokens);
    if (this.prompts.size > this.capacity) {
      const oldest = this.prompts.keys().next().value;
      if (oldest !== undefined) this.prompts.delete(oldest);
    }
  }
}
