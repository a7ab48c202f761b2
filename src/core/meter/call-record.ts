/**
 * Turns what the proxy saw of one call into a `MeteredCall`: decides between the provider's usage
 * and an estimate, prices it, and states what went wrong. Pure, so every rule is tested directly.
 */
import { priceCall, providerIdFor } from '../pricing/price';
import type { PriceOverrides } from '../pricing/overrides';
import { estimateUsage } from './estimate';
import type { JsonValue } from '../json';
import type { ResponseObservation } from './usage/meter';
import { type MeteredCall, type Protocol } from './types';
import { totalTokens, ZERO_USAGE, type UpstreamKind } from '../domain';

export interface CallFacts {
  trialId: string;
  runId: string;
  seq: number;
  startedAt: Date;
  protocol: Protocol;
  upstreamKind: UpstreamKind;
  requestedModel: string | null;
  /** The model name sent upstream (after mapping). */
  upstreamModel: string | null;
  streaming: boolean;
  /** The parsed request body, for input estimates. */
  requestBody: unknown;
  httpStatus: number | null;
  latencyMs: number;
  ttftMs: number | null;
  /** null when no response body was read (refused, reset before a response). */
  observation: ResponseObservation | null;
  /** Network or proxy-side failure in words (reset, cut stream, client gone, budget). */
  failure: string | null;
  prices?: PriceOverrides;
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

export function buildMeteredCall(f: CallFacts): MeteredCall {
  const o = f.observation;
  const accepted = f.httpStatus !== null && f.httpStatus >= 200 && f.httpStatus < 300 && o !== null;
  let usage = o?.usage ?? { ...ZERO_USAGE };
  let estimated = false;
  let failure = f.failure;
  if (accepted && !o.usageFinal) {
    usage = estimateUsage(f.requestBody, o.outputTextForEstimate, o.usage, o.outputBytes);
    estimated = true;
    if (!failure && !o.finishReason && !o.usageProblem) failure = 'response ended before the provider sent usage or a finish reason';
  }
  // Usage the provider sent but that cannot be true is never priced as sent: estimated (when the
  // call was accepted) and flagged, with what was wrong in the call's error.
  const usageRejected = o?.usageProblem ? `provider usage rejected: ${o.usageProblem}` : null;
  const servedModel = o?.servedModel ?? null;
  const candidates = [f.requestedModel, f.upstreamModel, servedModel].filter((m): m is string => !!m);
  const overridden = candidates.find((m) => f.prices?.[m]);
  const model = overridden ?? servedModel ?? f.upstreamModel ?? f.requestedModel;
  const price =
    totalTokens(usage) === 0 && !o?.reportedCostUsd
      ? { costUsd: 0, source: 'computed' as const, flags: ['no-usage'] }
      : priceCall(usage, model, {
          providerId: providerIdFor(f.upstreamKind),
          overrides: f.prices,
          reportedCostUsd: o?.reportedCostUsd ?? null,
          at: f.startedAt,
        });
  const httpError = f.httpStatus !== null && f.httpStatus >= 400 ? `HTTP ${f.httpStatus}` : null;
  const error = [httpError, failure, o?.error ?? null, usageRejected].filter(Boolean).join(': ') || null;
  const flags = [...price.flags, ...(estimated ? ['estimated'] : []), ...(usageRejected ? ['invalid-usage'] : [])];
  return {
    trialId: f.trialId,
    runId: f.runId,
    seq: f.seq,
    startedAt: f.startedAt.toISOString(),
    protocol: f.protocol,
    requestedModel: f.requestedModel,
    servedModel,
    streaming: f.streaming,
    httpStatus: f.httpStatus,
    latencyMs: round(f.latencyMs),
    ttftMs: f.ttftMs === null ? null : round(f.ttftMs),
    usageRaw: (o?.usageRaw ?? null) as JsonValue | null,
    usage,
    estimated,
    toolCalls: o?.toolCalls ?? [],
    text: o?.text ?? '',
    finishReason: o?.finishReason ?? null,
    costUsd: price.costUsd,
    costSource: price.source,
    costFlags: flags,
    error,
  };
}
