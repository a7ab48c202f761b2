/** The metering proxy's public surface; everything else in this folder is internal. */
export { startMeteringProxy, type MeteringProxy, type MeteringProxyOptions, type TrialHandle } from './proxy-server';
export type { TrialRegistration } from './trial-registry';
export type { Budget, BudgetExceededEvent, MeteredCall, Protocol, ToolCallSeen, Totals } from './types';
export { detectProtocol, normaliseUsage } from './wire-protocol';
export { reprice } from './reprice';
export { TEXT_CAP_BYTES } from './capped-text';
