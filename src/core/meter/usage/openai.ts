/**
 * OpenAI Chat Completions (and OpenRouter, which adds `usage.cost`).
 * Subset rules: `cached_tokens` (and `cache_write_tokens`) are parts of `prompt_tokens`;
 * `reasoning_tokens` is a part of `completion_tokens`.
 * Streams: usage comes in one chunk with `choices: []` near the end (only with
 * `stream_options.include_usage`); tool calls arrive as fragments merged by `index`.
 */
import { asArray, asCount, asObject, asString, type JsonObject } from '../../json';
import type { TokenUsage } from '../../domain';
import { ObservationBuilder, errorMessage, type UsageFields, type ResponseObservation, type ResponseReader } from './meter';

/** The counts this protocol's usage holds (each checked before it is believed). */
const OPENAI_CHAT_USAGE: UsageFields = { counts: ['prompt_tokens', 'completion_tokens', 'prompt_tokens_details.cached_tokens', 'prompt_tokens_details.cache_write_tokens', 'completion_tokens_details.reasoning_tokens'], cost: 'cost' };

export function normaliseOpenAIChatUsage(raw: Readonly<Record<string, unknown>>): TokenUsage {
  const prompt = asCount(raw.prompt_tokens) ?? 0;
  const promptDetails = asObject(raw.prompt_tokens_details);
  const cacheRead = Math.min(prompt, asCount(promptDetails?.cached_tokens) ?? 0);
  const cacheWrite = Math.min(prompt - cacheRead, asCount(promptDetails?.cache_write_tokens) ?? 0);
  const output = asCount(raw.completion_tokens) ?? 0;
  const reasoning = Math.min(output, asCount(asObject(raw.completion_tokens_details)?.reasoning_tokens) ?? 0);
  return { input: prompt - cacheRead - cacheWrite, cacheRead, cacheWrite, output, reasoning };
}

/** OpenRouter's `usage.cost` (credits = US dollars). */
export function reportedCost(raw: JsonObject | null): number | null {
  return raw ? asCount(raw.cost) ?? null : null;
}

export class OpenAIChatReader implements ResponseReader {
  private readonly o = new ObservationBuilder();

  body(data: unknown): void {
    const body = asObject(data);
    if (!body) {
      this.o.error = 'response body is not valid JSON';
      return;
    }
    this.o.error = errorMessage(body);
    this.takeCommon(body);
    const choice = asObject(asArray(body.choices)[0]);
    const message = asObject(choice?.message);
    if (message) {
      const content = asString(message.content);
      if (content) this.o.addText(content);
      const reasoning = asString(message.reasoning_content) ?? asString(message.reasoning);
      if (reasoning) this.o.addReasoning(reasoning);
      asArray(message.tool_calls).forEach((item, i) => {
        const call = asObject(item);
        const fn = asObject(call?.function);
        const key = String(i);
        this.o.openTool(key, asString(call?.id), asString(fn?.name));
        const args = asString(fn?.arguments);
        if (args) this.o.addToolArguments(key, args);
      });
    }
    this.o.finishReason = asString(choice?.finish_reason) ?? null;
  }

  event(_event: string | undefined, data: unknown): void {
    const chunk = asObject(data);
    if (!chunk) return;
    const error = errorMessage(chunk);
    if (error) this.o.error = error;
    this.takeCommon(chunk);
    for (const item of asArray(chunk.choices)) {
      const choice = asObject(item);
      // Only the first choice is metered as text; usage covers all of them anyway.
      if (!choice || (choice.index !== undefined && choice.index !== 0)) continue;
      const delta = asObject(choice.delta);
      const content = asString(delta?.content);
      if (content) this.o.addText(content);
      const reasoning = asString(delta?.reasoning_content) ?? asString(delta?.reasoning);
      if (reasoning) this.o.addReasoning(reasoning);
      for (const part of asArray(delta?.tool_calls)) {
        const call = asObject(part);
        if (!call) continue;
        const key = String(asCount(call.index) ?? 0);
        const fn = asObject(call.function);
        this.o.openTool(key, asString(call.id), asString(fn?.name));
        const args = asString(fn?.arguments);
        if (args) this.o.addToolArguments(key, args);
      }
      const finish = asString(choice.finish_reason);
      if (finish) this.o.finishReason = finish;
    }
  }

  malformed(text: string): void {
    this.o.error = `malformed stream event: ${text.slice(0, 200)}`;
  }

  result(): ResponseObservation {
    return this.o.build(normaliseOpenAIChatUsage, OPENAI_CHAT_USAGE);
  }

  private takeCommon(body: Record<string, unknown>): void {
    const model = asString(body.model);
    if (model) this.o.servedModel = model;
    const usage = asObject(body.usage);
    if (usage) {
      this.o.usageRaw = usage as JsonObject;
      this.o.reportedCostUsd = reportedCost(this.o.usageRaw);
    }
  }
}
