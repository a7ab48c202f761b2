/**
 * A call summary as bytes, for the store: its numbers as little-endian float64s in a fixed order
 * (exact: a float64 holds every number the fold makes), null as NaN, true/false as 1/0. A report
 * reads 10,000 summaries; decoding these is about ten times cheaper than `JSON.parse` of the same.
 * The layout is part of `CALL_SUMMARY_SHAPE`: change one, bump the other.
 */
import { TOOL_CATEGORIES, type TokenUsage, type ToolCategory } from '../domain';
import type { SpendSplit } from './spend-split';
import type { CallSummary } from './summary';
import type { ToolCounts } from './tool-counts';

const NUMBERS = 2 + 5 + 1 + 3 + 1 + 5 + 4 + 1 + 4 + 1 + TOOL_CATEGORIES.length + 2 + 1 + 5;

export function callSummaryBytes(s: CallSummary): Uint8Array {
  const bytes = new Uint8Array(NUMBERS * 8);
  const view = new DataView(bytes.buffer);
  let i = 0;
  const put = (n: number | null) => { view.setFloat64(8 * i++, n === null ? Number.NaN : n, true); };
  const usage = (u: TokenUsage | null) => { for (const n of u ? [u.input, u.cacheRead, u.cacheWrite, u.output, u.reasoning] : [0, 0, 0, 0, 0]) put(n); };
  const split = (x: SpendSplit | null) => { for (const n of x ? [x.resentContext, x.newInput, x.output, x.reasoning] : [0, 0, 0, 0]) put(n); };
  put(s.calls); put(s.lastSeq); usage(s.tokens); put(s.costUsd);
  put(s.unpriced ? 1 : 0); put(s.estimated ? 1 : 0); put(s.simulated ? 1 : 0);
  put(s.latencyMs);
  put(s.context.totalInput); put(s.context.resent); put(s.context.cacheRead); put(s.context.output); put(s.context.reasoning);
  split(s.tokenSplit); put(s.usdSplit ? 1 : 0); split(s.usdSplit);
  put(s.toolCalls.total); for (const c of TOOL_CATEGORIES) put(s.toolCalls[c]);
  put(s.commandsMeasured); put(s.commandChars);
  put(s.previous ? 1 : 0); usage(s.previous);
  return bytes;
}

const LITTLE_ENDIAN = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;

/** One summary's numbers, decoded through this one buffer: a typed-array view per summary costs more than the copy. */
const scratch = new Float64Array(NUMBERS);
const scratchBytes = new Uint8Array(scratch.buffer);

/** The float64s of `bytes` (little-endian), in `scratch`: valid until the next call. */
function numbersOf(bytes: Uint8Array): Float64Array {
  if (LITTLE_ENDIAN) {
    scratchBytes.set(bytes);
    return scratch;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let k = 0; k < NUMBERS; k++) scratch[k] = view.getFloat64(8 * k, true);
  return scratch;
}

/** Where each tool category's count is (after the total, in `TOOL_CATEGORIES` order, as `callSummaryBytes` puts them). */
const countAt = (category: ToolCategory): number => 27 + TOOL_CATEGORIES.indexOf(category);
const READ = countAt('read');
const WRITE = countAt('write');
const EXEC = countAt('exec');
const SEARCH = countAt('search');
const PLAN = countAt('plan');
const NETWORK = countAt('network');
const OTHER = countAt('other');

/** The summary `callSummaryBytes` wrote (keys in the order the fold makes them). */
export function callSummaryFromBytes(bytes: Uint8Array): CallSummary {
  if (bytes.byteLength !== NUMBERS * 8) throw new Error(`a stored call summary has ${bytes.byteLength} bytes, expected ${NUMBERS * 8}`);
  const n = numbersOf(bytes);
  const costUsd = n[7] as number;
  // Each category by name (one object literal decodes several times faster than a store per key in a loop).
  const toolCalls: ToolCounts = {
    total: n[26] as number, read: n[READ] as number, write: n[WRITE] as number, exec: n[EXEC] as number, search: n[SEARCH] as number,
    plan: n[PLAN] as number, network: n[NETWORK] as number, other: n[OTHER] as number,
  };
  const k = 27 + TOOL_CATEGORIES.length;
  const p = k + 2;
  return {
    calls: n[0] as number,
    lastSeq: n[1] as number,
    tokens: { input: n[2] as number, cacheRead: n[3] as number, cacheWrite: n[4] as number, output: n[5] as number, reasoning: n[6] as number },
    costUsd: Number.isNaN(costUsd) ? null : costUsd,
    unpriced: n[8] === 1,
    estimated: n[9] === 1,
    simulated: n[10] === 1,
    latencyMs: n[11] as number,
    context: { totalInput: n[12] as number, resent: n[13] as number, cacheRead: n[14] as number, output: n[15] as number, reasoning: n[16] as number },
    tokenSplit: { unit: 'tokens', resentContext: n[17] as number, newInput: n[18] as number, output: n[19] as number, reasoning: n[20] as number },
    usdSplit: n[21] === 1 ? { unit: 'usd', resentContext: n[22] as number, newInput: n[23] as number, output: n[24] as number, reasoning: n[25] as number } : null,
    toolCalls,
    commandsMeasured: n[k] as number,
    commandChars: n[k + 1] as number,
    previous: n[p] === 1
      ? { input: n[p + 1] as number, cacheRead: n[p + 2] as number, cacheWrite: n[p + 3] as number, output: n[p + 4] as number, reasoning: n[p + 5] as number }
      : null,
  };
}
