/**
 * Where each provider serves its API, and how a harness's client reaches it through the metering
 * proxy. The one rule: a model's `baseUrl` means what it means in the provider's own SDK, and the
 * proxy's per-trial URL (`http://127.0.0.1:PORT/t/TOKEN`) stands in for exactly that base URL. A
 * client given the trial URL builds the same path after it as it would after the provider's base,
 * and the proxy sends that path on after the provider's base path, unchanged:
 *
 *   OpenAI      base https://api.openai.com/v1       SDK adds /chat/completions, /responses → /v1/chat/completions, /v1/responses
 *   OpenRouter  base https://openrouter.ai/api/v1    SDK adds /chat/completions             → /api/v1/chat/completions
 *   Anthropic   base https://api.anthropic.com       SDK adds /v1/messages                  → /v1/messages
 *
 * Clients whose base-URL convention differs from the provider's SDK (the AI SDK's Anthropic provider,
 * which Kilo uses, wants the base WITH `/v1`) get the difference added here, never elsewhere.
 * The meter, the scheduler and the harnesses all read it; it imports nothing.
 */

/** Who serves a model, as a models file names it (`sim`: KiloBench's simulated provider). */
export const PROVIDER_KINDS = ['openai-compatible', 'anthropic', 'openrouter', 'sim'] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];

/** A real provider kind, as the metering proxy talks to it (the simulator is served as `openai-compatible` or `anthropic`). */
export type UpstreamKind = 'openai-compatible' | 'openrouter' | 'anthropic';

/** The wire protocol a harness's client speaks to reach the model. */
export type ModelProtocol = 'openai' | 'anthropic';

/** Where the metering proxy sends one trial's calls. */
export interface UpstreamConfig {
  kind: UpstreamKind;
  /** e.g. `https://api.openai.com/v1`, `https://api.anthropic.com`, `http://127.0.0.1:PORT/s/SESSION`. */
  baseUrl: string;
  /** The real key; added on the way upstream only. Absent for keyless upstreams (the simulator). */
  apiKey?: string;
  /** The environment variable the key came from, named in messages about a refused key. */
  keyEnv?: string;
  /** Model names the client asks for → the names sent upstream. */
  modelMap?: Record<string, string>;
}

/** Where a model is served: what the upstream rule reads (models/model-spec.ts's `ModelSpec` adds the rest). */
export interface UpstreamModel {
  /** What users write (`--models`) and see in reports, e.g. `gpt-5-mini`, `sim/direct`. */
  id: string;
  provider: ProviderKind;
  /** The provider's own model name (defaults to the id). */
  model: string;
  /** Provider base URL as the provider's own SDK takes it (see above); the simulator's is filled in at run time. */
  baseUrl: string;
  protocol: ModelProtocol;
  /** Environment variable that holds the key; undefined for keyless providers (the simulator). */
  keyEnv?: string;
}

/** The upstream kind a model's provider is metered as (the simulator speaks the model's protocol). */
export function upstreamKindOf(model: Pick<UpstreamModel, 'provider' | 'protocol'>): UpstreamKind {
  if (model.provider === 'sim') return model.protocol === 'anthropic' ? 'anthropic' : 'openai-compatible';
  return model.provider;
}

/**
 * The upstream of a real provider's model: its kind, its base URL as its SDK takes it, its key
 * (read by the caller from `keyEnv`) and the provider's own model name when the id differs.
 */
export function upstreamFor(model: UpstreamModel, apiKey: string | undefined): UpstreamConfig {
  return {
    kind: upstreamKindOf(model), baseUrl: model.baseUrl, ...(apiKey ? { apiKey } : {}), ...(model.keyEnv ? { keyEnv: model.keyEnv } : {}),
    ...(model.model !== model.id ? { modelMap: { [model.id]: model.model } } : {}),
  };
}

/** The upstream of a simulated model: the simulator's session, reached as the model's protocol's SDK would reach it. */
export function simUpstream(model: Pick<UpstreamModel, 'provider' | 'protocol'>, sessionUrl: string): UpstreamConfig {
  return { kind: upstreamKindOf(model), baseUrl: sdkBaseUrl(sessionUrl, model.protocol) };
}

/** Each provider's base URL as its own SDK has it by default. */
export const DEFAULT_BASE_URLS: Record<UpstreamKind, string> = {
  'openai-compatible': 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com',
  openrouter: 'https://openrouter.ai/api/v1',
};

/** What the provider's SDK appends to the base URL for each metered route. */
export const SDK_ROUTES: Record<ModelProtocol, readonly string[]> = {
  openai: ['/chat/completions', '/responses'],
  anthropic: ['/v1/messages'],
};

/**
 * The base URL an SDK of `protocol` takes for a server that serves the providers' routes at
 * `root/v1/...` (the simulated provider, test upstreams): `root/v1` for OpenAI clients, `root` for
 * Anthropic ones.
 */
export function sdkBaseUrl(root: string, protocol: ModelProtocol): string {
  const base = root.replace(/\/+$/, '');
  return protocol === 'openai' ? `${base}/v1` : base;
}

/**
 * How a client library takes its base URL, when it differs from the provider's own SDK:
 * `provider-sdk` (the OpenAI and Anthropic SDKs, and every CLI built on them: the trial URL as is),
 * `ai-sdk` (Vercel's AI SDK, used by Kilo and OpenCode: its Anthropic provider appends `/messages`,
 * so its base ends in `/v1`; its OpenAI-compatible provider is like the OpenAI SDK).
 */
export type ClientConvention = 'provider-sdk' | 'ai-sdk';

/** The base URL to give a client of `protocol` that follows `convention`, for the proxy's trial URL. */
export function clientBaseUrl(trialUrl: string, protocol: ModelProtocol, convention: ClientConvention): string {
  const base = trialUrl.replace(/\/+$/, '');
  return convention === 'ai-sdk' && protocol === 'anthropic' ? `${base}/v1` : base;
}

/**
 * The upstream request path: the provider base URL's path (no trailing slash) + the path the client
 * built after the trial URL + its query.
 */
export function upstreamRequestPath(basePath: string, clientPath: string, query: string): string {
  const base = basePath.replace(/\/+$/, '');
  return `${base}${clientPath.startsWith('/') ? clientPath : `/${clientPath}`}${query}`;
}

/** The credential headers each provider requires (OpenAI and OpenRouter: bearer; Anthropic: x-api-key + version). */
export const DEFAULT_ANTHROPIC_VERSION = '2023-06-01';

export function credentialHeaders(provider: UpstreamKind, key: string | undefined, anthropicVersion: string | undefined): Record<string, string> {
  if (provider === 'anthropic') {
    return { ...(key ? { 'x-api-key': key } : {}), 'anthropic-version': anthropicVersion || DEFAULT_ANTHROPIC_VERSION };
  }
  return key ? { authorization: `Bearer ${key}` } : {};
}

/** `openai-compatible (api.openai.com)`, `openrouter`, `anthropic`: how messages name the provider. */
export function providerLabel(provider: UpstreamKind, baseUrl: URL): string {
  return provider === 'openai-compatible' ? `openai-compatible (${baseUrl.host})` : provider;
}

const BASE_URL_HINTS: Record<UpstreamKind, string> = {
  'openai-compatible': 'check the model\'s baseUrl (it should end in /v1, as in the OpenAI SDK: https://api.openai.com/v1)',
  openrouter: 'check the model\'s baseUrl (it should be https://openrouter.ai/api/v1, as in the OpenAI SDK, or be left out)',
  anthropic: 'check the model\'s baseUrl (it should be the host without /v1, as in the Anthropic SDK: https://api.anthropic.com)',
};

/**
 * A 404 or 401 from a provider means the route or the key is wrong, not that the model failed:
 * the message names the provider, the request and the likely fix. Null for any other status.
 */
export function routeFailureMessage(provider: UpstreamKind, baseUrl: URL, method: string, path: string, status: number, keyEnv?: string): string | null {
  if (status !== 404 && status !== 401) return null;
  const what = `${providerLabel(provider, baseUrl)} returned ${status} for ${method} ${path.split('?')[0]}`;
  if (status === 404) return `${what}: ${BASE_URL_HINTS[provider]}`;
  if (status === 401) return `${what}: check the model's API key${keyEnv ? ` (the environment variable ${keyEnv})` : ''} and that it belongs to this provider`;
  return null;
}
