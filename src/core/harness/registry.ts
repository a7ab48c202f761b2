/** Harnesses by name. Agent harnesses (kilo, builtin, command) register here as they arrive. */
import type { Harness } from './harness';
import { nopHarness } from './nop';
import { oracleHarness } from './oracle';
import { builtinHarness } from './builtin/agent';
import { createKiloHarness, kiloHarness } from './kilo/harness';
import { isExactVersion, parseHarnessName } from './harness-spec';
import { COMMAND_PREFIX, commandHarness, commandHarnessNames } from './command';

const HARNESSES = new Map<string, Harness>([
  [oracleHarness.name, oracleHarness],
  [nopHarness.name, nopHarness],
  [builtinHarness.name, builtinHarness],
  [kiloHarness.name, kiloHarness],
]);

/** Harnesses that take a version (`kilo@7.7.9`, `command:<preset>@<version>`). */
const VERSIONED = 'kilo@<version>, command:<preset>@<version>';

/** One Kilo harness per version, so a run and the editor share it. */
const kiloVersions = new Map<string, Harness>();

/** Built-in harnesses, then `command:<preset>` for each command preset (built-in and the user's). */
export function harnessNames(): string[] {
  return [...HARNESSES.keys(), ...commandHarnessNames()];
}

/**
 * The harness of a name, with its version when one is written (`kilo@7.7.9`). Whether that version
 * exists is checked by the harness's prepare step, before any trial (it may need npm).
 */
export function getHarness(name: string): Harness {
  const spec = parseHarnessName(name);
  if (spec.base.startsWith(COMMAND_PREFIX)) return commandHarness(spec.base, spec.version);
  if (spec.version === undefined) {
    const harness = HARNESSES.get(name);
    if (!harness) throw new Error(`unknown harness "${name}" (known: ${harnessNames().join(', ')}, ${VERSIONED})`);
    return harness;
  }
  if (spec.base === kiloHarness.name) {
    if (!isExactVersion(spec.version)) throw new Error(`harness "${name}": the Kilo CLI needs an exact version (e.g. kilo@7.7.9), not a range`);
    let harness = kiloVersions.get(spec.version);
    if (!harness) kiloVersions.set(spec.version, (harness = createKiloHarness({ version: spec.version })));
    return harness;
  }
  if (HARNESSES.has(spec.base)) throw new Error(`harness "${name}": ${spec.base} has no versions (only ${VERSIONED} do)`);
  throw new Error(`unknown harness "${name}" (known: ${harnessNames().join(', ')}, ${VERSIONED})`);
}

/** True when `getHarness(name)` finds a harness (the version itself is checked later). */
export function isKnownHarness(name: string): boolean {
  try {
    getHarness(name);
    return true;
  } catch {
    return false;
  }
}
