/**
 * The report as one self-contained HTML file to mail to a colleague: tables rendered here (they
 * read without JavaScript), charts drawn in the page by the same chart module as the dashboard
 * (`webview/charts.ts`, bundled with Chart.js into one script). A strict Content Security Policy
 * allows nothing to load and only the page's own script and style sheet (by hash) to run. All
 * data passes through `escapeHtml` or sits in a JSON block the parser cannot leave.
 */
import { createHash } from 'node:crypto';
import { TOOL_CATEGORIES } from '../domain';
import {
  COMPARISON_COLUMNS, comparisonRows, complementarityFacts, heatCellText, heatCellTitle, heatLevel, HEAT_LEVELS,
  LEADERBOARD_FIGURES, orderedModels, runSubtitle,
} from './figures';
import {
  exclusionNotes, formatCompletion, formatCost, formatDate, formatNumber, formatPercent, formatStatusCounts, formatUsd, formatUsdInterval, groupLabel, mixesHarnesses, plural,
} from './format';
import { enginesHtml } from './engines';
import { escapeHtml } from './escape';
import { harnessVersionsHtml } from './harness-versions';
import { REPORT_CSS } from './html-style';
import type { Report, ReportModel } from './json-report';
import { loadReportScript } from './page-script';

export interface HtmlReportOptions {
  /** The page's script (`dist/webview/report-page.js`); found beside the bundle, or built from source, when not given. */
  clientScript?: string;
  /** Page title (default: "KiloBench report: RUN NAME"). */
  title?: string;
}

export { escapeHtml };

/**
 * JSON to put inside `<script type="application/json">`: `<`, `>` and `&` as \\u escapes (so
 * neither `</script>` nor `<!--` can appear), and U+2028/9 escaped too. JSON.parse reads it back
 * unchanged.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Makes a script's text safe inside a `<script>` element (no end tag, no comment opener). */
export function scriptText(source: string): string {
  return source
    .replace(/\n\/\/# sourceMappingURL=\S*\s*$/, '\n')
    .replace(/<\/(script)/gi, '<\\/$1')
    .replace(/<!--/g, '<\\!--');
}

export function sha256Source(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/** The page's policy: nothing may load; only these exact scripts and this style sheet may apply. */
export function contentSecurityPolicy(scripts: readonly string[], styles: readonly string[]): string {
  return [
    "default-src 'none'",
    `script-src ${scripts.map(sha256Source).join(' ')}`,
    `style-src ${styles.map(sha256Source).join(' ')}`,
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

const e = escapeHtml;

function modelCell(m: ReportModel): string {
  return `${e(m.model)}${m.simulated ? '<span class="badge" title="simulated provider">SIM</span>' : ''}`;
}

function heatClass(rate: number | null): string {
  const level = heatLevel(rate);
  return level === null ? '' : `hm${level}`;
}

function summary(report: Report): string {
  const r = report.run;
  const items: [string, string][] = [
    ['tasks', String(report.tasks.length)],
    ['models', String(report.models.length)],
    ['trials', String(r.totals.trials)],
    ['attempts (in pass rates)', String(r.totals.attempts)],
    ['excluded trials', String(r.totals.excluded)],
    ['total spend', r.totals.spendUsd === null ? 'unknown (unpriced calls)' : formatUsd(r.totals.spendUsd)],
  ];
  return `<ul class="summary">${items.map(([k, v]) => `<li><span class="k">${e(k)}</span><span class="v">${e(v)}</span></li>`).join('')}</ul>`;
}

function simulatedBanner(report: Report): string {
  if (!report.run.simulated) return '';
  return `<div class="banner" role="note"><strong>Simulated models.</strong> ${report.run.simulatedModels.map((m) => `<code>${e(m)}</code>`).join(', ')} `
    + `${report.run.simulatedModels.length === 1 ? 'is' : 'are'} served by KiloBench's simulated provider with made-up prices. `
    + 'Their figures show how the harness and this report behave; they say nothing about any real model.</div>';
}

function leaderboard(report: Report, models: readonly ReportModel[]): string {
  const maxK = Math.max(0, ...models.map((m) => Object.keys(m.passAtK).length));
  const [passRate, ...figures] = LEADERBOARD_FIGURES;
  const head = ['#', 'model', 'harness', passRate?.head ?? '', ...(maxK > 1 ? [`pass@${maxK}`] : []), ...figures.map((c) => c.head), 'excluded', 'Pareto'];
  const numeric = (column: number) => column === 0 || column >= 3;
  const rows = models.map((m, i) => {
    const cpa = m.attempts === 0 ? '—' : 'unpriced';
    const passAtK = Object.entries(m.passAtK).map(([k, v]) => `pass@${k} ${formatPercent(v)}`).join(', ');
    // Hover details beside the shared figures: the spread of cost per attempt, the interval and the empirical cost to complete.
    const hover: Record<string, string> = {
      'cost/attempt': `median ${formatCost(m.costPerAttempt.median, cpa)}, p90 ${formatCost(m.costPerAttempt.p90, cpa)}`,
      'cost to complete': `spend on all attempts ÷ passes${m.costToComplete.perPassCI ? `; 95% interval ${formatUsdInterval(m.costToComplete.perPassCI)}` : ''}`,
      'solved-only/task': `empirical (spend until the first pass): ${formatCompletion(m.costToComplete.empirical, cpa)}`,
    };
    const cells = [
      String(i + 1),
      modelCell(m),
      e(m.harness),
      `<span title="${e(passAtK)}">${e(passRate?.text(m) ?? '')}</span>`,
      ...(maxK > 1 ? [e(m.passAtK[String(maxK)] === undefined ? '—' : formatPercent(m.passAtK[String(maxK)] as number))] : []),
      ...figures.map((c) => (hover[c.head] ? `<span title="${e(hover[c.head] as string)}">${e(c.text(m))}</span>` : e(c.text(m)))),
      m.excluded > 0 ? `<span title="${e(formatStatusCounts(m.excludedByStatus))}">${m.excluded}</span>` : '0',
      m.onPareto ? '<span class="front" title="on the cost / pass-rate Pareto front">✓</span>'
        : m.paretoWithinNoise ? '<span title="dominated on the point estimates, but its 95% intervals overlap a model that dominates it: no detectable difference">≈</span>' : '',
    ];
    return `<tr>${cells.map((c, j) => `<td${numeric(j) ? ' class="num"' : j === 1 ? ' class="name"' : ''}>${c}</td>`).join('')}</tr>`;
  });
  const notes: string[] = [];
  notes.push(...exclusionNotes(models).map(e));
  for (const m of models.filter((x) => x.unpricedAttempts > 0)) {
    notes.push(`${e(m.model)} (${e(m.harness)}): ${plural(m.unpricedAttempts, 'attempt')} could not be priced; its costs show as “unpriced”, never as $0.`);
  }
  if (maxK > 1) notes.push(`pass@${maxK}: chance that at least one of ${maxK} attempts passes, averaged over tasks (— when a task of that model has fewer attempts).`);
  notes.push('Cost to complete: spend on all attempts ÷ passes (what one pass costs, failures included). Solved-only/task: expected spend until the first pass, averaged over the tasks the model solved; read it with unsolved = tasks never passed / tasks attempted. Hover a figure for its median, p90, interval and empirical value.');
  return `<div class="table-wrap"><table class="leaderboard"><thead><tr>${head.map((h, i) => `<th${numeric(i) ? ' class="num"' : ''}>${e(h)}</th>`).join('')}</tr></thead>`
    + `<tbody>${rows.join('')}</tbody></table></div><ul class="notes">${notes.map((n) => `<li>${n}</li>`).join('')}</ul>`;
}

function fingerprintTable(models: readonly ReportModel[], showHarness: boolean): string {
  const head = ['model', 'calls / attempt', 'tool calls / attempt', 'reads : writes', 'mean command length', 're-sent context', 'cache hits', 'reasoning', 'model time', 'timeouts'];
  const rows = models.map((m) => {
    const f = m.fingerprint;
    const per = f.toolCallsPerAttempt;
    const rw = f.readWriteRatio === null ? (f.toolCalls.read > 0 ? '∞ (no writes)' : '—') : formatNumber(f.readWriteRatio, 2);
    const cells = [
      e(groupLabel(m, showHarness)),
      e(formatNumber(f.llmCallsPerAttempt)),
      `<span title="${e(TOOL_CATEGORIES.map((c) => `${c} ${formatNumber(per?.[c] ?? null)}`).join(', '))}">${e(formatNumber(per?.total ?? null))}</span>`,
      e(rw),
      e(f.meanCommandLength === null ? '—' : `${formatNumber(f.meanCommandLength, 0)} chars`),
      e(formatPercent(f.resentContextShare)),
      e(formatPercent(f.cacheHitShare)),
      e(formatPercent(f.reasoningShare)),
      e(formatPercent(f.wallTime.modelShare)),
      e(`${f.timeouts} / ${f.trials}`),
    ];
    return `<tr>${cells.map((c, i) => `<td${i > 0 ? ' class="num"' : ''}>${c}</td>`).join('')}</tr>`;
  });
  return `<div class="table-wrap"><table><thead><tr>${head.map((h, i) => `<th${i > 0 ? ' class="num"' : ''}>${e(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

function heatmap(report: Report, models: readonly ReportModel[], showHarness: boolean): string {
  const head = `<tr><th>task</th>${models.map((m) => `<th class="model">${e(groupLabel(m, showHarness))}</th>`).join('')}</tr>`;
  const rows = report.tasks.map((t) => {
    const cells = models.map((m) => {
      const r = t.results.find((x) => x.model === m.model && x.harness === m.harness);
      if (!r) return `<td class="none">${e(heatCellText(r))}</td>`;
      if (r.attempts === 0) return `<td class="none" title="${e(formatStatusCounts(r.excludedByStatus))}">${e(heatCellText(r))}</td>`;
      const title = heatCellTitle(t.task, groupLabel(m, true), r) + (r.excluded > 0 ? `; excluded: ${formatStatusCounts(r.excludedByStatus)}` : '');
      return `<td class="cell ${heatClass(r.passRate)}" title="${e(title)}">${e(heatCellText(r))}<small>${e(formatCost(r.costPerAttempt.mean))}${r.excluded > 0 ? ` · ${r.excluded} excl.` : ''}</small></td>`;
    });
    return `<tr><th class="task">${e(t.task)}</th>${cells.join('')}</tr>`;
  });
  return `<div class="table-wrap"><table class="heatmap"><thead>${head}</thead><tbody>${rows.join('')}</tbody></table></div>` + heatLegend();
}

/** The heat map's legend: one swatch per level of the sequential scale, with its pass share. */
function heatLegend(): string {
  return `<ul class="heat-legend" aria-label="passed share of attempts">${HEAT_LEVELS.map((label, i) => `<li><span class="sw hm${i}"></span>${e(label)}</li>`).join('')}`
    + '<li class="muted">cell: passes/attempts, mean cost per attempt</li></ul>';
}

function complementaritySection(report: Report, showHarness: boolean): string {
  const c = report.complementarity;
  const name = (g: { model: string; harness: string }) => e(groupLabel(g, showHarness));
  const facts = complementarityFacts(report).map(([k, v]): [string, string] => [k, e(v)]);
  const only = c.solvedByExactlyOne.length === 0 ? '<p class="muted">No task is solved by exactly one model.</p>'
    : `<ul class="plain">${c.solvedByExactlyOne.map((x) => `<li><code>${e(x.task)}</code>: only ${name(x)}</li>`).join('')}</ul>`;
  const choices = c.router.choices.length === 0 ? ''
    : `<div class="table-wrap"><table><thead><tr><th>task</th><th>router sends it to</th><th>why</th><th class="num">pass rate</th><th class="num">cost / attempt</th><th class="num">cost to complete</th></tr></thead><tbody>${
      c.router.choices.map((x) => `<tr><td><code>${e(x.task)}</code></td><td>${name(x)}</td><td>${e(x.reason.replace(/-/g, ' '))}</td><td class="num">${e(formatPercent(x.passRate))}</td><td class="num">${e(formatCost(x.costPerAttempt))}</td><td class="num">${e(formatCompletion(x.costToComplete))}</td></tr>`).join('')
    }</tbody></table></div>`;
  return `<div class="grid"><div class="card"><h3>Summary</h3><dl class="facts">${facts.map(([k, v]) => `<dt>${e(k)}</dt><dd>${v}</dd>`).join('')}</dl></div>`
    + `<div class="card"><h3>Solved by exactly one model</h3>${only}</div></div>`
    + (choices ? `<h3 class="spaced">Router choices (cheapest solver per task)</h3>${choices}` : '');
}

function comparisonsSection(report: Report): string {
  if (report.comparisons.length === 0) return '';
  const rows = comparisonRows(report).map((r) =>
    `<tr><td>${e(r.a)}</td><td>${e(r.b)}</td><td class="num">${r.tasks}</td><td class="num">${e(r.passRate)}</td><td class="num">${e(r.costPerAttempt)}</td><td>${r.verdict.map((line) => e(line)).join('<br>')}</td></tr>`);
  const first = report.comparisons[0];
  const numeric = (i: number) => i >= 2 && i <= 4;
  return '<h2 id="comparisons">Paired comparisons</h2>'
    + `<div class="table-wrap"><table><thead><tr>${COMPARISON_COLUMNS.map((h, i) => `<th${numeric(i) ? ' class="num"' : ''}>${e(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`
    + `<ul class="notes"><li>Paired bootstrap over shared tasks (tasks, then each side's trials, resampled; ${first ? first.resamples : 0} resamples, seed ${first ? first.seed : 0}). An interval that excludes 0 is a difference the data support; otherwise there is no detectable difference, and the trials needed to detect one of the observed size (95% confidence, 80% power) are estimated assuming the standard error shrinks as 1/√(trials per task).</li></ul>`;
}

const DEFINITIONS = [
  'Attempt: a trial that ended passed, failed, timeout, test timeout, budget exceeded or harness error. Infrastructure, verifier and provider errors, cancelled and interrupted trials are excluded from pass rates and counted separately.',
  'Pass rate: passes ÷ attempts, with a Wilson 95% interval. pass@k: unbiased estimator 1 − C(n−c,k)/C(n,k), averaged over tasks.',
  'Cost per attempt: mean, median and p90 of each attempt’s metered cost. A call without a price makes the figure “unpriced”, never $0.',
  'Cost to complete (task): mean cost per attempt ÷ pass rate; “unsolved” when the task never passed. Model figure: mean over solved tasks; empirical: spend in recorded order until the first pass.',
  'Re-sent context: for each call after the first, min(its input, previous call’s input + output) tokens count as repeated; share = repeated ÷ all input tokens. Cache hits: cache reads ÷ all input. Reasoning: reasoning ÷ output tokens.',
  'Spend split: input divided into re-sent context (counted against cache reads first) and new input, output into reasoning and the rest; in dollars at each call’s prices when known, else in tokens.',
  'Model time: Σ call latencies ÷ agent time per trial (capped at 100%); the rest is tools and the harness.',
  'Oracle: the best model’s pass rate on each task, averaged; router: each task sent to its cheapest solver by expected cost to complete.',
];

export function renderHtmlReport(report: Report, options: HtmlReportOptions = {}): string {
  const client = scriptText(options.clientScript ?? loadReportScript());
  const css = REPORT_CSS;
  const csp = contentSecurityPolicy([client], [css]);
  const models = orderedModels(report);
  const showHarness = mixesHarnesses(models);
  const run = report.run;
  const title = options.title ?? `KiloBench report: ${run.name || run.id}`;
  const when = run.finishedAt ?? run.createdAt;
  const [runText, , ...rest] = runSubtitle(report);
  const meta = [
    run.id.includes('+') ? e(runText ?? '') : `run <code>${e(run.id)}</code>`,
    run.name && run.name !== run.id ? e(run.name) : '',
    `harness <code>${e(run.harness)}</code>`,
    ...rest.map(e),
    e(formatDate(when, true)),
    run.prices?.kind && run.prices.kind !== 'recorded' ? `<strong>${e(run.prices.description)}</strong>` : e(run.prices?.description ?? ''),
  ].filter(Boolean).join(' · ');

  const body = [
    `<header><h1>${e(title)}</h1><p class="sub">${meta}</p></header>`,
    simulatedBanner(report),
    summary(report),
    '<h2 id="leaderboard">Leaderboard</h2>',
    leaderboard(report, models),
    '<h2 id="cost">Cost and pass rate</h2>',
    '<div class="grid" data-charts="cost"></div>',
    '<h2 id="fingerprint">Behaviour fingerprint</h2>',
    '<div class="grid" data-charts="behaviour"></div>',
    fingerprintTable(models, showHarness),
    '<h2 id="tasks">Tasks × models</h2>',
    heatmap(report, models, showHarness),
    '<h2 id="complementarity">Complementarity</h2>',
    complementaritySection(report, showHarness),
    comparisonsSection(report),
    harnessVersionsHtml(report.harnessVersions ?? []),
    // Only for a run on several engines (a run on one renders as it always did).
    ...(report.engines?.length ? [enginesHtml(report.engines)] : []),
    '<h2 id="definitions">Definitions</h2>',
    `<ul class="notes defs">${DEFINITIONS.map((d) => `<li>${e(d)}</li>`).join('')}</ul>`,
    `<footer>Generated by KiloBench${run.generatedAt ? ` on ${e(formatDate(run.generatedAt, true))}` : ''}. Report format ${report.version}. Charts by Chart.js (MIT).</footer>`,
    '<noscript><p class="muted">The charts need JavaScript; the tables above hold every figure.</p></noscript>',
  ].join('\n');

  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${e(csp)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="color-scheme" content="light dark">',
    '<meta name="generator" content="KiloBench">',
    `<title>${e(title)}</title>`,
    `<style>${css}</style>`,
    '</head>',
    '<body>',
    body,
    `<script type="application/json" id="kb-report">${jsonForScript(report)}</script>`,
    `<script>${client}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
