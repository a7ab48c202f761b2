/**
 * Fault injection for tests: each LLM request takes the next fault from a queue (first in, first
 * out); with the queue empty, requests are served normally.
 */
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

export class FaultQueue {
  private queue: SimFault[] = [];

  set(faults: readonly SimFault[]): void {
    this.queue = [...faults];
  }

  push(...faults: SimFault[]): void {
    this.queue.push(...faults);
  }

  next(): SimFault | undefined {
    return this.queue.shift();
  }

  get pending(): number {
    return this.queue.length;
  }
}
