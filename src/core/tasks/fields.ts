/**
 * Typed reads of fields from a parsed task file. Each reader returns the format's default when the
 * field is absent and records a precise error (file, field, what is wrong) when it is present but
 * wrong, so one bad field never hides the others.
 */
import type { TaskError } from './task';

export type Table = Record<string, unknown>;

/** The longest time limit a task may set (agent, tests, build, one solution step). */
export const MAX_TIMEOUT_SEC = 86_400;

export class FieldReader {
  constructor(
    private readonly file: string,
    private readonly table: Table,
    private readonly errors: TaskError[],
    /** Prefix for nested tables, e.g. `agent.` for `[agent]`. */
    private readonly prefix = '',
    /** Line of a field in the source file, when the parser can tell. */
    private readonly lineOf: (field: string) => number | undefined = () => undefined,
  ) {}

  has(field: string): boolean {
    return this.table[field] !== undefined && this.table[field] !== null;
  }

  error(field: string, message: string): void {
    const error: TaskError = { file: this.file, field: this.prefix + field, message };
    const line = this.lineOf(this.prefix + field);
    if (line !== undefined) error.line = line;
    this.errors.push(error);
  }

  string(field: string, fallback: string): string {
    const value = this.table[field];
    if (value === undefined || value === null) return fallback;
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    this.error(field, `must be text, found ${describe(value)}`);
    return fallback;
  }

  optionalString(field: string): string | undefined {
    return this.has(field) ? this.string(field, '') || undefined : undefined;
  }

  /** A number > 0 (timeouts, limits). Numeric strings such as "60" are accepted, as YAML users write them. */
  positiveNumber(field: string, fallback: number): number {
    return this.optionalPositiveNumber(field) ?? fallback;
  }

  optionalPositiveNumber(field: string): number | undefined {
    const value = this.table[field];
    if (value === undefined || value === null) return undefined;
    const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    if (typeof number !== 'number' || !Number.isFinite(number)) {
      this.error(field, `must be a number, found ${describe(value)}`);
      return undefined;
    }
    if (number <= 0) {
      this.error(field, `must be greater than 0, found ${number}`);
      return undefined;
    }
    return number;
  }

  /**
   * A time limit in seconds: > 0 and at most `MAX_TIMEOUT_SEC`. Larger values are refused because
   * Node timers above ~24.8 days fire at once: an absurd limit would end every trial immediately.
   */
  timeoutSec(field: string, fallback: number): number {
    const value = this.optionalPositiveNumber(field);
    if (value === undefined) return fallback;
    if (value > MAX_TIMEOUT_SEC) {
      this.error(field, `must be at most ${MAX_TIMEOUT_SEC} seconds (a day), found ${value}`);
      return fallback;
    }
    return value;
  }

  boolean(field: string, fallback: boolean): boolean {
    const value = this.table[field];
    if (value === undefined || value === null) return fallback;
    if (typeof value === 'boolean') return value;
    this.error(field, `must be true or false, found ${describe(value)}`);
    return fallback;
  }

  stringList(field: string): string[] {
    const value = this.table[field];
    if (value === undefined || value === null) return [];
    if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value as string[];
    this.error(field, `must be a list of strings, found ${describe(value)}`);
    return [];
  }

  oneOf<T extends string>(field: string, allowed: readonly T[], fallback: T): T {
    const value = this.table[field];
    if (value === undefined || value === null) return fallback;
    const text = typeof value === 'string' ? value.trim().toLowerCase() : value;
    if ((allowed as readonly unknown[]).includes(text)) return text as T;
    this.error(field, `must be one of ${allowed.join(', ')}, found ${describe(value)}`);
    return fallback;
  }

  /** A nested table (`[agent]`); a non-table value is an error. */
  table_(field: string): Table {
    const value = this.table[field];
    if (value === undefined || value === null) return {};
    if (isTable(value)) return value;
    this.error(field, `must be a table, found ${describe(value)}`);
    return {};
  }

  nested(field: string): FieldReader {
    return new FieldReader(this.file, this.table_(field), this.errors, `${this.prefix}${field}.`, this.lineOf);
  }
}

export function isTable(value: unknown): value is Table {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Date) return 'a date';
  if (typeof value === 'object') return 'a table';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value);
  return `${typeof value} ${String(value)}`;
}

/** Fields a task file may have that the loader does not interpret, kept as plain JSON data. */
export function extraFields(table: Table, known: readonly string[]): Record<string, unknown> {
  const extra = Object.fromEntries(Object.entries(table).filter(([key]) => !known.includes(key)));
  return JSON.parse(JSON.stringify(extra)) as Record<string, unknown>;
}
