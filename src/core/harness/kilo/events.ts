/**
 * Kilo's `run --format json` event stream → transcript entries, in layers: bytes (UTF-8 decoded
 * across chunk boundaries) → lines (a line may arrive in pieces) → JSON events → entries.
 *
 * Events (Kilo 7.7.x; each line `{type, timestamp, sessionID, part | error}`):
 * - `step_start`: a model turn begins (numbers the entries that follow);
 * - `text`, `reasoning` (only with `--thinking`): a finished text or reasoning part → `model_message`;
 * - `tool_use`: a finished tool call (completed or error) → `tool_call` + `tool_result`, with the
 *   category from tool-categories (a bash command classified by what it does), output size, exit
 *   code and duration;
 * - `step_finish`: the turn's tokens and cost as Kilo counts them → a `model_message` entry whose
 *   payload carries `kiloStep` (and a one-line `text` summary for transcript views). `llm_call`
 *   entries are left to the metering proxy's records (they are numbered by the proxy's call seq);
 *   Kilo's own figures are kept apart so the two can be reconciled (reconcile.ts);
 * - `error`: `{name, data: {message, statusCode?, isRetryable?}}` or a plain string → `error`.
 * Unknown event types are counted and skipped; lines that are not JSON are counted and the first
 * few kept as `output` entries. Only the main session's parts are printed by Kilo: a `task`
 * subagent's turns do not appear (their calls still reach the proxy).
 */
import { StringDecoder } from 'node:string_decoder';
import { clip, type TranscriptEntry } from '../harness';
import { classifyShellCommand, toolCategory, type ToolCategory } from '../../domain';

/** Kilo's token counts of one step. `input` excludes cache reads and writes; `output` excludes reasoning. */
export interface KiloStepTokens {
  input: number;
  output: number;
  reasoning: number;
  cacheRead: number;
  cacheWrite: number;
  /** Kilo's total: input + output + reasoning + cacheRead + cacheWrite. */
  total: number;
}

export interface KiloStep {
  /** 1, 2, 3… in the order of Kilo's steps. */
  index: number;
  /** Why the turn ended (`tool-calls`, `stop`, `length`…). */
  reason: string | null;
  tokens: KiloStepTokens;
  /** Kilo's own cost in $ (0 when it knows no price for the model). */
  cost: number | null;
  /** Epoch ms of the step's start and end, when Kilo gave them. */
  startedAt: number | null;
  endedAt: number | null;
}

export interface KiloParseStats {
  lines: number;
  /** JSON events of a known type. */
  events: number;
  /** Lines that were not JSON objects (or too long to keep). */
  unparsed: number;
  /** Event types this parser does not know, with counts. */
  unknown: Record<string, number>;
  toolCalls: number;
  sessionId: string | null;
}

export interface KiloError {
  step: number;
  name: string;
  message: string;
  statusCode?: number;
  retryable?: boolean;
}

type Json = Record<string, unknown>;

function obj(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
}

function num(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

function numOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function stepTokens(raw: unknown): KiloStepTokens {
  const t = obj(raw);
  const cache = obj(t.cache);
  const tokens = { input: num(t.input), output: num(t.output), reasoning: num(t.reasoning), cacheRead: num(cache.read), cacheWrite: num(cache.write) };
  const total = typeof t.total === 'number' ? t.total : tokens.input + tokens.output + tokens.reasoning + tokens.cacheRead + tokens.cacheWrite;
  return { ...tokens, total };
}

/** Tool inputs as recorded: long strings (a whole file for `write`) are cut. */
function clipInput(input: unknown): unknown {
  if (typeof input === 'string') return clip(input, 4096);
  if (Array.isArray(input)) return input.map(clipInput);
  if (typeof input === 'object' && input !== null) {
    return Object.fromEntries(Object.entries(input as Json).map(([k, v]) => [k, clipInput(v)]));
  }
  return input;
}

export function kiloToolCategory(tool: string, input: unknown): ToolCategory {
  const command = obj(input).command;
  if (tool === 'bash' && typeof command === 'string') return classifyShellCommand(command);
  return toolCategory(tool);
}

export function kiloError(raw: unknown, step: number): KiloError {
  if (typeof raw === 'string') return { step, name: 'Error', message: raw };
  const e = obj(raw);
  const data = obj(e.data);
  const name = str(e.name) ?? 'Error';
  const message = str(data.message) ?? str(e.message) ?? name;
  return {
    step, name, message: clip(message, 2000),
    ...(typeof data.statusCode === 'number' ? { statusCode: data.statusCode } : {}),
    ...(typeof data.isRetryable === 'boolean' ? { retryable: data.isRetryable } : {}),
  };
}

export interface KiloEventParserOptions {
  /** A line longer than this (in characters) is dropped and counted as unparsed. Default 32 Mi. */
  maxLineChars?: number;
  /** Non-JSON lines kept as `output` entries; later ones are only counted. Default 20. */
  keepUnparsed?: number;
}

export class KiloEventParser {
  readonly steps: KiloStep[] = [];
  readonly errors: KiloError[] = [];
  readonly stats: KiloParseStats = { lines: 0, events: 0, unparsed: 0, unknown: {}, toolCalls: 0, sessionId: null };
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';
  private dropping = false;
  private step = 0;
  private stepOpen = false;
  private readonly maxLine: number;
  private readonly keepUnparsed: number;

  constructor(private readonly record: (entry: TranscriptEntry) => void, options: KiloEventParserOptions = {}) {
    this.maxLine = options.maxLineChars ?? 32 * 1024 * 1024;
    this.keepUnparsed = options.keepUnparsed ?? 20;
  }

  /** Feed output as it arrives; complete lines are parsed now, a trailing partial line waits. */
  push(chunk: Buffer | string): void {
    let text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    while (text.length > 0) {
      const newline = text.indexOf('\n');
      if (newline < 0) {
        if (!this.dropping) this.partial += text;
        if (this.partial.length > this.maxLine) {
          this.partial = '';
          this.dropping = true;
        }
        return;
      }
      const piece = text.slice(0, newline);
      text = text.slice(newline + 1);
      if (this.dropping) {
        this.dropping = false;
        this.stats.lines++;
        this.unparsed('[a line too long to keep]');
        continue;
      }
      const line = this.partial + piece;
      this.partial = '';
      this.line(line);
    }
  }

  /** The stream ended: a last line without a newline is parsed too. */
  end(): void {
    const rest = this.decoder.end();
    if (rest) this.push(rest);
    if (this.dropping) {
      this.dropping = false;
      this.stats.lines++;
      this.unparsed('[a line too long to keep]');
    }
    if (this.partial.trim()) {
      const line = this.partial;
      this.partial = '';
      this.line(line);
    }
  }

  /** Number of the step in progress (or the last one). */
  get currentStep(): number {
    return this.step;
  }

  private unparsed(line: string): void {
    this.stats.unparsed++;
    if (this.stats.unparsed <= this.keepUnparsed) this.record({ kind: 'output', payload: { stream: 'stdout', text: clip(line, 4096) } });
  }

  private line(raw: string): void {
    const line = raw.replace(/\r$/, '');
    if (!line.trim()) return;
    this.stats.lines++;
    let event: Json;
    try {
      const value = JSON.parse(line) as unknown;
      if (typeof value !== 'object' || value === null || Array.isArray(value) || typeof (value as Json).type !== 'string') throw new Error('not an event');
      event = value as Json;
    } catch {
      this.unparsed(line);
      return;
    }
    this.event(event);
  }

  private event(event: Json): void {
    const type = event.type as string;
    const part = obj(event.part);
    if (typeof event.sessionID === 'string' && !this.stats.sessionId) this.stats.sessionId = event.sessionID;
    switch (type) {
      case 'step_start':
        this.step++;
        this.stepOpen = true;
        break;
      case 'text': {
        const text = str(part.text) ?? '';
        if (text.trim()) this.record({ kind: 'model_message', payload: { step: this.stepNumber(), text: clip(text) } });
        break;
      }
      case 'reasoning': {
        const text = str(part.text) ?? '';
        if (text.trim()) this.record({ kind: 'model_message', payload: { step: this.stepNumber(), reasoning: true, text: clip(text) } });
        break;
      }
      case 'tool_use':
        this.toolUse(part);
        break;
      case 'step_finish':
        this.stepFinish(part);
        break;
      case 'error': {
        const error = kiloError(event.error, this.step);
        this.errors.push(error);
        this.record({ kind: 'error', payload: { ...error } });
        break;
      }
      default:
        this.stats.unknown[type] = (this.stats.unknown[type] ?? 0) + 1;
        return;
    }
    this.stats.events++;
  }

  /** A part outside any step_start (should not happen) counts as a new step. */
  private stepNumber(): number {
    if (!this.stepOpen) {
      this.step++;
      this.stepOpen = true;
    }
    return this.step;
  }

  private toolUse(part: Json): void {
    const step = this.stepNumber();
    const tool = str(part.tool) ?? 'unknown';
    const state = obj(part.state);
    const input = state.input;
    const category = kiloToolCategory(tool, input);
    const callId = str(part.callID) ?? null;
    this.stats.toolCalls++;
    this.record({ kind: 'tool_call', toolCategory: category, payload: { step, tool, callId, input: clipInput(input ?? {}) as Record<string, unknown> } });
    const status = str(state.status) ?? 'unknown';
    const isError = status === 'error';
    const output = isError ? (str(state.error) ?? '') : (str(state.output) ?? '');
    const metadata = obj(state.metadata);
    const time = obj(state.time);
    const start = numOrNull(time.start);
    const end = numOrNull(time.end);
    this.record({
      kind: 'tool_result', toolCategory: category,
      payload: {
        step, tool, callId, status, isError,
        outputBytes: Buffer.byteLength(output), output: clip(output, 4096),
        ...(typeof metadata.exit === 'number' ? { exitCode: metadata.exit } : {}),
        ...(start !== null && end !== null ? { durationMs: Math.max(0, end - start) } : {}),
        ...(metadata.truncated === true ? { truncatedByKilo: true } : {}),
      },
    });
  }

  private stepFinish(part: Json): void {
    const index = this.stepNumber();
    this.stepOpen = false;
    const time = obj(part.time);
    const step: KiloStep = {
      index,
      reason: str(part.reason) ?? null,
      tokens: stepTokens(part.tokens),
      cost: numOrNull(part.cost),
      startedAt: numOrNull(time.start),
      endedAt: numOrNull(time.end),
    };
    this.steps.push(step);
    const t = step.tokens;
    this.record({
      kind: 'model_message',
      payload: {
        step: index,
        text: `[Kilo step ${index}${step.reason ? `, ${step.reason}` : ''}] input ${t.input}, cache read ${t.cacheRead}, cache write ${t.cacheWrite}, output ${t.output} + reasoning ${t.reasoning}${step.cost !== null ? `, Kilo cost $${step.cost}` : ''}`,
        kiloStep: { ...step, tokens: { ...t } },
      },
    });
  }
}

/** Parse a whole recorded stream at once (tests, re-parsing a stored stdout). */
export function parseKiloStream(text: string | Buffer): { entries: TranscriptEntry[]; steps: KiloStep[]; errors: KiloError[]; stats: KiloParseStats } {
  const entries: TranscriptEntry[] = [];
  const parser = new KiloEventParser((e) => entries.push(e));
  parser.push(text);
  parser.end();
  return { entries, steps: parser.steps, errors: parser.errors, stats: parser.stats };
}
