/**
 * OpenAI Responses API. Subset rules as Chat Completions: `input_tokens_details.cached_tokens` is
 * a part of `input_tokens`; `output_tokens_details.reasoning_tokens` a part of `output_tokens`.
 * Streams: usage is `response.usage` of `response.completed` (or `.incomplete` / `.failed`).
 */
import { asArray, asCount, asObject, asString, type JsonObject } from '../../json';
import type { TokenUsage } from '../../domain';
import { ObservationBuilder, errorMessage, type UsageFields, type ResponseObservation, type ResponseReader } from './meter';

/** The counts this protocol's usage holds (each checked before it is believed). */
const RESPONSES_USAGE: UsageFields = { counts: ['input_tokens', 'output_tokens', 'input_tokens_details.cached_tokens', 'output_tokens_details.reasoning_tokens'] };

export function normaliseResponsesUsage(raw: Readonly<Record<string, unknown>>): TokenUsage {
  const total = asCount(raw.input_tokens) ?? 0;
  const cacheRead = Math.min(total, asCount(asObject(raw.input_tokens_details)?.cached_tokens) ?? 0);
  const output = asCount(raw.output_tokens) ?? 0;
  const reasoning = Math.min(output, asCount(asObject(raw.output_tokens_details)?.reasoning_tokens) ?? 0);
  return { input: total - cacheRead, cacheRead, cacheWrite: 0, output, reasoning };
}

export class ResponsesReader implements ResponseReader {
  private readonly o = new ObservationBuilder();

  body(data: unknown): void {
    const body = asObject(data);
    if (!body) {
      this.o.error = 'response body is not valid JSON';
      return;
    }
    this.o.error = errorMessage(body);
    this.takeResponse(body);
    asArray(body.output).forEach((item, i) => this.takeOutputItem(String(i), asObject(item)));
  }

  event(_event: string | undefined, data: unknown): void {
    const e = asObject(data);
    if (!e) return;
    const type = asString(e.type) ?? _event;
    const key = String(asCount(e.output_index) ?? 0);
    switch (type) {
      case 'response.created':
      case 'response.in_progress':
      case 'response.completed':
      case 'response.incomplete':
      case 'response.failed':
        this.takeResponse(asObject(e.response));
        break;
      case 'response.output_item.added': {
        const item = asObject(e.item);
        if (asString(item?.type) === 'function_call') this.o.openTool(key, asString(item?.call_id), asString(item?.name));
        break;
      }
      case 'response.output_item.done': {
        const item = asObject(e.item);
        if (asString(item?.type) === 'function_call') {
          this.o.openTool(key, asString(item?.call_id), asString(item?.name));
          const args = asString(item?.arguments);
          if (args !== undefined) this.o.tools.setArguments(key, args);
        }
        break;
      }
      case 'response.output_text.delta':
        this.o.addText(asString(e.delta) ?? '');
        break;
      case 'response.function_call_arguments.delta':
        this.o.addToolArguments(key, asString(e.delta) ?? '');
        break;
      case 'response.reasoning_summary_text.delta':
      case 'response.reasoning_text.delta':
        this.o.addReasoning(asString(e.delta) ?? '');
        break;
      case 'error':
        this.o.error = asString(e.message) ?? errorMessage(e) ?? 'error event';
        break;
    }
  }

  malformed(text: string): void {
    this.o.error = `malformed stream event: ${text.slice(0, 200)}`;
  }

  result(): ResponseObservation {
    return this.o.build(normaliseResponsesUsage, RESPONSES_USAGE);
  }

  private takeResponse(response: Record<string, unknown> | undefined): void {
    if (!response) return;
    const model = asString(response.model);
    if (model) this.o.servedModel = model;
    const usage = asObject(response.usage);
    if (usage) this.o.usageRaw = usage as JsonObject;
    const error = asObject(response.error);
    if (error) this.o.error = asString(error.message) ?? 'response failed';
    const status = asString(response.status);
    if (status && status !== 'in_progress' && status !== 'queued') this.o.finishReason = status;
  }

  private takeOutputItem(key: string, item: Record<string, unknown> | undefined): void {
    const type = asString(item?.type);
    if (type === 'message') {
      for (const part of asArray(item?.content)) this.o.addText(asString(asObject(part)?.text) ?? '');
    } else if (type === 'function_call') {
      this.o.openTool(key, asString(item?.call_id), asString(item?.name));
      this.o.addToolArguments(key, asString(item?.arguments) ?? '');
    } else if (type === 'reasoning') {
      for (const part of asArray(item?.summary)) this.o.addReasoning(asString(asObject(part)?.text) ?? '');
    }
  }
}
