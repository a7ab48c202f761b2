/**
 * Trials the proxy serves, found by their token. A token is 32 random bytes (base64url), so it
 * cannot be guessed; it is the only secret a harness holds. The real provider key stays here.
 */
import { randomBytes } from 'node:crypto';
import type { UpstreamConfig } from '../domain';
import type { Budget } from './types';
import type { PriceOverrides } from '../pricing/overrides';

export interface TrialRegistration {
  trialId: string;
  runId: string;
  upstream: UpstreamConfig;
  budget?: Budget;
  /** Price overrides ($ per million tokens) by model, for this trial's calls. */
  prices?: PriceOverrides;
}

export interface RegisteredTrial extends TrialRegistration {
  token: string;
  upstreamUrl: URL;
  /** Calls started so far (the next call's seq is this + 1). */
  calls: number;
}

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export class TrialRegistry {
  private readonly byToken = new Map<string, RegisteredTrial>();
  private readonly keys = new Set<string>();
  /** `keys` as a frozen list, replaced when a key is added: redaction knows it by identity. */
  private keyList: readonly string[] = Object.freeze([]);

  add(registration: TrialRegistration): RegisteredTrial {
    const upstreamUrl = new URL(registration.upstream.baseUrl);
    if (upstreamUrl.protocol !== 'http:' && upstreamUrl.protocol !== 'https:') {
      throw new Error(`upstream base URL must be http(s): ${upstreamUrl.protocol}`);
    }
    const trial: RegisteredTrial = { ...registration, token: newToken(), upstreamUrl, calls: 0 };
    this.byToken.set(trial.token, trial);
    const key = registration.upstream.apiKey;
    if (key && !this.keys.has(key)) {
      this.keys.add(key);
      this.keyList = Object.freeze([...this.keys]);
    }
    return trial;
  }

  find(token: string): RegisteredTrial | undefined {
    return this.byToken.get(token);
  }

  remove(token: string): void {
    this.byToken.delete(token);
  }

  /** Every real key ever registered (kept after unregister), for redaction. */
  secrets(): readonly string[] {
    return this.keyList;
  }
}
