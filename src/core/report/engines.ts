/**
 * Where a run's trials ran, when it used more than one Docker engine (issue 17): per engine its
 * trials, passes, infrastructure failures and median trial time, and each trial's engine. A run on
 * one engine has neither (the report stays as it was).
 */
import type { AnalysedTrial } from '../store';
import { formatDuration } from '../format';
import { toCsv } from './csv';
import { escapeHtml } from './escape';
import type { ReportEngine, ReportTrialEngine } from './json-report';

export type { ReportEngine, ReportTrialEngine } from './json-report';

export interface EngineSection {
  engines: ReportEngine[];
  trialEngines: ReportTrialEngine[];
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The section for these trials; undefined when they ran on fewer than two engines. */
export function engineSection(trials: readonly AnalysedTrial[]): EngineSection | undefined {
  const names = [...new Set(trials.map((t) => t.engine).filter((e): e is string => Boolean(e)))].sort();
  if (names.length < 2) return undefined;
  const engines = names.map((engine): ReportEngine => {
    const own = trials.filter((t) => t.engine === engine);
    return {
      engine,
      trials: own.length,
      passed: own.filter((t) => t.status === 'passed').length,
      infraFailures: own.filter((t) => t.status === 'infra_error').length,
      medianTrialMs: median(own.map((t) => t.durationMs).filter((d): d is number => d !== null && d > 0)),
    };
  });
  const trialEngines = trials.map((t) => ({
    trial: t.id, task: t.taskId, model: t.modelId, harness: t.harness, engine: t.engine ?? null, status: t.status, durationMs: t.durationMs,
  }));
  return { engines, trialEngines };
}


const HEAD = ['engine', 'trials', 'passed', 'infra failures', 'median trial time'];

function cells(e: ReportEngine): string[] {
  return [e.engine, String(e.trials), String(e.passed), String(e.infraFailures), formatDuration(e.medianTrialMs)];
}

/** The engines table for a terminal; empty when the report has none. */
export function formatEngines(engines: readonly ReportEngine[] | undefined): string {
  if (!engines?.length) return '';
  const rows = [HEAD, ...engines.map(cells)];
  const widths = HEAD.map((_, i) => Math.max(...rows.map((r) => [...(r[i] ?? '')].length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return ['Engines', line(HEAD), line(widths.map((w) => '-'.repeat(w))), ...engines.map((e) => line(cells(e)))].join('\n') + '\n';
}

/** CSV: one row per engine, then one per trial with its engine; empty when the report has none. */
export function enginesCsv(section: Partial<EngineSection>): string {
  if (!section.engines?.length) return '';
  return toCsv(['engine', 'trials', 'passed', 'infra_failures', 'median_trial_ms'], section.engines.map((e) => [e.engine, e.trials, e.passed, e.infraFailures, e.medianTrialMs]))
    + '\n' + toCsv(['trial', 'task', 'model', 'harness', 'engine', 'status', 'duration_ms'], (section.trialEngines ?? []).map((t) => [t.trial, t.task, t.model, t.harness, t.engine, t.status, t.durationMs]));
}

/** The HTML section; empty when the report has none. */
export function enginesHtml(engines: readonly ReportEngine[] | undefined): string {
  if (!engines?.length) return '';
  const e = escapeHtml;
  return '<h2 id="engines">Engines</h2>\n<div class="table-wrap"><table><thead><tr>' + HEAD.map((h, i) => `<th${i ? ' class="num"' : ''}>${e(h)}</th>`).join('') + '</tr></thead><tbody>'
    + engines.map((x) => `<tr>${cells(x).map((c, i) => `<td${i ? ' class="num"' : ''}>${e(c)}</td>`).join('')}</tr>`).join('') + '</tbody></table></div>';
}
