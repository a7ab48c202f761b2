/** Harnesses by name. Agent harnesses (kilo, builtin, command) register here as they arrive. */
import type { Harness } from './harness';
import { nopHarness } from './nop';
import { oracleHarness } from './oracle';
import { builtinHarness } from './builtin/agent';

const HARNESSES = new Map<string, Harness>([
  [oracleHarness.name, oracleHarness],
  [nopHarness.name, nopHarness],
  [builtinHarness.name, builtinHarness],
]);

export function harnessNames(): string[] {
  return [...HARNESSES.keys()];
}

export function getHarness(name: string): Harness {
  const harness = HARNESSES.get(name);
  if (!harness) throw new Error(`unknown harness "${name}" (known: ${harnessNames().join(', ')})`);
  return harness;
}
