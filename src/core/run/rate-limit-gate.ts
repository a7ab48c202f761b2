/**
 * A provider rate limit (HTTP 429) pauses the whole run, not just the trial that met it: trials that
 * met one in their current attempt are remembered, and no new trial starts before the pause ends.
 */
export class RateLimitGate {
  private readonly limited = new Set<string>();
  private pausedUntil = 0;

  /** A call of this trial was answered 429. */
  hit(trialId: string): void {
    this.limited.add(trialId);
  }

  /** Forget the trial's 429s (a new attempt starts). */
  clear(trialId: string): void {
    this.limited.delete(trialId);
  }

  metLimit(trialId: string): boolean {
    return this.limited.has(trialId);
  }

  pauseFor(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, Date.now() + ms);
  }

  /** Resolves when new trials may start. */
  async wait(): Promise<void> {
    const ms = this.pausedUntil - Date.now();
    if (ms > 0) await new Promise((r) => setTimeout(r, ms));
  }
}
