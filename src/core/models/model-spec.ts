/**
 * A model as KiloBench runs it: the id users see, the provider that serves it, and where its key
 * comes from (the NAME of an environment variable or a secret — never the key itself).
 */
import type { ModelProtocol, ProviderKind } from '../domain';
import type { PriceOverride } from '../pricing/overrides';

export interface ModelSpec {
  /** What users write (`--models`) and see in reports, e.g. `gpt-5-mini`, `sim/direct`. */
  id: string;
  provider: ProviderKind;
  /** The provider's own model name (defaults to the id). */
  model: string;
  /** Provider base URL as the provider's own SDK takes it (domain/providers.ts); the simulator's is filled in at run time. */
  baseUrl: string;
  protocol: ModelProtocol;
  /** Environment variable that holds the key; undefined for keyless providers (the simulator). */
  keyEnv?: string;
  reasoningEffort?: 'low' | 'medium' | 'high';
  /** $ per million tokens, replacing the bundled price data for this model. */
  price?: PriceOverride;
  /** A test and demo device backed by each task's answer key; always labelled as such. */
  simulated: boolean;
}

/** What a harness gets in a trial: the proxy's per-trial URL and token, never the real key. */
export interface ModelAccess {
  id: string;
  /** The name to put in requests (the proxy maps it upstream when needed). */
  providerModel: string;
  protocol: ModelProtocol;
  /**
   * The proxy's trial URL `http://127.0.0.1:PORT/t/TOKEN`: it stands in for the provider's base URL
   * as the provider's own SDK takes it (see domain/providers.ts; `clientBaseUrl` for other clients).
   */
  baseUrl: string;
  /** The trial token: the only credential a harness ever holds. */
  apiKey: string;
  simulated: boolean;
}

