/**
 * Tiny validators for data crossing the store's boundary (events handed to `append`, lines read
 * back from a journal). Each checker returns the value typed or throws a `RecordError` naming the
 * exact field, so a bad journal line is reported as "line 12: trial.status: expected one of …".
 */
import { InputError } from '../errors';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** An event or record that does not pass the store's gate. */
export class RecordError extends InputError {}

export type Checker<T> = (value: unknown, path: string) => T;

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

export function fail(path: string, expected: string, got: unknown): never {
  throw new RecordError(`${path}: expected ${expected}, got ${describe(got)}`);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

export const object: Checker<Record<string, unknown>> = (v, path) => (isPlainObject(v) ? v : fail(path, 'an object', v));

export const string: Checker<string> = (v, path) => (typeof v === 'string' ? v : fail(path, 'a string', v));

export const nonEmpty: Checker<string> = (v, path) =>
  typeof v === 'string' && v.length > 0 ? v : fail(path, 'a non-empty string', v);

export const boolean: Checker<boolean> = (v, path) => (typeof v === 'boolean' ? v : fail(path, 'true or false', v));

/** Counts, sequence numbers, token numbers: whole and never negative. */
export const count: Checker<number> = (v, path) =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : fail(path, 'a whole number ≥ 0', v);

export const positiveInt: Checker<number> = (v, path) =>
  typeof v === 'number' && Number.isSafeInteger(v) && v > 0 ? v : fail(path, 'a whole number ≥ 1', v);

export const integer: Checker<number> = (v, path) =>
  typeof v === 'number' && Number.isSafeInteger(v) ? v : fail(path, 'a whole number', v);

/** Durations and dollars: finite (NaN would be stored as null by JSON, a silent wrong number) and ≥ 0. */
export const amount: Checker<number> = (v, path) =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : fail(path, 'a finite number ≥ 0', v);

/** `check`, and no more than `max`: a figure beyond it cannot be true (1e15 dollars for one call). */
export function atMost(check: Checker<number>, max: number): Checker<number> {
  return (v, path) => {
    const n = check(v, path);
    return n <= max ? n : fail(path, `at most ${max}`, v);
  };
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
export const timestamp: Checker<string> = (v, path) =>
  typeof v === 'string' && ISO_TIME.test(v) && !Number.isNaN(Date.parse(v)) ? v : fail(path, 'an ISO 8601 time', v);

export function oneOf<T extends string>(values: readonly T[]): Checker<T> {
  return (v, path) => ((values as readonly unknown[]).includes(v) ? (v as T) : fail(path, `one of ${values.join('|')}`, v));
}

export function matching(pattern: RegExp, what: string): Checker<string> {
  return (v, path) => (typeof v === 'string' && pattern.test(v) ? v : fail(path, what, v));
}

export function nullable<T>(check: Checker<T>): Checker<T | null> {
  return (v, path) => (v === null ? null : check(v, path));
}

export function arrayOf<T>(check: Checker<T>): Checker<T[]> {
  return (v, path) => (Array.isArray(v) ? v.map((item, i) => check(item, `${path}[${i}]`)) : fail(path, 'an array', v));
}

/** Any JSON value; rejects what JSON.stringify would silently change (undefined, NaN, Infinity, Dates, Maps…). */
export const json: Checker<JsonValue> = (v, path) => {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : fail(path, 'a finite number', v);
  if (Array.isArray(v)) return v.map((item, i) => json(item, `${path}[${i}]`));
  if (isPlainObject(v)) {
    const out: JsonObject = {};
    for (const [key, item] of Object.entries(v)) {
      if (item !== undefined) out[key] = json(item, `${path}.${key}`);
    }
    return out;
  }
  return fail(path, 'a JSON value', v);
};

export const jsonObject: Checker<JsonObject> = (v, path) => (isPlainObject(v) ? (json(v, path) as JsonObject) : fail(path, 'an object', v));

/** A required field. */
export function req<T>(o: Record<string, unknown>, key: string, path: string, check: Checker<T>): T {
  return check(o[key], `${path}.${key}`);
}

/** An optional field: `undefined` when absent (a patch leaves it alone), otherwise checked. */
export function opt<T>(o: Record<string, unknown>, key: string, path: string, check: Checker<T>): T | undefined {
  return o[key] === undefined ? undefined : check(o[key], `${path}.${key}`);
}

/** Drops keys whose value is `undefined`, so journal lines and deep-equality see the same object. */
export function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
