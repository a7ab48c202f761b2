/**
 * Anthropic Messages. `input_tokens` is already the uncached input; cache reads and writes are
 * separate fields (total input = input + cache creation + cache read). Thinking tokens are inside
 * `output_tokens` (`output_tokens_details.thinking_tokens`, when sent, is taken as the reasoning part).
 * Streams: `message_start` carries input and cache counts; `message_delta.usage` is cumulative, so
 * the latest value of each field wins (never a sum), and a gateway's real input count sent only
 * in `message_delta` replaces the `0` of `message_start`.
 */
import { asArray, asCount, asObject, asString, type JsonObject } from '../../json';
import type { TokenUsage } from '../../domain';
import { ObservationBuilder, errorMessage, type UsageFields, type ResponseObservation, type ResponseReader } from './meter';

/** The counts this protocol's usage holds (each checked before it is believed). */
const ANTHROPIC_USAGE: UsageFields = { counts: ['input_tokens', 'output_tokens', 'cache_read_input_tokens', 'cache_creation_input_tokens', 'cache_creation.ephemeral_5m_input_tokens', 'cache_creation.ephemeral_1h_input_tokens', 'output_tokens_details.thinking_tokens'] };

export function normaliseAnthropicUsage(raw: Readonly<Record<string, unknown>>): TokenUsage {
  const creation = asObject(raw.cache_creation);
  const splitWrites = (asCount(creation?.ephemeral_5m_input_tokens) ?? 0) + (asCount(creation?.ephemeral_1h_input_tokens) ?? 0);
  const output = asCount(raw.output_tokens) ?? 0;
  return {
    input: asCount(raw.input_tokens) ?? 0,
    cacheRead: asCount(raw.cache_read_input_tokens) ?? 0,
    cacheWrite: asCount(raw.cache_creation_input_tokens) ?? splitWrites,
    output,
    reasoning: Math.min(output, asCount(asObject(raw.output_tokens_details)?.thinking_tokens) ?? 0),
  };
}

/**
 * Lays a later (cumulative) usage object over an earlier one: each field present in `later`
 * replaces the earlier value, except that a zero never replaces a non-zero count.
 */
export function mergeCumulativeUsage(earlier: JsonObject | null, later: JsonObject): JsonObject {
  const merged: JsonObject = { ...(earlier ?? {}) };
  for (const [key, value] of Object.entries(later)) {
    if (value === null || value === undefined) continue;
    const before = merged[key];
    if (value === 0 && typeof before === 'number' && before > 0) continue;
    merged[key] = value;
  }
  return merged;
}

export class AnthropicReader implements ResponseReader {
  private readonly o = new ObservationBuilder();

  body(data: unknown): void {
    const body = asObject(data);
    if (!body) {
      this.o.error = 'response body is not valid JSON';
      return;
    }
    if (asString(body.type) === 'error') this.o.error = errorMessage(body);
    const model = asString(body.model);
    if (model) this.o.servedModel = model;
    const usage = asObject(body.usage);
    if (usage) this.o.usageRaw = usage as JsonObject;
    asArray(body.content).forEach((item, i) => {
      const block = asObject(item);
      const type = asString(block?.type);
      if (type === 'text') this.o.addText(asString(block?.text) ?? '');
      else if (type === 'thinking') this.o.addReasoning(asString(block?.thinking) ?? '');
      else if (type === 'tool_use' || type === 'server_tool_use') {
        const key = String(i);
        this.o.openTool(key, asString(block?.id), asString(block?.name));
        this.o.addToolArguments(key, JSON.stringify(block?.input ?? {}));
      }
    });
    this.o.finishReason = asString(body.stop_reason) ?? null;
  }

  event(event: string | undefined, data: unknown): void {
    const e = asObject(data);
    if (!e) return;
    const type = asString(e.type) ?? event;
    const key = String(asCount(e.index) ?? 0);
    switch (type) {
      case 'message_start': {
        const message = asObject(e.message);
        const model = asString(message?.model);
        if (model) this.o.servedModel = model;
        const usage = asObject(message?.usage);
        if (usage) {
          this.o.usageRaw = mergeCumulativeUsage(this.o.usageRaw, usage as JsonObject);
          this.o.usageFinal = false;
        }
        break;
      }
      case 'content_block_start': {
        const block = asObject(e.content_block);
        const blockType = asString(block?.type);
        if (blockType === 'tool_use' || blockType === 'server_tool_use') {
          this.o.openTool(key, asString(block?.id), asString(block?.name));
          const input = asObject(block?.input);
          // Normally `{}` with the arguments following as deltas; a gateway may send them whole.
          if (input && Object.keys(input).length > 0) this.o.addToolArguments(key, JSON.stringify(input));
        } else if (blockType === 'text') {
          this.o.addText(asString(block?.text) ?? '');
        }
        break;
      }
      case 'content_block_delta': {
        const delta = asObject(e.delta);
        const deltaType = asString(delta?.type);
        if (deltaType === 'text_delta') this.o.addText(asString(delta?.text) ?? '');
        else if (deltaType === 'input_json_delta') this.o.addToolArguments(key, asString(delta?.partial_json) ?? '');
        else if (deltaType === 'thinking_delta') this.o.addReasoning(asString(delta?.thinking) ?? '');
        break;
      }
      case 'message_delta': {
        const stop = asString(asObject(e.delta)?.stop_reason);
        if (stop) this.o.finishReason = stop;
        const usage = asObject(e.usage);
        if (usage) {
          this.o.usageRaw = mergeCumulativeUsage(this.o.usageRaw, usage as JsonObject);
          this.o.usageFinal = true;
        }
        break;
      }
      case 'error':
        this.o.error = errorMessage(e) ?? 'error event';
        break;
    }
  }

  malformed(text: string): void {
    this.o.error = `malformed stream event: ${text.slice(0, 200)}`;
  }

  result(): ResponseObservation {
    return this.o.build(normaliseAnthropicUsage, ANTHROPIC_USAGE);
  }
}
