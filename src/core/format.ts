/**
 * THE formatter of numbers and words a user reads: money, percentages and intervals, tokens with
 * units, durations, dates, plurals. One of the core's root files (below every folder, importing
 * nothing), so every layer, the CLI, the editor and the webviews write a figure the same way.
 * `report/format.ts` adds the report's own forms (completion costs, model labels, order).
 */

/** Dollars: 2 decimals from $1, else 3 significant digits but never fewer than cents ($0.0123, $0.50); "$0" for exactly 0. */
export function formatUsd(value: number): string {
  return usd(value, 3);
}

/** Dollars with 6 significant digits below $1, where two close amounts are set side by side ("$0.100207 against $0.0195"). */
export function formatUsdPrecise(value: number): string {
  return usd(value, 6);
}

function usd(value: number, significant: number): string {
  if (value === 0) return '$0';
  const sign = value < 0 ? '−' : '';
  const v = Math.abs(value);
  if (v >= 1) return `${sign}$${v.toFixed(2)}`;
  const text = Number(v.toPrecision(significant)).toString();
  const decimals = text.split('.')[1]?.length ?? 0;
  return `${sign}$${decimals < 2 ? v.toFixed(2) : text}`;
}

/** A cost that may be unknown: `unknown` text for null. */
export function formatCost(value: number | null, unknown = 'unpriced'): string {
  return value === null ? unknown : formatUsd(value);
}

export function formatPercent(value: number | null, digits = 1): string {
  return value === null ? '—' : `${(value * 100).toFixed(digits)}%`;
}

/** An interval of shares in percent without the unit: "20.8–93.9". */
export function formatPercentInterval(ci: readonly [number, number], digits = 1): string {
  return `${(ci[0] * 100).toFixed(digits)}–${(ci[1] * 100).toFixed(digits)}`;
}

/** An interval of dollars: "$0.012–$0.034". */
export function formatUsdInterval(ci: readonly [number, number]): string {
  return `${formatUsd(ci[0])}–${formatUsd(ci[1])}`;
}

/** "66.7% [20.8–93.9]" */
export function formatPassRate(rate: number | null, ci: readonly [number, number]): string {
  if (rate === null) return '—';
  return `${formatPercent(rate)} [${formatPercentInterval(ci)}]`;
}

export function formatNumber(value: number | null, digits = 1): string {
  return value === null ? '—' : value.toFixed(digits);
}

/** An exact count with thousands separators, for detail views (one call's tokens, a tool's output bytes): "1,234,567". */
export function formatCount(count: number): string {
  return count.toLocaleString('en-US', { maximumFractionDigits: 0 });
}

/** Token counts with their unit: "850 tokens", "12.3k tokens", "4.56M tokens" (`unit: false` leaves the word out). */
export function formatTokens(count: number, unit = true): string {
  const a = Math.abs(count);
  const text = a >= 1e6 ? `${(count / 1e6).toFixed(2)}M` : a >= 1e4 ? `${(count / 1e3).toFixed(1)}k` : String(Math.round(count));
  return unit ? `${text} tokens` : text;
}

/** A duration: "0.4 s", "12 s", "3 min 05 s", "2 h 07 min"; "—" when unknown. */
export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '—';
  const s = ms / 1000;
  if (s < 10) return `${s.toFixed(1)} s`;
  if (s < 60) return `${Math.floor(s)} s`;
  const total = Math.floor(s);
  const m = Math.floor(total / 60);
  if (m < 60) return `${m} min ${String(total % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A time stamp for people: "3 Dec 2026 13:01" in local time, or "3 Dec 2026 13:01 UTC" with `utc`. Unparsable text is returned as is. */
export function formatDate(iso: string, utc = false): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const [day, month, year, hours, minutes] = utc
    ? [d.getUTCDate(), d.getUTCMonth(), d.getUTCFullYear(), d.getUTCHours(), d.getUTCMinutes()]
    : [d.getDate(), d.getMonth(), d.getFullYear(), d.getHours(), d.getMinutes()];
  return `${day} ${MONTHS[month]} ${year} ${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}${utc ? ' UTC' : ''}`;
}

/** The short form of trees and pickers: "Dec 3 14:05" this year, "Dec 3 2025" another year, in local time. Unparsable text is returned as is. */
export function formatShortDate(iso: string, now = new Date()): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const day = `${MONTHS[d.getMonth()]} ${d.getDate()}`;
  if (d.getFullYear() !== now.getFullYear()) return `${day} ${d.getFullYear()}`;
  return `${day} ${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

/** "1 trial", "3 trials", "2 tasks"; `many` for irregular plurals. Never "trial(s)". */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** Signed difference in percentage points: "+12.5 pts". */
export function formatPoints(value: number): string {
  const pts = value * 100;
  return `${pts >= 0 ? '+' : '−'}${Math.abs(pts).toFixed(1)} pts`;
}

export function formatSignedUsd(value: number): string {
  return value >= 0 ? `+${formatUsd(value)}` : formatUsd(value);
}
