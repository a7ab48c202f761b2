/** Harnesses by name. Agent harnesses (kilo, builtin, command) register here as they arrive. */
import type { Harness } from './harness';
import { nopHarness } from './nop';
import { oracleHarness } from './oracle';
import { builtinHarness } from './builtin/agent';
import { kiloHarness } from './kilo/harness';
import { COMMAND_PREFIX, commandHarness, commandHarnessNames } from './command';

const HARNESSES = new Map<string, Harness>([
  [oracleHarness.name, oracleHarness],
  [nopHarness.name, nopHarness],
  [builtinHarness.name, builtinHarness],
  [kiloHarness.name, kiloHarness],
]);

/** Built-in harnesses, then `command:<preset>` for each command preset (built-in and the user's). */
export function harnessNames(): string[] {
  return [...HARNESSES.keys(), ...commandHarnessNames()];
}

export function getHarness(name: string): Harness {
  if (name.startsWith(COMMAND_PREFIX)) return commandHarness(name);
  const harness = HARNESSES.get(name);
  if (!harness) throw new Error(`unknown harness "${name}" (known: ${harnessNames().join(', ')})`);
  return harness;
}
