/**
 * The core's entry: what a host loads at run time to drive the engine (the editor bundles this
 * into `dist/core.js` through src/vscode/core.ts). Each folder's own index.ts is its public surface;
 * this file picks from those and imports nothing deeper. No folder imports it.
 */
export { Store } from './store';
export {
  BenchmarkSession, buildPlan, describeInterrupted, markInterruptedRuns, newRunId, planFromRecord, PlanError, ResumeError, validateTasks,
} from './run';
export { getHarness, harnessNames, installedKiloVersions, isKnownHarness, KILO_VERSION, publishedKiloVersions } from './harness';
export { builtinModels, ModelConfigError, parseModelEntry, readModelsFile, requireModelKeys, resolveModels } from './models';
export { bundledTasksDir, findTaskDirs, formatTaskError, loadTask, loadTasks, TaskPathError } from './tasks';
export { describeHost, DockerRuntime, EngineConfigError, enginesFromHosts, readEnginesFile, resolveDockerHost, type EngineEntry } from './runtime';
export { forecastFromStore, modelsCsv, renderHtmlReport, reportFromStore, ReportError, reportJson, tasksCsv } from './report';
export { mine, readMineReport, repoRoot } from './mine';
export { CancelledError, InfraError, InputError, KiloBenchError, VerifierError, type ErrorKind } from './errors';
