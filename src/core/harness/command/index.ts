/** The `command` harness: any agent CLI from a preset (`command:<preset>`). See harness.ts. */
export { createCommandHarness, COMMAND_HOME, INSTRUCTION_FILE, type CommandHarnessOptions } from './harness';
export {
  parsePreset, renderCommand, renderEnv, shellQuote, quotedPlaceholders, PresetError, PLACEHOLDERS,
  type CommandPreset, type OutputFormat, type PlaceholderValues, type PresetProtocol,
} from './preset';
export { BUILTIN_PRESETS, builtinPreset } from './presets';
export { loadUserPresets, parsePresetFile, defaultPresetFiles } from './user-presets';
export { ensureDerivedImage, installInContainer, installScript, derivedDockerfile, hostCaBundle, INSTALL_PRELUDE } from './install';
export { CallTranscript, transcriptFromCalls, summarizeCalls, categoryOf, shellCommandOf } from './transcript';
export { ReportedUsageReader, reconcileReported, type ReportedUsage } from './reported-usage';

import { createCommandHarness } from './harness';
import type { Harness } from '../harness';
import type { CommandPreset } from './preset';
import { isExactVersion } from '../harness-spec';
import { BUILTIN_PRESETS } from './presets';
import { loadUserPresets } from './user-presets';

export const COMMAND_PREFIX = 'command:';

/** `command:<name>` for every built-in preset and every valid user preset. */
export function commandHarnessNames(): string[] {
  return [...BUILTIN_PRESETS, ...loadUserPresets().presets].map((p) => `${COMMAND_PREFIX}${p.name}`);
}

/**
 * The harness of `command:<name>`, at the preset's version or at `version` (`command:claude-code@2.1.x`):
 * the install script gets it as KB_VERSION, so the derived image is built for it, and the trial
 * fails when the CLI's `--version` prints another. Ranges (`2.1.x`) only for presets installed
 * with npm, which resolves them. An unknown name explains what exists and what is wrong with the
 * user's preset files.
 */
export function commandHarness(harnessName: string, version?: string): Harness {
  const name = harnessName.slice(COMMAND_PREFIX.length);
  const user = BUILTIN_PRESETS.some((p) => p.name === name) ? undefined : loadUserPresets();
  const preset = BUILTIN_PRESETS.find((p) => p.name === name) ?? user?.presets.find((p) => p.name === name);
  if (preset) return version === undefined ? createCommandHarness(preset) : versionedCommandHarness(preset, version);
  if (!user) throw new Error(`unknown command preset "${name}"`);
  const known = [...BUILTIN_PRESETS, ...user.presets].map((p) => p.name).join(', ');
  throw new Error(`unknown command preset "${name}" (known: ${known})${user.problems.length ? `; preset file problems: ${user.problems.join('; ')}` : ''}`);
}

function versionedCommandHarness(preset: CommandPreset, version: string): Harness {
  if (!isExactVersion(version) && !/\bnpm install\b/.test(preset.install)) {
    throw new Error(`command:${preset.name}@${version}: ${preset.name} is not installed with npm, so it needs an exact version (e.g. command:${preset.name}@${preset.version}), not a range`);
  }
  const harness = createCommandHarness({ ...preset, version }, { expectVersion: version });
  return { ...harness, name: `${COMMAND_PREFIX}${preset.name}@${version}` };
}
