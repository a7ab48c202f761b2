/**
 * The shared words of the core: every layer may import these, and this folder imports nothing
 * else of the core (only `../json`). One file per concept.
 */
export { COST_SOURCES, type CostSource } from './cost-source';
export {
  DEFAULT_ANTHROPIC_VERSION, DEFAULT_BASE_URLS, PROVIDER_KINDS, SDK_ROUTES,
  clientBaseUrl, credentialHeaders, providerLabel, routeFailureMessage, sdkBaseUrl, simUpstream, upstreamFor, upstreamKindOf, upstreamRequestPath,
  type ClientConvention, type ModelProtocol, type ProviderKind, type UpstreamConfig, type UpstreamKind, type UpstreamModel,
} from './providers';
export { ZERO_USAGE, addUsage, totalInput, totalTokens, zeroUsage, type TokenUsage } from './tokens';
export { TOOL_CATEGORIES, categoriseToolName, classifyShellCommand, toolCategory, type ShellEffect, type ToolCategory } from './tool-categories';
export { EXCLUDED_FROM_PASS_RATE, FINAL_STATUSES, TRIAL_STATUSES, isTrialStatus, type TrialStatus } from './trial-status';
