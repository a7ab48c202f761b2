/**
 * Which Kilo CLI releases KiloBench can drive. Each release listed here was run for real against
 * the simulated provider on a bundled task (test/integration/harness/kilo-versions.test.ts): the
 * config of config.ts is accepted, the JSON events of events.ts are read, and Kilo's own usage
 * reconciles with the proxy's metered calls (reconcile.ts). Releases known not to work are refused
 * before any trial, with the reason; releases not tried yet are run and checked the same way on
 * every trial (the version printed, the events, the reconciliation findings).
 */
import { compareVersions } from '../harness-spec';

/** Releases tried end to end (config, events, reconciliation), oldest first. */
export const KILO_TESTED_VERSIONS: readonly string[] = ['7.0.33', '7.7.2', '7.7.7', '7.7.9'];

/** The oldest release whose `kilo run --format json` events and config KiloBench reads. */
export const KILO_MIN_VERSION = '7.0.33';

/** Releases that cannot be driven, with why (none of the tried ones, so far). */
const REFUSED: Readonly<Record<string, string>> = {};

/** Why KiloBench cannot drive this release, or undefined when it can (or may: untried releases are checked as they run). */
export function kiloVersionRefusal(version: string): string | undefined {
  const reason = REFUSED[version];
  if (reason) return `Kilo CLI ${version} cannot be driven by KiloBench: ${reason}. Tried releases: ${KILO_TESTED_VERSIONS.join(', ')}.`;
  if (compareVersions(version, KILO_MIN_VERSION) < 0) {
    return `Kilo CLI ${version} is older than ${KILO_MIN_VERSION}, the oldest release whose config and JSON events KiloBench reads; pick one of ${KILO_TESTED_VERSIONS.join(', ')}.`;
  }
  return undefined;
}

/**
 * Whether the release's step_finish `output` already includes reasoning tokens (reconcile.ts).
 * Measured: 7.0.33 includes them (its output equals the proxy's), 7.7.2, 7.7.7 and 7.7.9 report them
 * apart. A release between two tried ones is taken to follow the older of the two; the
 * reconciliation findings on its trials show it if that is wrong.
 */
export function kiloOutputIncludesReasoning(version: string | undefined): boolean {
  if (!version || !/^\d+\.\d+\.\d+/.test(version)) return false;
  return compareVersions(version, '7.7.2') < 0;
}
