/**
 * CSV export of the report's two tables: one row per (model, harness), one per (task, model,
 * harness). RFC 4180: comma-separated, CRLF line ends, a field quoted when it holds a comma, a
 * quote, CR or LF, quotes doubled. Text that a spreadsheet would take for a formula (starting with
 * = + - @ or a tab/CR) gets a leading apostrophe. Unknown values are empty cells; a task never
 * solved reads `unsolved`; numbers are written at full precision.
 */
import type { CompletionCost } from '../analysis/cost';
import { TOOL_CATEGORIES } from '../domain';
import type { Report } from './json-report';

export type CsvCell = string | number | boolean | null;

export function csvField(value: CsvCell): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return [header, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}

function completion(value: CompletionCost): CsvCell {
  return value;
}

/** Per (model, harness). pass@k columns go up to the largest k any model has. */
export function modelsCsv(report: Report): string {
  const maxK = Math.max(0, ...report.models.map((m) => Object.keys(m.passAtK).length));
  const ks = Array.from({ length: maxK }, (_, i) => String(i + 1));
  const header = [
    'model', 'harness', 'simulated', 'attempts', 'passed', 'pass_rate', 'pass_rate_ci_low', 'pass_rate_ci_high',
    ...ks.map((k) => `pass_at_${k}`),
    'excluded', 'cost_per_attempt_mean', 'cost_per_attempt_median', 'cost_per_attempt_p90', 'unpriced_attempts',
    'cost_to_complete_per_pass', 'cost_to_complete_expected', 'cost_to_complete_empirical', 'solved_tasks', 'unsolved_tasks', 'spend_usd',
    'tokens_input', 'tokens_cache_read', 'tokens_cache_write', 'tokens_output', 'tokens_reasoning',
    'llm_calls_per_attempt', 'tool_calls_per_attempt', ...TOOL_CATEGORIES.map((c) => `tool_calls_${c}`),
    'read_write_ratio', 'mean_command_length', 'resent_context_share', 'cache_hit_share', 'reasoning_share',
    'model_time_share', 'timeouts', 'on_pareto_front',
  ];
  const rows = report.models.map((m) => {
    const f = m.fingerprint;
    return [
      m.model, m.harness, m.simulated, m.attempts, m.passed, m.passRate, m.passRateCI[0], m.passRateCI[1],
      ...ks.map((k) => m.passAtK[k] ?? null),
      m.excluded, m.costPerAttempt.mean, m.costPerAttempt.median, m.costPerAttempt.p90, m.unpricedAttempts,
      completion(m.costToComplete.perPass), completion(m.costToComplete.expected), completion(m.costToComplete.empirical), m.costToComplete.solvedTasks, m.costToComplete.unsolvedTasks, m.spendUsd,
      m.tokens.input, m.tokens.cacheRead, m.tokens.cacheWrite, m.tokens.output, m.tokens.reasoning,
      f.llmCallsPerAttempt, f.toolCallsPerAttempt?.total ?? null, ...TOOL_CATEGORIES.map((c) => f.toolCalls[c]),
      f.readWriteRatio, f.meanCommandLength, f.resentContextShare, f.cacheHitShare, f.reasoningShare,
      f.wallTime.modelShare, f.timeouts, m.onPareto,
    ];
  });
  return toCsv(header, rows);
}

/** Per (task, model, harness). */
export function tasksCsv(report: Report): string {
  const header = [
    'task', 'model', 'harness', 'attempts', 'passed', 'pass_rate', 'pass_rate_ci_low', 'pass_rate_ci_high', 'excluded',
    'cost_per_attempt_mean', 'cost_per_attempt_median', 'cost_per_attempt_p90', 'unpriced_attempts',
    'cost_to_complete_expected', 'cost_to_complete_empirical', 'spend_usd',
  ];
  const rows = report.tasks.flatMap((t) =>
    t.results.map((r) => [
      t.task, r.model, r.harness, r.attempts, r.passed, r.passRate, r.passRateCI[0], r.passRateCI[1], r.excluded,
      r.costPerAttempt.mean, r.costPerAttempt.median, r.costPerAttempt.p90, r.unpricedAttempts,
      completion(r.costToComplete.expected), completion(r.costToComplete.empirical), r.spendUsd,
    ]),
  );
  return toCsv(header, rows);
}
