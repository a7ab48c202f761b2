/** Reports of a run: JSON (the source of every other format), CSV, a terminal leaderboard and a self-contained HTML page. */
export {
  buildReport, reportJson, REPORT_VERSION,
  type BuildReportOptions, type Report, type ReportModel, type ReportParetoPoint, type ReportRun, type ReportTask, type ReportTaskResult,
} from './json-report';
export { csvField, modelsCsv, tasksCsv, toCsv, type CsvCell } from './csv';
export { formatLeaderboard, leaderboardNotes, leaderboardRows, LEADERBOARD_COLUMNS } from './leaderboard';
export { contentSecurityPolicy, escapeHtml, jsonForScript, renderHtmlReport, type HtmlReportOptions } from './html';
export { loadReportScript } from './page-script';
export {
  colourSlots, comparisonRows, complementarityFacts, describeComparison, heatCellText, heatCellTitle, heatLevel, HEAT_LEVELS,
  LEADERBOARD_FIGURES, modelLabeller, orderedModels, runSubtitle, type Column, type ComparisonRow,
} from './figures';
export * as format from './format';
export { reportFromStore, ReportError } from './from-store';
export { formatHarnessVersions, harnessVersionRows, harnessVersionsHtml, HARNESS_VERSION_COLUMNS } from './harness-versions';
export { formatCompletion, formatCost, formatPercent, formatPoints, groupLabel, mixesHarnesses } from './format';
export { forecastFromStore, formatForecast } from './estimate';
export { engineSection, enginesCsv, enginesHtml, formatEngines, type EngineSection, type ReportEngine, type ReportTrialEngine } from './engines';
