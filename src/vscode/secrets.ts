/**
 * API keys live only in VS Code's SecretStorage. A model names its key by a key name (by default
 * its provider kind: `openai-compatible`, `anthropic`, `openrouter`); a run hands the keys to the
 * engine as an environment map, under variable names derived here, and never writes them anywhere.
 */
import type * as vscode from 'vscode';
import type { ModelSetting } from './config';

const SECRET_PREFIX = 'kilobench.apiKey.';

/** The environment variable a key is handed over in (never set in the process environment). */
export function keyEnvName(keyName: string): string {
  return `KILOBENCH_KEY_${keyName.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}`;
}

export function isKeyName(value: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(value);
}

export class Keys {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  async has(keyName: string): Promise<boolean> {
    return Boolean(await this.secrets.get(SECRET_PREFIX + keyName));
  }

  async set(keyName: string, value: string): Promise<void> {
    await this.secrets.store(SECRET_PREFIX + keyName, value);
  }

  async delete(keyName: string): Promise<void> {
    await this.secrets.delete(SECRET_PREFIX + keyName);
  }

  /** The environment map a run needs for these key names, and the names that have no key yet. */
  async env(keyNames: Iterable<string>): Promise<{ env: Record<string, string>; missing: string[] }> {
    const env: Record<string, string> = {};
    const missing: string[] = [];
    for (const name of new Set(keyNames)) {
      const value = await this.secrets.get(SECRET_PREFIX + name);
      // A key of blanks is no key: the run would only fail later with a provider's 401.
      if (value?.trim()) env[keyEnvName(name)] = value.trim();
      else missing.push(name);
    }
    return { env, missing };
  }
}

/** A settings entry as the core's model parser expects it: its key named by an env variable we fill in at run time. */
export function modelEntryFromSetting(setting: ModelSetting): { entry: Record<string, unknown>; keyName: string | null } {
  const { keyName: named, ...rest } = setting;
  const entry: Record<string, unknown> = { ...rest };
  if (setting.provider === 'sim') return { entry, keyName: null };
  const keyName = typeof named === 'string' && isKeyName(named) ? named : setting.provider;
  entry.keyEnv = keyEnvName(keyName);
  return { entry, keyName };
}

