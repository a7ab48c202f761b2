/**
 * A command preset: how to install an agent CLI into a task's container and how to start it, pointed
 * at the metering proxy. Presets are data (the built-in ones are in presets.ts; users add their own
 * in a JSON file, see user-presets.ts), checked here with errors that name the field.
 *
 * Placeholders, in `command` and in `env` values:
 *   {instruction}      the task's instruction (arbitrary text)
 *   {instructionFile}  a file in the container holding the instruction (for CLIs that read one)
 *   {model}            the model name to put in requests (ModelAccess.providerModel)
 *   {baseUrl}          the proxy's trial URL, which stands in for the provider's base URL as the
 *                      provider's own SDK takes it (OPENAI_BASE_URL, ANTHROPIC_BASE_URL…): clients
 *                      append `/chat/completions`, `/responses` or `/v1/messages` to it
 *   {apiKey}           the trial token (the only credential a harness ever holds)
 *   {workdir}          the task's working folder
 *   {home}             a writable HOME for the CLI's state (created before the run)
 *   {version}          the preset's version (what the install script installs)
 * In `command` every placeholder becomes ONE shell word, single-quoted, whatever it contains, so it
 * must stand outside quotes in the template (`--model {model}`, not `--model "{model}"`); a template
 * that quotes a placeholder is refused. In `env` values the text is put in as it is (no shell is
 * involved: variables are passed to the process directly).
 */
import { InputError } from '../../errors';

export type PresetProtocol = 'openai' | 'anthropic';

/** How to read what the CLI prints on stdout: its own usage figures, to reconcile with the proxy. */
export type OutputFormat = 'claude-stream-json' | 'opencode-json' | 'codex-json' | 'text';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['claude-stream-json', 'opencode-json', 'codex-json', 'text'];

export interface CommandPreset {
  /** `[a-z0-9][a-z0-9._-]*`; the harness is `command:<name>`. */
  name: string;
  description: string;
  /** The wire protocol the CLI speaks; the model must be served over it. */
  protocol: PresetProtocol;
  /** What the install script installs (an npm or pip version); part of the cache key. */
  version: string;
  /**
   * Bash, run as root inside the task's container with network (at image-build time for the cached
   * image, or in the trial's container when there is no cached image). Must be idempotent. Gets the
   * helpers of install.ts (`kb_ensure_node`, `kb_apt_install`, `kb_log`, `kb_die`…) and
   * `KB_VERSION` = `version`.
   */
  install: string;
  /** Prints the installed CLI's version; exits non-zero when it is not installed. Run with `env`. */
  versionCommand: string;
  /** Shell command line (POSIX sh), with placeholders; run in the task's working folder. */
  command: string;
  /** Environment for the version command and the run, with placeholders. HOME is {home} unless set here. */
  env: Record<string, string>;
  /** How to read the CLI's stdout (default `text`: nothing is read). */
  output?: OutputFormat;
  /** Time limit of the install, in seconds (default 900). */
  installTimeoutSec?: number;
  /** Where the preset came from (`built-in` or a file), for messages. */
  source?: string;
}

export const PLACEHOLDERS = ['instruction', 'instructionFile', 'model', 'baseUrl', 'apiKey', 'workdir', 'home', 'version'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
export type PlaceholderValues = Record<Placeholder, string>;

export class PresetError extends InputError {
  constructor(message: string) {
    super(message);
  }
}

const NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PLACEHOLDER = /\{([A-Za-z]+)\}/g;

/** `it's` → `'it'\''s'`: one POSIX shell word whatever the text (NUL cannot be passed and is refused). */
export function shellQuote(text: string): string {
  if (text.includes('\0')) throw new PresetError('a value for the command line contains a NUL character');
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Placeholders used in a text, in order of appearance (unknown names included). */
export function placeholdersIn(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1] as string);
}

function isPlaceholder(name: string): name is Placeholder {
  return (PLACEHOLDERS as readonly string[]).includes(name);
}

/**
 * Placeholders of a command template that stand inside quotes or right after a backslash (where a
 * quoted word would not be one word): `"{x}"`, `'{x}'`, `\{x}`. Walks the template the way sh reads
 * quotes.
 */
export function quotedPlaceholders(template: string): string[] {
  const found: string[] = [];
  const placeholderAt = (i: number): void => {
    const m = /^\{([A-Za-z]+)\}/.exec(template.slice(i));
    if (m && isPlaceholder(m[1] as string)) found.push(m[1] as string);
  };
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < template.length; i++) {
    const c = template[i] as string;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else if (c === '{') placeholderAt(i);
    } else if (c === '\\') {
      if (template[i + 1] === '{') placeholderAt(i + 1);
      i++;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '{') placeholderAt(i);
    } else if (c === '"' || c === "'") {
      quote = c;
    }
  }
  return found;
}

/** The command template with every placeholder replaced by one single-quoted shell word. */
export function renderCommand(template: string, values: PlaceholderValues): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => (isPlaceholder(name) ? shellQuote(values[name]) : whole));
}

/** An env value with placeholders replaced by their text as it is. */
export function renderEnvValue(template: string, values: PlaceholderValues): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => (isPlaceholder(name) ? values[name] : whole));
}

export function renderEnv(env: Record<string, string>, values: PlaceholderValues): Record<string, string> {
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, renderEnvValue(v, values)]));
}

function str(entry: Record<string, unknown>, field: string, where: string, options: { optional?: boolean; multiline?: boolean } = {}): string | undefined {
  const value = entry[field];
  if (value === undefined && options.optional) return undefined;
  if (typeof value !== 'string' || !value.trim()) throw new PresetError(`${where}.${field} must be a non-empty string${value === undefined ? ' (missing)' : `, found ${JSON.stringify(value).slice(0, 80)}`}`);
  if (!options.multiline && /[\r\n]/.test(value)) throw new PresetError(`${where}.${field} must be one line`);
  return value;
}

function checkPlaceholders(text: string, where: string): void {
  const unknown = placeholdersIn(text).filter((p) => !isPlaceholder(p));
  if (unknown.length) throw new PresetError(`${where} uses unknown ${unknown.length === 1 ? 'placeholder' : 'placeholders'} ${[...new Set(unknown)].map((p) => `{${p}}`).join(', ')} (known: ${PLACEHOLDERS.map((p) => `{${p}}`).join(', ')})`);
}

const FIELDS = ['name', 'description', 'protocol', 'version', 'install', 'versionCommand', 'command', 'env', 'output', 'installTimeoutSec'];

/** One preset (a user's JSON entry or a built-in one), checked; `where` names it in messages. */
export function parsePreset(entry: unknown, where: string, source = 'built-in'): CommandPreset {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw new PresetError(`${where} must be an object`);
  const e = entry as Record<string, unknown>;
  const name = str(e, 'name', where) as string;
  if (!NAME.test(name)) throw new PresetError(`${where}.name must be lower case letters, digits, '.', '_' or '-' (at most 64), found ${JSON.stringify(name)}`);
  const at = `${where} (${name})`;
  for (const field of Object.keys(e)) {
    if (!FIELDS.includes(field)) throw new PresetError(`${at}: unknown field "${field}" (fields: ${FIELDS.join(', ')})`);
  }
  const description = str(e, 'description', at) as string;
  if (e.protocol !== 'openai' && e.protocol !== 'anthropic') throw new PresetError(`${at}.protocol must be "openai" or "anthropic", found ${JSON.stringify(e.protocol)}`);
  const version = str(e, 'version', at) as string;
  if (!/^[A-Za-z0-9][A-Za-z0-9._+~-]*$/.test(version)) throw new PresetError(`${at}.version must be a version such as 1.2.3 (letters, digits, . _ + ~ -), found ${JSON.stringify(version)}`);
  const install = str(e, 'install', at, { multiline: true }) as string;
  const versionCommand = str(e, 'versionCommand', at) as string;
  const command = str(e, 'command', at, { multiline: true }) as string;
  checkPlaceholders(command, `${at}.command`);
  if (!placeholdersIn(command).some((p) => p === 'instruction' || p === 'instructionFile')) {
    throw new PresetError(`${at}.command never passes the task: use {instruction} (or {instructionFile})`);
  }
  const quoted = quotedPlaceholders(command);
  if (quoted.length) {
    throw new PresetError(`${at}.command has ${quoted.map((p) => `{${p}}`).join(', ')} inside quotes: placeholders become one quoted shell word each, so write them bare (--model {model}, not --model "{model}")`);
  }
  if (typeof e.env !== 'object' || e.env === null || Array.isArray(e.env)) throw new PresetError(`${at}.env must be an object of environment variables (use {} for none)`);
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(e.env as Record<string, unknown>)) {
    if (!ENV_NAME.test(key)) throw new PresetError(`${at}.env: "${key}" is not an environment variable name`);
    if (typeof value !== 'string') throw new PresetError(`${at}.env.${key} must be a string, found ${JSON.stringify(value)}`);
    if (value.includes('\0')) throw new PresetError(`${at}.env.${key} contains a NUL character`);
    checkPlaceholders(value, `${at}.env.${key}`);
    if (placeholdersIn(value).some((p) => p === 'instruction')) throw new PresetError(`${at}.env.${key}: {instruction} belongs in the command (or use {instructionFile})`);
    env[key] = value;
  }
  let output: OutputFormat | undefined;
  if (e.output !== undefined) {
    if (!OUTPUT_FORMATS.includes(e.output as OutputFormat)) throw new PresetError(`${at}.output must be one of ${OUTPUT_FORMATS.join(', ')}, found ${JSON.stringify(e.output)}`);
    output = e.output as OutputFormat;
  }
  let installTimeoutSec: number | undefined;
  if (e.installTimeoutSec !== undefined) {
    if (typeof e.installTimeoutSec !== 'number' || !Number.isFinite(e.installTimeoutSec) || e.installTimeoutSec <= 0) {
      throw new PresetError(`${at}.installTimeoutSec must be a number of seconds > 0, found ${JSON.stringify(e.installTimeoutSec)}`);
    }
    installTimeoutSec = e.installTimeoutSec;
  }
  return {
    name, description, protocol: e.protocol, version, install, versionCommand, command, env,
    ...(output ? { output } : {}),
    ...(installTimeoutSec !== undefined ? { installTimeoutSec } : {}),
    source,
  };
}
