/**
 * What every protocol's response reader gives back, and the shape it is driven through: whole
 * JSON bodies for plain responses, SSE records for streams.
 */
import { CappedText } from '../capped-text';
import type { JsonObject } from '../../json';
import { ToolCallCollector } from '../tool-calls';
import type { ToolCallSeen } from '../types';
import type { TokenUsage } from '../../domain';

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
  /** Output seen, for an estimate when usage never came: the first `ESTIMATE_SAMPLE_BYTES` of it. */
  outputTextForEstimate: string;
  /** Bytes of output seen in all (the sample above may be a part of it). */
  outputBytes: number;
  /**
   * Why the provider's usage was refused (a count that is negative, fractional, not a number, or
   * absurd; no count at all): then `usage` is null and the call is estimated and flagged, so a wrong
   * figure never reaches the spend. `usageRaw` keeps what was sent, for the record.
   */
  usageProblem: string | null;
}

/** Output kept for estimates; beyond it only bytes are counted, so an endless stream stays bounded. */
export const ESTIMATE_SAMPLE_BYTES = 256 * 1024;
/** No single call reads or writes this many tokens (the largest context windows are ~10M). */
export const MAX_PLAUSIBLE_TOKENS = 100_000_000;
/** No single call costs this much; a larger reported cost is a provider bug, not a bill. */
export const MAX_PLAUSIBLE_CALL_USD = 1000;

/** Where each protocol keeps its counts: dotted paths into the usage object. */
export interface UsageFields {
  /** Token counts; at least one of them must be present. */
  counts: readonly string[];
  /** A cost in dollars the provider may report. */
  cost?: string;
}

/** Dotted paths split once: they are a few constants, read for every call. */
const splitPaths = new Map<string, string[]>();

function at(raw: Readonly<Record<string, unknown>>, path: string): unknown {
  let keys = splitPaths.get(path);
  if (!keys) {
    if (splitPaths.size > 256) splitPaths.clear();
    splitPaths.set(path, (keys = path.split('.')));
  }
  let value: unknown = raw;
  for (const key of keys) value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  return value;
}

/** Why a usage object cannot be trusted, or null when every count in it is a plausible one. */
export function usageProblem(raw: Readonly<Record<string, unknown>>, fields: UsageFields): string | null {
  let present = 0;
  for (const path of fields.counts) {
    const value = at(raw, path);
    if (value === undefined || value === null) continue;
    present++;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) return `usage.${path} = ${show(value)} is not a token count`;
    if (value > MAX_PLAUSIBLE_TOKENS) return `usage.${path} = ${show(value)} is not a plausible token count (more than ${MAX_PLAUSIBLE_TOKENS})`;
  }
  if (present === 0) return `usage has none of the token counts (${fields.counts.join(', ')})`;
  if (fields.cost) {
    const cost = at(raw, fields.cost);
    if (cost !== undefined && cost !== null && (typeof cost !== 'number' || !Number.isFinite(cost) || cost < 0 || cost > MAX_PLAUSIBLE_CALL_USD)) {
      return `usage.${fields.cost} = ${show(cost)} is not a plausible cost in dollars`;
    }
  }
  return null;
}

function show(value: unknown): string {
  const text = typeof value === 'number' ? String(value) : JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
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
  /** Output fragments (text, reasoning, tool names and arguments) for estimates, up to ESTIMATE_SAMPLE_BYTES. */
  private readonly output: string[] = [];
  private outputSampleBytes = 0;
  private outputBytes = 0;

  addText(fragment: string): void {
    this.text.append(fragment);
    this.sample(fragment);
  }

  /** Reasoning text is not kept, only counted if an estimate is needed. */
  addReasoning(fragment: string): void {
    this.sample(fragment);
  }

  openTool(key: string, id?: string | null, name?: string | null): void {
    this.tools.open(key, id, name);
    if (name) this.sample(name);
  }

  addToolArguments(key: string, fragment: string): void {
    this.tools.appendArguments(key, fragment);
    this.sample(fragment);
  }

  private sample(fragment: string): void {
    const size = Buffer.byteLength(fragment, 'utf8');
    this.outputBytes += size;
    if (this.outputSampleBytes >= ESTIMATE_SAMPLE_BYTES) return;
    this.output.push(fragment);
    this.outputSampleBytes += size;
  }

  build(normalise: (raw: Readonly<Record<string, unknown>>) => TokenUsage, fields: UsageFields): ResponseObservation {
    const problem = this.usageRaw ? usageProblem(this.usageRaw, fields) : null;
    const trusted = this.usageRaw !== null && problem === null;
    return {
      usageRaw: this.usageRaw,
      usage: trusted ? normalise(this.usageRaw as JsonObject) : null,
      usageFinal: trusted && (this.usageFinal ?? true),
      usageProblem: problem,
      outputBytes: this.outputBytes,
      servedModel: this.servedModel,
      text: this.text.toString(),
      toolCalls: this.tools.result(),
      finishReason: this.finishReason,
      reportedCostUsd: trusted ? this.reportedCostUsd : null,
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
