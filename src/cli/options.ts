/** Option parsers shared by the commands: each turns a bad value into a usage error (exit code 2). */
import { UsageError } from './errors';

/** A repeatable option (`--path a --path b`). */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** A plain decimal number as people type it ("3", "0.5", "1e3"); blank text, hex and "Infinity" are not numbers here. */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

function parseNumber(value: string): number {
  const text = value.trim();
  return DECIMAL.test(text) ? Number(text) : Number.NaN;
}

export function positiveInt(name: string, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = parseNumber(value);
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`${name} must be a whole number of at least 1, not "${value}"`);
    if (n > max) throw new UsageError(`${name} must be at most ${max}, not "${value}"`);
    return n;
  };
}

export function nonNegativeNumber(name: string) {
  return (value: string): number => {
    const n = parseNumber(value);
    if (!Number.isFinite(n) || n < 0) throw new UsageError(`${name} must be a number ≥ 0, not "${value}"`);
    return n;
  };
}

export function positiveNumber(name: string, max = Number.MAX_VALUE) {
  return (value: string): number => {
    const n = parseNumber(value);
    if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${name} must be a number > 0, not "${value}"`);
    if (n > max) throw new UsageError(`${name} must be at most ${max}, not "${value}"`);
    return n;
  };
}
