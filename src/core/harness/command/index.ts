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
import { BUILTIN_PRESETS } from './presets';
import { loadUserPresets } from './user-presets';

export const COMMAND_PREFIX = 'command:';

/** `command:<name>` for every built-in preset and every valid user preset. */
export function commandHarnessNames(): string[] {
  return [...BUILTIN_PRESETS, ...loadUserPresets().presets].map((p) => `${COMMAND_PREFIX}${p.name}`);
}

/** The harness of `command:<name>`; an unknown name explains what exists and what is wrong with the user's preset files. */
export function commandHarness(harnessName: string): Harness {
  const name = harnessName.slice(COMMAND_PREFIX.length);
  const builtin = BUILTIN_PRESETS.find((p) => p.name === name);
  if (builtin) return createCommandHarness(builtin);
  const user = loadUserPresets();
  const preset = user.presets.find((p) => p.name === name);
  if (preset) return createCommandHarness(preset);
  const known = [...BUILTIN_PRESETS, ...user.presets].map((p) => p.name).join(', ');
  throw new Error(`unknown command preset "${name}" (known: ${known})${user.problems.length ? `; preset file problems: ${user.problems.join('; ')}` : ''}`);
}
