/**
 * Models come from a models file (`kilobench.models.json` in the workspace or
 * `~/.config/kilobench/models.json`) plus the built-in simulated models. Every entry is checked:
 * a bad field gets a message naming the file, the entry and the field.
 */
import { InputError } from '../errors';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { PROFILES } from '../providers/sim/profiles';
import { DEFAULT_BASE_URLS, PROVIDER_KINDS, type ProviderKind } from '../domain';
import type { ModelSpec } from './model-spec';

export class ModelConfigError extends InputError {
  constructor(message: string) {
    super(message);
  }
}

/** `sim/<profile>` speaks OpenAI Chat Completions, `sim-anthropic/<profile>` Anthropic Messages. */
export function builtinModels(): ModelSpec[] {
  return Object.keys(PROFILES).flatMap((profile) => [
    { id: `sim/${profile}`, provider: 'sim' as const, model: `sim/${profile}`, baseUrl: '', protocol: 'openai' as const, simulated: true },
    { id: `sim-anthropic/${profile}`, provider: 'sim' as const, model: `sim/${profile}`, baseUrl: '', protocol: 'anthropic' as const, simulated: true },
  ]);
}

export function defaultModelFiles(cwd = process.cwd()): string[] {
  return [join(cwd, 'kilobench.models.json'), join(homedir(), '.config', 'kilobench', 'models.json')];
}

const KEY_ENV = /^[A-Za-z_][A-Za-z0-9_]*$/;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The dearest models cost a few hundred dollars per million tokens; far beyond is a unit mistake. */
const MAX_PRICE_PER_MILLION = 10_000;

function checkPrice(value: unknown, where: string): ModelSpec['price'] {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ModelConfigError(`${where}.price must be an object of $ per million tokens`);
  const price = value as Record<string, unknown>;
  for (const [field, v] of Object.entries(price)) {
    if (!['input', 'output', 'cacheRead', 'cacheWrite', 'reasoning'].includes(field)) throw new ModelConfigError(`${where}.price.${field} is not a price field (input, output, cacheRead, cacheWrite, reasoning)`);
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new ModelConfigError(`${where}.price.${field} must be a number ≥ 0, found ${typeof v === 'number' ? String(v) : JSON.stringify(v)}`);
    if (v > MAX_PRICE_PER_MILLION) throw new ModelConfigError(`${where}.price.${field} is $${v} per million tokens; prices are in dollars per MILLION tokens and at most ${MAX_PRICE_PER_MILLION}`);
  }
  if (price.input === undefined || price.output === undefined) throw new ModelConfigError(`${where}.price needs at least input and output`);
  return price as unknown as ModelSpec['price'];
}

/** One entry of a models file, checked. */
export function parseModelEntry(entry: unknown, where: string): ModelSpec {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw new ModelConfigError(`${where} must be an object`);
  const e = entry as Record<string, unknown>;
  if (typeof e.id !== 'string' || !e.id.trim()) throw new ModelConfigError(`${where}.id must be a non-empty string`);
  const at = `${where} (${e.id})`;
  if (typeof e.provider !== 'string' || !(PROVIDER_KINDS as readonly string[]).includes(e.provider)) {
    throw new ModelConfigError(`${at}.provider must be one of ${PROVIDER_KINDS.join(', ')}, found ${JSON.stringify(e.provider)}`);
  }
  const provider = e.provider as ProviderKind;
  if ('apiKey' in e || 'key' in e) throw new ModelConfigError(`${at}: API keys never go in a models file; name the environment variable that holds it in "keyEnv"`);
  if (e.keyEnv !== undefined && (typeof e.keyEnv !== 'string' || !KEY_ENV.test(e.keyEnv))) throw new ModelConfigError(`${at}.keyEnv must be an environment variable name`);
  if (provider !== 'sim' && e.keyEnv === undefined) throw new ModelConfigError(`${at}.keyEnv is missing: name the environment variable that holds the ${provider} key`);
  if (e.baseUrl !== undefined) {
    try {
      const url = new URL(String(e.baseUrl));
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error();
    } catch {
      throw new ModelConfigError(`${at}.baseUrl must be an http(s) URL, found ${JSON.stringify(e.baseUrl)}`);
    }
  }
  if (e.model !== undefined && typeof e.model !== 'string') throw new ModelConfigError(`${at}.model must be a string`);
  if (e.reasoningEffort !== undefined && !['low', 'medium', 'high'].includes(String(e.reasoningEffort))) throw new ModelConfigError(`${at}.reasoningEffort must be low, medium or high`);
  const protocol = e.protocol ?? (provider === 'anthropic' ? 'anthropic' : 'openai');
  if (protocol !== 'openai' && protocol !== 'anthropic') throw new ModelConfigError(`${at}.protocol must be openai or anthropic`);
  const spec: ModelSpec = {
    id: e.id,
    provider,
    model: typeof e.model === 'string' ? e.model : e.id,
    baseUrl: typeof e.baseUrl === 'string' ? e.baseUrl : provider === 'sim' ? '' : DEFAULT_BASE_URLS[provider],
    protocol,
    simulated: provider === 'sim',
  };
  if (typeof e.keyEnv === 'string') spec.keyEnv = e.keyEnv;
  if (e.reasoningEffort) spec.reasoningEffort = e.reasoningEffort as ModelSpec['reasoningEffort'];
  const price = checkPrice(e.price, at);
  if (price) spec.price = price;
  return spec;
}

export function readModelsFile(path: string): ModelSpec[] {
  let text: string;
  try {
    // Editors on Windows often start a UTF-8 file with a byte-order mark; JSON.parse does not accept one.
    text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  } catch (e) {
    throw new ModelConfigError(`${path}: cannot read the models file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (!text.trim()) throw new ModelConfigError(`${path}: the models file is empty; write {"models": [...]} in it`);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new ModelConfigError(`${path}: not valid JSON (${(e as Error).message}); expected {"models": [...]}`);
  }
  const list = Array.isArray(data) ? data : isObject(data) ? data.models : undefined;
  if (!Array.isArray(list)) throw new ModelConfigError(`${path}: expected {"models": [...]} or a list of models`);
  const specs = list.map((entry, i) => parseModelEntry(entry, `${path}: models[${i}]`));
  const seen = new Set<string>();
  for (const spec of specs) {
    if (seen.has(spec.id)) throw new ModelConfigError(`${path}: model id "${spec.id}" appears twice`);
    seen.add(spec.id);
  }
  return specs;
}

/** Every model known: built-ins, then files in order (a later file's entry replaces an earlier one of the same id). */
export function knownModels(files: readonly string[] = defaultModelFiles()): Map<string, ModelSpec> {
  const known = new Map(builtinModels().map((m) => [m.id, m]));
  for (const file of files) if (existsSync(file)) for (const spec of readModelsFile(file)) known.set(spec.id, spec);
  return known;
}

/**
 * The one "missing key" rule, for the CLI and the editor alike: every model that names a `keyEnv`
 * finds a non-empty value there, or the first that does not is a ModelConfigError saying what to set.
 */
export function requireModelKeys(specs: readonly ModelSpec[], env: NodeJS.ProcessEnv): void {
  for (const spec of specs) {
    if (spec.keyEnv && !env[spec.keyEnv]?.trim()) {
      const state = env[spec.keyEnv] === undefined ? 'is not set' : 'is empty';
      throw new ModelConfigError(`model ${spec.id} needs its API key in the environment variable ${spec.keyEnv}, which ${state}: export ${spec.keyEnv}=... before the run`);
    }
  }
}

/** The models named, in order; unknown ids and missing keys are errors that say what to do. */
export function resolveModels(ids: readonly string[], known: Map<string, ModelSpec>, env: NodeJS.ProcessEnv = process.env): ModelSpec[] {
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length) {
    throw new ModelConfigError(`unknown ${unknown.length === 1 ? 'model' : 'models'}: ${unknown.join(', ')}. Known: ${[...known.keys()].join(', ')}. Add models in kilobench.models.json.`);
  }
  const specs = ids.map((id) => known.get(id)!);
  requireModelKeys(specs, env);
  return specs;
}
