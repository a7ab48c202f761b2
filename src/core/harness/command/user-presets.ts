/**
 * User-defined command presets, from a JSON file:
 *   1. the file named by KILOBENCH_HARNESSES, else
 *   2. `kilobench.harnesses.json` in the working folder, and
 *   3. `~/.config/kilobench/harnesses.json`
 * (every file that exists is read; a name may be defined once). The file:
 *   { "presets": [ { "name": "my-agent", "description": "…", "protocol": "openai", "version": "1.0.0",
 *                    "install": "kb_ensure_node 18 22.23.3\nnpm install -g my-agent@${KB_VERSION}",
 *                    "versionCommand": "my-agent --version",
 *                    "command": "my-agent run --model {model} -- {instruction}",
 *                    "env": { "OPENAI_BASE_URL": "{baseUrl}", "OPENAI_API_KEY": "{apiKey}" } } ] }
 * An entry may start from a built-in preset with `"extends": "claude-code"` and change any field
 * (its `env` is merged into the built-in's). Each becomes the harness `command:<name>`. Fields and
 * placeholders: preset.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parsePreset, PresetError, type CommandPreset } from './preset';
import { builtinPreset, BUILTIN_PRESETS } from './presets';

export function defaultPresetFiles(cwd = process.cwd(), env: NodeJS.ProcessEnv = process.env): string[] {
  if (env.KILOBENCH_HARNESSES) return [env.KILOBENCH_HARNESSES];
  return [join(cwd, 'kilobench.harnesses.json'), join(homedir(), '.config', 'kilobench', 'harnesses.json')];
}

/** The presets of one file's parsed JSON, checked; `file` names it in messages. */
export function parsePresetFile(json: unknown, file: string): CommandPreset[] {
  const root = typeof json === 'object' && json !== null && !Array.isArray(json) ? (json as Record<string, unknown>) : undefined;
  if (!root || !Array.isArray(root.presets)) throw new PresetError(`${file}: expected an object with a "presets" array`);
  const extra = Object.keys(root).filter((k) => k !== 'presets' && k !== '$schema');
  if (extra.length) throw new PresetError(`${file}: unknown top-level ${extra.length === 1 ? 'field' : 'fields'} ${extra.join(', ')} (only "presets")`);
  const seen = new Set<string>();
  return root.presets.map((entry, i) => {
    const where = `${file}: presets[${i}]`;
    let merged = entry;
    if (typeof entry === 'object' && entry !== null && !Array.isArray(entry) && 'extends' in entry) {
      const { extends: base, ...rest } = entry as Record<string, unknown>;
      const parent = typeof base === 'string' ? builtinPreset(base) : undefined;
      if (!parent) throw new PresetError(`${where}.extends must name a built-in preset (${BUILTIN_PRESETS.map((p) => p.name).join(', ')}), found ${JSON.stringify(base)}`);
      const { source: _source, ...parentFields } = parent;
      const env = typeof rest.env === 'object' && rest.env !== null && !Array.isArray(rest.env) ? { ...parent.env, ...(rest.env as Record<string, unknown>) } : rest.env ?? parent.env;
      merged = { ...parentFields, ...rest, env };
    }
    const preset = parsePreset(merged, where, file);
    if (builtinPreset(preset.name)) throw new PresetError(`${where}: "${preset.name}" is a built-in preset; give yours another name (with "extends": "${preset.name}" to start from it)`);
    if (seen.has(preset.name)) throw new PresetError(`${where}: the name "${preset.name}" is used twice`);
    seen.add(preset.name);
    return preset;
  });
}

export interface LoadedPresets {
  presets: CommandPreset[];
  /** One message per file that could not be used (the file and what is wrong). */
  problems: string[];
}

/** Every user preset of the files that exist; a file with a mistake adds a problem and no preset. */
export function loadUserPresets(files = defaultPresetFiles()): LoadedPresets {
  const presets: CommandPreset[] = [];
  const problems: string[] = [];
  for (const file of files) {
    if (!existsSync(file)) continue;
    try {
      let json: unknown;
      try {
        json = JSON.parse(readFileSync(file, 'utf8'));
      } catch (e) {
        throw new PresetError(`${file} is not valid JSON: ${(e as Error).message}`);
      }
      const mine = parsePresetFile(json, file);
      for (const preset of mine) {
        const other = presets.find((p) => p.name === preset.name);
        if (other) throw new PresetError(`${file}: the preset "${preset.name}" is also defined in ${other.source}`);
      }
      presets.push(...mine);
    } catch (e) {
      problems.push(e instanceof PresetError ? e.message : `${file}: ${(e as Error).message}`);
    }
  }
  return { presets, problems };
}
