/**
 * Stored calls priced under a what-if price sheet (pricing/what-if.ts reads the sheets): from the
 * provider's raw usage when it reported one, else from the usage the meter recorded.
 */
import { reprice, type Protocol } from '../meter';
import { priceCall, type CallPrice, type PriceOverrides, type PriceSheet } from '../pricing';
import type { LlmCallRecord } from '../store';

const KNOWN_PROTOCOLS: ReadonlySet<string> = new Set<Protocol>(['openai-chat', 'openai-responses', 'anthropic-messages']);

/** The name a sheet's override is found under: the requested model first (users name what they asked for), then the served one. */
function fileModel(call: LlmCallRecord, overrides: PriceOverrides): string | null {
  if (overrides[call.requestedModel]) return call.requestedModel;
  if (call.servedModel && overrides[call.servedModel]) return call.servedModel;
  return null;
}

/**
 * The call's cost under a sheet, from its stored raw usage (normalised by the meter's rules) when
 * the provider reported one, else from the usage the meter recorded (an estimate). A provider's
 * reported cost is not used: it is the old price.
 */
export function priceUnderSheet(call: LlmCallRecord, sheet: PriceSheet): CallPrice | null {
  const at = Number.isNaN(Date.parse(call.startedAt)) ? {} : { at: new Date(call.startedAt) };
  let model: string | null;
  let options: { overrides?: PriceOverrides; providerId?: string } = {};
  if (sheet.kind === 'recorded') return null;
  if (sheet.kind === 'file') {
    model = fileModel(call, sheet.overrides);
    if (model === null) return null;
    options = { overrides: sheet.overrides };
  } else {
    model = sheet.model;
    options = { providerId: sheet.providerId };
  }
  if (!call.estimated && KNOWN_PROTOCOLS.has(call.protocol) && call.usageRaw !== null && typeof call.usageRaw === 'object') {
    const priced = reprice(call.usageRaw, call.protocol as Protocol, model, { ...options, ...at, useReportedCost: false });
    if (priced.usage !== null) return priced;
  }
  return priceCall(call.usage, model, { ...options, ...at });
}

/** The calls with their costs under a sheet (calls the sheet does not cover keep their recorded cost). */
export function repriceCalls(calls: readonly LlmCallRecord[], sheet: PriceSheet): LlmCallRecord[] {
  if (sheet.kind === 'recorded') return [...calls];
  return calls.map((call) => {
    const priced = priceUnderSheet(call, sheet);
    return priced === null ? call : { ...call, costUsd: priced.costUsd, costSource: priced.source };
  });
}
