/**
 * Kilo's configuration for one trial, passed as KILO_CONFIG_CONTENT: one custom provider (`kb`)
 * whose base URL is the metering proxy's trial URL and whose key is the trial token — the real
 * provider key never reaches the container — plus switches that keep Kilo from calling anything
 * else: no auto-update, no models.dev refresh, no telemetry, no sharing or session ingest, no
 * presence service, no LSP downloads, no plugins, and only the `kb` provider enabled (without that,
 * Kilo looks up its own gateway's model list at start).
 *
 * Checked against Kilo 7.7.7 with `strace -f -e trace=connect,sendto` on a host run: with this
 * configuration the only connections are to the proxy. Kilo's `glob` and `grep` tools would download
 * ripgrep from GitHub at first use in an image without `rg`; the harness links a static build from
 * the mounted cache into Kilo's bin folder instead (ripgrep.ts).
 */
import type { ModelAccess } from '../../models/model-spec';
import { clientBaseUrl } from '../../domain';

/** Provider id in Kilo's config; the model argument is `kb/<provider model>`. */
export const KILO_PROVIDER_ID = 'kb';
/** A writable folder inside the container for Kilo's state (database, logs, caches), and its HOME when the image's is not writable. */
export const KILO_HOME = '/tmp/kilobench-home';

/** $ per million tokens, when the harness knows the model's price (Kilo then reports its own cost). */
export interface KiloModelCost {
  input: number;
  output: number;
  cacheRead?: number;
  cacheWrite?: number;
}

export interface KiloConfigOptions {
  cost?: KiloModelCost;
}

/** The AI SDK package Kilo loads for the model's wire protocol (both are bundled in the binary). */
export function kiloProviderPackage(protocol: ModelAccess['protocol']): string {
  return protocol === 'anthropic' ? '@ai-sdk/anthropic' : '@ai-sdk/openai-compatible';
}

/** The proxy's trial URL as Kilo's AI SDK providers take it (domain/providers.ts has the rule). */
export function kiloBaseUrl(model: Pick<ModelAccess, 'baseUrl' | 'protocol'>): string {
  return clientBaseUrl(model.baseUrl, model.protocol, 'ai-sdk');
}

/** `kb/sim/direct` — Kilo splits at the first slash, so provider models may contain slashes. */
export function kiloModelArg(model: Pick<ModelAccess, 'providerModel'>): string {
  return `${KILO_PROVIDER_ID}/${model.providerModel}`;
}

export function kiloConfig(model: ModelAccess, options: KiloConfigOptions = {}): Record<string, unknown> {
  const modelArg = kiloModelArg(model);
  const entry: Record<string, unknown> = { name: model.id, tool_call: true };
  if (options.cost) {
    entry.cost = {
      input: options.cost.input,
      output: options.cost.output,
      ...(options.cost.cacheRead !== undefined ? { cache_read: options.cost.cacheRead } : {}),
      ...(options.cost.cacheWrite !== undefined ? { cache_write: options.cost.cacheWrite } : {}),
    };
  }
  return {
    $schema: 'https://app.kilo.ai/config.json',
    provider: {
      [KILO_PROVIDER_ID]: {
        npm: kiloProviderPackage(model.protocol),
        name: 'KiloBench (metered)',
        options: { baseURL: kiloBaseUrl(model), apiKey: model.apiKey },
        models: { [model.providerModel]: entry },
      },
    },
    // Only our provider: otherwise Kilo asks its gateway (api.kilo.ai) for models at start.
    enabled_providers: [KILO_PROVIDER_ID],
    model: modelArg,
    // Session titles and other small tasks go to the same model, through the proxy.
    small_model: modelArg,
    autoupdate: false,
    share: 'disabled',
    experimental: { openTelemetry: false },
  };
}

/**
 * Environment for `kilo run` in the container: the config, Kilo's state (database, logs, caches) in
 * XDG folders under KILO_HOME whatever the image sets, and Kilo's switches for everything that would
 * call out or read configuration from outside the trial (a task repository's own kilo.json could
 * otherwise route model calls around the proxy). HOME stays the image's when it is writable (the
 * agent's commands inherit it, and tasks may rely on it); otherwise it is KILO_HOME too.
 */
export function kiloEnv(model: ModelAccess, options: KiloConfigOptions & { home?: string } = {}): Record<string, string> {
  return {
    HOME: options.home ?? KILO_HOME,
    XDG_CONFIG_HOME: `${KILO_HOME}/.config`,
    XDG_DATA_HOME: `${KILO_HOME}/.local/share`,
    XDG_CACHE_HOME: `${KILO_HOME}/.cache`,
    XDG_STATE_HOME: `${KILO_HOME}/.local/state`,
    KILO_CONFIG_CONTENT: JSON.stringify(kiloConfig(model, options)),
    // No stored credentials for any provider.
    KILO_AUTH_CONTENT: '{}',
    KILO_DISABLE_AUTOUPDATE: '1',
    KILO_DISABLE_MODELS_FETCH: '1',
    KILO_TELEMETRY_LEVEL: 'off',
    KILO_DISABLE_SHARE: '1',
    KILO_DISABLE_SESSION_INGEST: '1',
    KILO_DISABLE_PRESENCE: '1',
    KILO_DISABLE_LSP_DOWNLOAD: '1',
    KILO_DISABLE_CODEBASE_INDEXING: '1',
    KILO_DISABLE_CLAUDE_CODE: '1',
    KILO_DISABLE_DEFAULT_PLUGINS: '1',
    KILO_DISABLE_EXTERNAL_SKILLS: '1',
    KILO_DISABLE_PROJECT_CONFIG: '1',
    KILO_PURE: '1',
  };
}
