/** The `kilo` harness's public surface: the harness, preparing its binary, and reconciling its figures. */
export { kiloHarness, createKiloHarness, kiloRunArgs, type KiloHarnessOptions } from './harness';
export {
  prepareKilo, ensureKiloBinary, kiloCacheRoot, KILO_VERSION, KILO_MOUNT, KiloBinaryError,
  type PreparedKilo, type PrepareKiloOptions, type KiloFetchProgress, type KiloBinary, type KiloPlatform,
} from './binary';
export { kiloConfig, kiloEnv, kiloModelArg, KILO_HOME, KILO_PROVIDER_ID } from './config';
export { KiloEventParser, parseKiloStream, type KiloStep, type KiloStepTokens } from './events';
export { reconcileKiloSteps, isKiloSteps, kiloUsage, type KiloReconciliation, type ReconcilableCall } from './reconcile';
