/** Model providers KiloBench serves itself: the simulated provider (a test and demo device, always labelled simulated). */
export {
  FAULT_KINDS, isFaultKind, PROFILES, randomFaultsProblem, SIM_MODELS, startSimProvider,
  type FaultKind, type ProfileName, type RandomFaults, type SimFault, type SimLatency, type SimProvider, type SimProviderOptions, type SimSession, type SimSolution,
} from './sim';
