/** Agent harnesses by name (Kilo, the built-in agent, command presets, oracle, nop); everything else in this folder is internal. */
export { getHarness, harnessNames, isKnownHarness } from './registry';
export { installedKiloVersions, publishedKiloVersions, KILO_VERSION } from './kilo/binary';
export type { Harness, HarnessContext, HarnessOutcome, TrialSandbox } from './harness';
