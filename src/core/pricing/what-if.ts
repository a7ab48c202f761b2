/**
 * What-if prices: a finished run priced again from its stored usage under another price sheet —
 * a user file of per-model prices, or every call priced as one provider's model. The recorded
 * costs stay the default; a sheet only changes the figures of the report that asked for it, and
 * the report says which prices it used.
 */
import { readFileSync } from 'node:fs';
import { validateOverride, type PriceOverrides } from './overrides';
import { priceCall } from './price';

export type PriceSheet =
  /** The costs metered when the calls were made (the default). */
  | { kind: 'recorded' }
  /** `--prices FILE`: models named in the file at its prices ($ per million tokens); the rest as recorded. */
  | { kind: 'file'; path: string; overrides: PriceOverrides }
  /** `--reprice-as PROVIDER/MODEL`: every call priced as that model of that provider. */
  | { kind: 'as'; providerId: string; model: string };

export const RECORDED_PRICES: PriceSheet = { kind: 'recorded' };

export class PriceSheetError extends Error {}

/** Reads and checks a price file: `{ "<model id>": { "input": 3, "output": 15, "cacheRead"?: …, "cacheWrite"?: …, "reasoning"?: … } }`. */
export function loadPriceFile(path: string): PriceSheet {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new PriceSheetError(`${path}: cannot read a JSON price file (${(e as Error).message})`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data) || Object.keys(data).length === 0) {
    throw new PriceSheetError(`${path}: expected an object of model id → { "input": $/Mtok, "output": $/Mtok, … }, e.g. { "sim/flaky": { "input": 1, "output": 4 } }`);
  }
  const overrides: PriceOverrides = {};
  for (const [model, price] of Object.entries(data as Record<string, unknown>)) {
    const problems = validateOverride(price);
    if (problems.length > 0) throw new PriceSheetError(`${path}: "${model}": ${problems.join('; ')}`);
    overrides[model] = price as PriceOverrides[string];
  }
  return { kind: 'file', path, overrides };
}

/** `anthropic/claude-sonnet-4-5` → provider `anthropic`, model `claude-sonnet-4-5`; refused unless that model has a price. */
export function parseRepriceAs(spec: string): PriceSheet {
  const slash = spec.indexOf('/');
  if (slash <= 0 || slash === spec.length - 1) throw new PriceSheetError(`--reprice-as "${spec}": expected PROVIDER/MODEL, e.g. anthropic/claude-sonnet-4-5`);
  const sheet = { kind: 'as' as const, providerId: spec.slice(0, slash), model: spec.slice(slash + 1) };
  const probe = priceCall({ input: 1_000_000, cacheRead: 0, cacheWrite: 0, output: 1_000_000, reasoning: 0 }, sheet.model, { providerId: sheet.providerId });
  if (probe.costUsd === null) throw new PriceSheetError(`--reprice-as "${spec}": KiloBench has no price for model "${sheet.model}" of provider "${sheet.providerId}" (use --prices FILE to give one)`);
  return sheet;
}

/** One line saying which prices a report uses. */
export function describePrices(sheet: PriceSheet): string {
  if (sheet.kind === 'recorded') return 'recorded prices (metered when each call was made)';
  if (sheet.kind === 'file') return `what-if prices from ${sheet.path} for ${Object.keys(sheet.overrides).join(', ')} (other models at their recorded prices)`;
  return `what-if prices: every call priced as ${sheet.providerId}/${sheet.model}`;
}
