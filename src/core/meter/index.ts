/** The metering proxy's public surface; everything else in this folder is internal. */
export { startMeteringProxy, type MeteringProxy, type MeteringProxyOptions, type TrialHandle } from './proxy-server';
export type { TrialRegistration, UpstreamConfig } from './trial-registry';
export {
  totalTokens, ZERO_USAGE,
  type Budget, type BudgetExceededEvent, type MeteredCall, type Protocol, type TokenUsage, type ToolCallSeen, type Totals, type UpstreamKind,
} from './types';
export { detectProtocol, normaliseUsage } from './protocol';
export { TEXT_CAP_BYTES } from './capped-text';
