/**
 * The engine as the editor uses it, bundled on its own into `dist/core.js` and loaded on first need
 * (see load-core.ts): Docker, the metering proxy, the SDKs and sql.js stay out of activation.
 * Only this file and load-core.ts name these modules at run time; the rest of src/vscode imports
 * their types.
 */
export { Store } from '../core/store';
export { BenchmarkSession } from '../core/run/benchmark-session';
export { describeInterrupted, markInterruptedRuns } from '../core/run/interrupted-runs';
export { buildPlan, newRunId, PlanError } from '../core/run/new-plan';
export { planFromRecord, ResumeError } from '../core/run/stored-plan';
export { validateTasks } from '../core/run/validate-tasks';
export { getHarness, harnessNames, isKnownHarness } from '../core/harness/registry';
export { installedKiloVersions, publishedKiloVersions, KILO_VERSION } from '../core/harness/kilo/binary';
export { builtinModels, parseModelEntry, readModelsFile, resolveModels, ModelConfigError } from '../core/models/models-file';
export { bundledTasksDir, formatTaskError, loadTask, loadTasks, findTaskDirs, TaskPathError } from '../core/tasks';
export { DockerRuntime } from '../core/runtime/docker/docker-runtime';
export { describeHost, resolveDockerHost } from '../core/runtime/docker/docker-host';
export { reportFromStore, ReportError } from '../core/report/from-store';
export { reportJson } from '../core/report/json-report';
export { modelsCsv, tasksCsv } from '../core/report/csv';
export { renderHtmlReport } from '../core/report/html';
export { mine, readMineReport } from '../core/mine';
export { repoRoot } from '../core/mine/git';
export { forecastFromStore } from '../core/report/estimate';
