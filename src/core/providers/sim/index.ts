/** The simulated provider (a test device, always labelled simulated). */
export { startSimProvider, type SimProvider, type SimProviderOptions, type SimLatency } from './server';
export type { SimSession, SimSolution } from './policy';
export type { SimFault, FaultKind, RandomFaults } from './faults';
export { FAULT_KINDS, isFaultKind, randomFaultsProblem } from './faults';
export { PROFILES, SIM_MODELS, type ProfileName } from './profiles';
