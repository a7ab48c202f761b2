/** Reports of a run: JSON (the source of every other format), CSV, a terminal leaderboard and a self-contained HTML page. */
export {
  buildReport, reportJson, REPORT_VERSION,
  type BuildReportOptions, type Report, type ReportModel, type ReportParetoPoint, type ReportRun, type ReportTask, type ReportTaskResult,
} from './json-report';
export { csvField, modelsCsv, tasksCsv, toCsv, type CsvCell } from './csv';
export { formatLeaderboard, leaderboardNotes, leaderboardRows, LEADERBOARD_COLUMNS } from './leaderboard';
export { contentSecurityPolicy, escapeHtml, jsonForScript, renderHtmlReport, type HtmlReportOptions } from './html';
export { chartJsPackageDir, loadChartJs } from './chartjs';
export { chartView, orderedModels, type ChartGroup, type ChartView } from './html-view';
export { reportFromStore, ReportError } from './from-store';
export { formatHarnessVersions, harnessVersionRows, harnessVersionsHtml, HARNESS_VERSION_COLUMNS } from './harness-versions';
export { formatCompletion, formatCost, formatPercent, formatPoints, groupLabel, mixesHarnesses } from './format';
export { forecastFromStore, formatForecast } from './estimate';
