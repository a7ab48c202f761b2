/**
 * What every protocol's response reader gives back, and the shape it is driven through: whole
 * JSON bodies for plain responses, SSE records for streams.
 */
import { CappedText } from '../capped-text';
import type { JsonObject } from '../json';
import { ToolCallCollector } from '../tool-calls';
import type { TokenUsage, ToolCallSeen } from '../types';

export interface ResponseObservation {
  /** The provider's usage JSON (streams: merged as documented per protocol); null when none came. */
  usageRaw: JsonObject | null;
  /** `usageRaw` normalised; null when no usage came. */
  usage: TokenUsage | null;
  /**
   * The usage is the provider's final figure. False when none came, or when only a stream's
   * opening figure came (Anthropic `message_start` before any `message_delta`): then the output
   * count must be estimated.
   */
  usageFinal: boolean;
  servedModel: string | null;
  text: string;
  toolCalls: ToolCallSeen[];
  finishReason: string | null;
  /** A cost the provider reported (OpenRouter `usage.cost`). */
  reportedCostUsd: number | null;
  /** An error the response itself carried (error body, `error` event, malformed JSON). */
  error: string | null;
  /** Every output character seen, for an estimate when usage never came. */
  outputTextForEstimate: string;
}

export interface ResponseReader {
  /** A complete non-streamed body, already parsed (undefined when it was not JSON). */
  body(data: unknown, rawText: string): void;
  /** One parsed SSE record of a stream. */
  event(event: string | undefined, data: unknown): void;
  /** A stream message that was not JSON. */
  malformed(text: string): void;
  result(): ResponseObservation;
}

/** State shared by the three readers. */
export class ObservationBuilder {
  usageRaw: JsonObject | null = null;
  /** Set by readers whose usage can be partial (see `ResponseObservation.usageFinal`). */
  usageFinal: boolean | null = null;
  servedModel: string | null = null;
  readonly text = new CappedText();
  readonly tools = new ToolCallCollector();
  finishReason: string | null = null;
  reportedCostUsd: number | null = null;
  error: string | null = null;
  /** Every output fragment (text, reasoning, tool names and arguments), uncapped, for estimates. */
  private readonly output: string[] = [];

  addText(fragment: string): void {
    this.text.append(fragment);
    this.output.push(fragment);
  }

  /** Reasoning text is not kept, only counted if an estimate is needed. */
  addReasoning(fragment: string): void {
    this.output.push(fragment);
  }

  openTool(key: string, id?: string | null, name?: string | null): void {
    this.tools.open(key, id, name);
    if (name) this.output.push(name);
  }

  addToolArguments(key: string, fragment: string): void {
    this.tools.appendArguments(key, fragment);
    this.output.push(fragment);
  }

  build(normalise: (raw: Readonly<Record<string, unknown>>) => TokenUsage): ResponseObservation {
    return {
      usageRaw: this.usageRaw,
      usage: this.usageRaw ? normalise(this.usageRaw) : null,
      usageFinal: this.usageFinal ?? this.usageRaw !== null,
      servedModel: this.servedModel,
      text: this.text.toString(),
      toolCalls: this.tools.result(),
      finishReason: this.finishReason,
      reportedCostUsd: this.reportedCostUsd,
      error: this.error,
      outputTextForEstimate: this.output.join(''),
    };
  }
}

/** The message of an error body in either OpenAI's or Anthropic's shape. */
export function errorMessage(data: unknown): string | null {
  if (typeof data !== 'object' || data === null) return null;
  const error = (data as { error?: unknown }).error;
  if (typeof error === 'string') return error;
  if (typeof error === 'object' && error !== null) {
    const message = (error as { message?: unknown }).message;
    const type = (error as { type?: unknown; code?: unknown }).type ?? (error as { code?: unknown }).code;
    if (typeof message === 'string') return typeof type === 'string' ? `${type}: ${message}` : message;
  }
  return null;
}
