/**
 * Fault injection for tests: each LLM request takes the next fault from a queue (first in, first
 * out); with the queue empty, a seeded random mode (when on) faults a given share of requests;
 * otherwise requests are served normally. Every fault handed out is counted by kind.
 */
import { seededRng, type Rng } from './rng';

export type SimFault =
  /** 429 with a `retry-after` header (seconds). */
  | { kind: 'rate_limit'; retryAfterSeconds?: number }
  /** 500 with a provider-shaped error body. */
  | { kind: 'server_error' }
  /** The connection is dropped before any response. */
  | { kind: 'reset' }
  /** The response starts, then the connection drops after `afterEvents` stream events (streams) or half the body. */
  | { kind: 'cut_stream'; afterEvents?: number }
  /** Nothing is sent for `delayMs`, then the response as usual. */
  | { kind: 'slow_first_token'; delayMs: number }
  /** 200 with a body (or a stream event) that is not valid JSON, and no usage. */
  | { kind: 'malformed_json' };

export const FAULT_KINDS = ['rate_limit', 'server_error', 'reset', 'cut_stream', 'slow_first_token', 'malformed_json'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Random mode: each request without a queued fault is faulted with probability `rate`. */
export interface RandomFaults {
  /** Share of requests faulted, from 0 to 1. */
  rate: number;
  /** Kinds drawn from, uniformly (default: all six). */
  kinds?: readonly FaultKind[];
  /** The same seed gives the same sequence of faults over the sequence of requests (default 1). */
  seed?: number;
  /** `retry-after` of the 429s (default 1 s). */
  retryAfterSeconds?: number;
  /** Delay of a slow first token (default 2,000 ms). */
  slowFirstTokenMs?: number;
}

export function isFaultKind(value: string): value is FaultKind {
  return (FAULT_KINDS as readonly string[]).includes(value);
}

/** What is wrong with random-fault settings, in words; undefined when they are fine. */
export function randomFaultsProblem(options: RandomFaults): string | undefined {
  if (!Number.isFinite(options.rate) || options.rate < 0 || options.rate > 1) return `the fault rate must be a number from 0 to 1, not ${options.rate}`;
  if (options.kinds !== undefined) {
    if (options.kinds.length === 0) return `at least one fault kind is needed (${FAULT_KINDS.join(', ')})`;
    const unknown = options.kinds.filter((k) => !isFaultKind(k));
    if (unknown.length > 0) return `unknown fault kind ${unknown.map((k) => `"${k}"`).join(', ')} (known: ${FAULT_KINDS.join(', ')})`;
  }
  if (options.seed !== undefined && !Number.isSafeInteger(options.seed)) return `the fault seed must be an integer, not ${options.seed}`;
  if (options.retryAfterSeconds !== undefined && !(options.retryAfterSeconds >= 0)) return 'retryAfterSeconds must be 0 or more';
  if (options.slowFirstTokenMs !== undefined && !(options.slowFirstTokenMs >= 0)) return 'slowFirstTokenMs must be 0 or more';
  return undefined;
}

function zeroCounts(): Record<FaultKind, number> {
  return Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>;
}

export class FaultQueue {
  private queue: SimFault[] = [];
  private random: { options: RandomFaults; kinds: readonly FaultKind[]; rng: Rng } | undefined;
  private counts = zeroCounts();

  set(faults: readonly SimFault[]): void {
    this.queue = [...faults];
  }

  push(...faults: SimFault[]): void {
    this.queue.push(...faults);
  }

  /** Turns random mode on (restarting its sequence from the seed) or off (undefined). */
  setRandom(options: RandomFaults | undefined): void {
    if (!options) {
      this.random = undefined;
      return;
    }
    const problem = randomFaultsProblem(options);
    if (problem) throw new Error(problem);
    this.random = { options, kinds: options.kinds ?? FAULT_KINDS, rng: seededRng('sim-faults', options.seed ?? 1) };
  }

  next(): SimFault | undefined {
    const fault = this.queue.shift() ?? this.draw();
    if (fault) this.counts[fault.kind]++;
    return fault;
  }

  /** Faults handed out so far, by kind (queued and random alike). */
  get injected(): Readonly<Record<FaultKind, number>> {
    return { ...this.counts };
  }

  resetCounts(): void {
    this.counts = zeroCounts();
  }

  get pending(): number {
    return this.queue.length;
  }

  private draw(): SimFault | undefined {
    if (!this.random) return undefined;
    const { options, kinds, rng } = this.random;
    // Two draws per request whatever the outcome, so the nth request always meets the same fault.
    const hit = rng() < options.rate;
    const kind = kinds[Math.floor(rng() * kinds.length)] as FaultKind;
    if (!hit) return undefined;
    switch (kind) {
      case 'rate_limit': return { kind, retryAfterSeconds: options.retryAfterSeconds ?? 1 };
      case 'slow_first_token': return { kind, delayMs: options.slowFirstTokenMs ?? 2000 };
      default: return { kind };
    }
  }
}
