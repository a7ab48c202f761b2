/** Planning and running a benchmark: the session the front ends drive, plans, resumes, validation, progress events. */
export { BenchmarkSession } from './benchmark-session';
export { EventBatcher } from './event-batcher';
export type { EngineLoad, RunEvent, RunProgress } from './events';
export { describeInterrupted, markInterruptedRuns } from './interrupted-runs';
export { buildPlan, newRunId, planHarnessList, PlanError, RUN_LIMITS } from './new-plan';
export { DEFAULT_SETTINGS, planHarnesses, type RunPlan } from './plan';
export type { RunSummary } from './scheduler';
export { planFromRecord, ResumeError } from './stored-plan';
export { forcedOfflineWarning, NETWORK_SETTINGS, type NetworkSetting } from './task-network';
export { TrialRecorder } from './trial-recorder';
export { validateTasks, type TaskValidation } from './validate-tasks';
