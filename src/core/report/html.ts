/**
 * The report as one self-contained HTML file to mail to a colleague: tables rendered here (they
 * read without JavaScript), charts drawn by Chart.js inlined in the page. A strict Content Security
 * Policy allows nothing to load and only the page's own two scripts and style sheet (by hash) to
 * run. All data passes through `escapeHtml` or sits in JSON blocks the parser cannot leave.
 */
import { describeComparison } from '../analysis/verdict';
import { createHash } from 'node:crypto';
import { TOOL_CATEGORIES } from '../domain';
import { loadChartJs } from './chartjs';
import {
  formatCompletion, formatCost, formatNumber, formatPassRate, formatPercent, formatPoints, formatSignedUsd,
  formatStatusCounts, formatUsd, groupLabel, mixesHarnesses,
} from './format';
import { CLIENT_SCRIPT } from './html-client';
import { harnessVersionsHtml } from './harness-versions';
import { REPORT_CSS } from './html-style';
import { chartView, orderedModels } from './html-view';
import type { Report, ReportModel } from './json-report';

export interface HtmlReportOptions {
  /** Chart.js UMD source; read from the installed chart.js package when not given. */
  chartJs?: string;
  /** Page title (default: "KiloBench report: RUN NAME"). */
  title?: string;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for HTML content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] as string);
}

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
  return rate === null ? '' : `hm${Math.round(rate * 10)}`;
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
  const head = ['#', 'model', 'harness', 'pass rate [95% CI]', ...(maxK > 1 ? [`pass@${maxK}`] : []), 'cost / attempt', 'cost to complete', 'solved-only / task', 'unsolved', 'calls / attempt', 'excluded', 'Pareto'];
  const numeric = (column: number) => column === 0 || column >= 3;
  const rows = models.map((m, i) => {
    const cpa = m.attempts === 0 ? '—' : 'unpriced';
    const passAtK = Object.entries(m.passAtK).map(([k, v]) => `pass@${k} ${formatPercent(v)}`).join(', ');
    const spread = `median ${formatCost(m.costPerAttempt.median, cpa)}, p90 ${formatCost(m.costPerAttempt.p90, cpa)}`;
    const empirical = `empirical (spend until the first pass): ${formatCompletion(m.costToComplete.empirical, cpa)}`;
    const cells = [
      String(i + 1),
      modelCell(m),
      e(m.harness),
      `<span title="${e(passAtK)}">${e(formatPassRate(m.passRate, m.passRateCI))}</span>`,
      ...(maxK > 1 ? [e(m.passAtK[String(maxK)] === undefined ? '—' : formatPercent(m.passAtK[String(maxK)] as number))] : []),
      `<span title="${e(spread)}">${e(formatCost(m.costPerAttempt.mean, cpa))}</span>`,
      `<span title="${e(`spend on all attempts ÷ passes${m.costToComplete.perPassCI ? `; 95% interval ${formatUsd(m.costToComplete.perPassCI[0])}–${formatUsd(m.costToComplete.perPassCI[1])}` : ''}`)}">${e(formatCompletion(m.costToComplete.perPass, cpa))}</span>`,
      `<span title="${e(empirical)}">${e(formatCompletion(m.costToComplete.expected, cpa))}</span>`,
      e(`${m.costToComplete.unsolvedTasks} / ${m.costToComplete.solvedTasks + m.costToComplete.unsolvedTasks}`),
      e(formatNumber(m.fingerprint.llmCallsPerAttempt)),
      m.excluded > 0 ? `<span title="${e(formatStatusCounts(m.excludedByStatus))}">${m.excluded}</span>` : '0',
      m.onPareto ? '<span class="front" title="on the cost / pass-rate Pareto front">✓</span>'
        : m.paretoWithinNoise ? '<span title="dominated on the point estimates, but its 95% intervals overlap a model that dominates it: no detectable difference">≈</span>' : '',
    ];
    return `<tr>${cells.map((c, j) => `<td${numeric(j) ? ' class="num"' : j === 1 ? ' class="name"' : ''}>${c}</td>`).join('')}</tr>`;
  });
  const notes: string[] = [];
  for (const m of models.filter((x) => x.excluded > 0)) {
    notes.push(`${e(m.model)} (${e(m.harness)}): ${m.excluded} trial(s) not counted in pass rates: ${e(formatStatusCounts(m.excludedByStatus))}.`);
  }
  for (const m of models.filter((x) => x.unpricedAttempts > 0)) {
    notes.push(`${e(m.model)} (${e(m.harness)}): ${m.unpricedAttempts} attempt(s) could not be priced; its costs show as “unpriced”, never as $0.`);
  }
  if (maxK > 1) notes.push(`pass@${maxK}: chance that at least one of ${maxK} attempts passes, averaged over tasks (— when a task of that model has fewer attempts).`);
  notes.push('Cost to complete: expected spend until the first pass (mean cost per attempt ÷ pass rate), averaged over the tasks the model solved; “unsolved” counts tasks it never passed. Hover a figure for its median, p90 and empirical value.');
  return `<div class="table-wrap"><table class="leaderboard"><thead><tr>${head.map((h, i) => `<th${numeric(i) ? ' class="num"' : ''}>${e(h)}</th>`).join('')}</tr></thead>`
    + `<tbody>${rows.join('')}</tbody></table></div><ul class="notes">${notes.map((n) => `<li>${n}</li>`).join('')}</ul>`;
}

function chartCard(id: string, title: string, note: string, tall = false): string {
  return `<div class="card"><h3>${e(title)}</h3><div class="chart${tall ? ' tall' : ''}"><canvas id="${id}" role="img" aria-label="${e(title)}"></canvas></div>${note ? `<p>${note}</p>` : ''}</div>`;
}

function unplacedNote(models: readonly ReportModel[]): string {
  const cost = (m: ReportModel) => m.costToComplete.perPass;
  const out = models.filter((m) => m.passRate === null || typeof cost(m) !== 'number' || (cost(m) as number) <= 0);
  if (out.length === 0) return 'Cost = spend on all attempts ÷ passes. Filled circles are on the Pareto front (no model is both cheaper and better); diamonds are dominated (≈ in the table: within the noise of a model that dominates it). Whiskers: 95% intervals (pass rate: Wilson; cost: delta method).';
  const why = (m: ReportModel) => (m.passRate === null ? 'no attempts' : cost(m) === 'unsolved' ? 'never passed' : cost(m) === null ? 'cost unknown' : 'costs $0, which a log axis cannot show');
  return `Filled circles are on the Pareto front; diamonds are dominated. Not plotted: ${out.map((m) => `${e(m.model)} (${e(m.harness)}): ${e(why(m))}`).join('; ')}.`;
}

function fingerprintTable(models: readonly ReportModel[], showHarness: boolean): string {
  const head = ['model', 'calls / attempt', 'tool calls / attempt', 'reads : writes', 'mean command length', 're-sent context', 'cache hits', 'reasoning', 'model time', 'timeouts'];
  const rows = models.map((m) => {
    const f = m.fingerprint;
    const per = f.toolCallsPerAttempt;
    const rw = f.readWriteRatio === null ? (f.toolCalls.read > 0 ? '∞ (no writes)' : '—') : f.readWriteRatio.toFixed(2);
    const cells = [
      e(groupLabel(m, showHarness)),
      e(formatNumber(f.llmCallsPerAttempt)),
      `<span title="${e(TOOL_CATEGORIES.map((c) => `${c} ${formatNumber(per?.[c] ?? null)}`).join(', '))}">${e(formatNumber(per?.total ?? null))}</span>`,
      e(rw),
      e(f.meanCommandLength === null ? '—' : `${f.meanCommandLength.toFixed(0)} chars`),
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
      if (!r) return '<td class="none">no trials</td>';
      const excluded = r.excluded > 0 ? ` · ${r.excluded} excl.` : '';
      if (r.attempts === 0) return `<td class="none" title="${e(formatStatusCounts(r.excludedByStatus))}">no attempts${e(excluded)}</td>`;
      const title = `${t.task} · ${groupLabel(m, true)}: ${formatPassRate(r.passRate, r.passRateCI)}; ${formatCost(r.costPerAttempt.mean)} per attempt; cost to complete ${formatCompletion(r.costToComplete.expected)}`
        + (r.excluded > 0 ? `; excluded: ${formatStatusCounts(r.excludedByStatus)}` : '');
      return `<td class="cell ${heatClass(r.passRate)}" title="${e(title)}">${r.passed}/${r.attempts}<small>${e(formatCost(r.costPerAttempt.mean))}${e(excluded)}</small></td>`;
    });
    return `<tr><th class="task">${e(t.task)}</th>${cells.join('')}</tr>`;
  });
  const scale = Array.from({ length: 11 }, (_, i) => `<span class="sw hm${i}" title="${i * 10}%"></span>`).join('');
  return `<div class="table-wrap"><table class="heatmap"><thead>${head}</thead><tbody>${rows.join('')}</tbody></table></div>`
    + `<div class="legend-scale"><span>0% passed</span>${scale}<span>100%</span><span class="muted">&nbsp;· cell: passes/attempts, mean cost per attempt</span></div>`;
}

function complementaritySection(report: Report, showHarness: boolean): string {
  const c = report.complementarity;
  const name = (g: { model: string; harness: string }) => e(groupLabel(g, showHarness));
  const facts: [string, string][] = [
    ['tasks compared', `${c.tasksConsidered}${c.tasksSkipped.length > 0 ? ` (left out, not attempted by every model: ${c.tasksSkipped.map(e).join(', ')})` : ''}`],
    ['solved by some model', `${c.tasksSolvedByAny} of ${c.tasksConsidered}; by none: ${c.tasksSolvedByNone}`],
    ['oracle pass rate', c.oraclePassRate === null ? '—' : `${e(formatPercent(c.oraclePassRate))} (best model per task)`],
    ['best single model', c.bestSingle === null ? '—' : `${name(c.bestSingle)}: ${e(formatPercent(c.bestSingle.passRate))}`],
    ['oracle gain', c.oracleGain === null ? '—' : e(formatPoints(c.oracleGain))],
    ['cheapest-solver router', c.router.passRate === null ? '—'
      : `${e(formatPercent(c.router.passRate))} pass rate over all ${c.tasksConsidered} tasks, ${e(formatCompletion(c.router.costPerPass))} to complete (per pass), ${e(formatCost(c.router.costPerAttempt))} per attempt; solved-only ${e(formatCompletion(c.router.costToComplete))} per solved task (${c.router.solvedTasks} solved, ${c.tasksConsidered - c.router.solvedTasks} unsolved)`],
  ];
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

function comparisonsSection(report: Report, showHarness: boolean): string {
  if (report.comparisons.length === 0) return '';
  const rows = report.comparisons.map((c) => {
    const pass = c.passRateDiff === null ? '—' : `${formatPoints(c.passRateDiff.estimate)} [${formatPoints(c.passRateDiff.ci[0])}, ${formatPoints(c.passRateDiff.ci[1])}]`;
    const cost = c.costDiff === null ? 'unknown' : `${formatSignedUsd(c.costDiff.estimate)} [${formatSignedUsd(c.costDiff.ci[0])}, ${formatSignedUsd(c.costDiff.ci[1])}]`;
    const verdict = describeComparison(c, report.run.trialsPerPair, (g) => groupLabel(g, showHarness)).map((line) => e(line)).join('<br>');
    return `<tr><td>${e(groupLabel(c.a, showHarness))}</td><td>${e(groupLabel(c.b, showHarness))}</td><td class="num">${c.tasks}</td><td class="num">${e(pass)}</td><td class="num">${e(cost)}</td><td>${verdict}</td></tr>`;
  });
  const first = report.comparisons[0];
  return '<h2 id="comparisons">Paired comparisons</h2>'
    + `<div class="table-wrap"><table><thead><tr><th>A</th><th>B</th><th class="num">shared tasks</th><th class="num">pass rate A − B [95% CI]</th><th class="num">cost / attempt A − B [95% CI]</th><th>what the data support</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>`
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
  const chartJs = scriptText(options.chartJs ?? loadChartJs());
  const client = scriptText(CLIENT_SCRIPT);
  const css = REPORT_CSS;
  const csp = contentSecurityPolicy([chartJs, client], [css]);
  const models = orderedModels(report);
  const showHarness = mixesHarnesses(models);
  const run = report.run;
  const title = options.title ?? `KiloBench report: ${run.name || run.id}`;
  const when = run.finishedAt ?? run.createdAt;
  const meta = [
    `run <code>${e(run.id)}</code>`,
    run.name && run.name !== run.id ? e(run.name) : '',
    `harness <code>${e(run.harness)}</code>`,
    `${run.trialsPerPair} trial(s) per task and model`,
    e(run.status),
    e(when),
    run.prices?.kind && run.prices.kind !== 'recorded' ? `<strong>${e(run.prices.description)}</strong>` : e(run.prices?.description ?? ''),
  ].filter(Boolean).join(' · ');

  const body = [
    `<header><h1>${e(title)}</h1><p class="sub">${meta}</p></header>`,
    simulatedBanner(report),
    summary(report),
    '<h2 id="leaderboard">Leaderboard</h2>',
    leaderboard(report, models),
    '<h2 id="cost">Cost and pass rate</h2>',
    '<div class="grid">',
    chartCard('chart-scatter', 'Cost to complete vs pass rate', unplacedNote(models), true),
    chartCard('chart-completion', 'Cost to complete a task', 'Cost to complete: spend on all attempts ÷ passes, failures included. Solved-only: mean over the tasks each model solved; the second line says how many it never solved.', true),
    '</div>',
    '<h2 id="fingerprint">Behaviour fingerprint</h2>',
    '<div class="grid">',
    chartCard('chart-tools', 'Tool calls per attempt', 'By category, as the harness recorded them (or as the model requested them).'),
    chartCard('chart-readwrite', 'Read : write ratio', 'Read tool calls per write tool call, over all attempts.'),
    chartCard('chart-shares', 'Context, cache, reasoning and model time', 'Re-sent context and cache hits as shares of input tokens, reasoning of output tokens, model time of agent time.'),
    chartCard('chart-spend', 'Where the spend goes', 'Re-sent context, new input, output and reasoning, as shares of each model’s spend.'),
    '</div>',
    fingerprintTable(models, showHarness),
    '<h2 id="tasks">Tasks × models</h2>',
    heatmap(report, models, showHarness),
    '<h2 id="complementarity">Complementarity</h2>',
    complementaritySection(report, showHarness),
    comparisonsSection(report, showHarness),
    harnessVersionsHtml(report.harnessVersions ?? []),
    '<h2 id="definitions">Definitions</h2>',
    `<ul class="notes defs">${DEFINITIONS.map((d) => `<li>${e(d)}</li>`).join('')}</ul>`,
    `<footer>Generated by KiloBench${run.generatedAt ? ` on ${e(run.generatedAt)}` : ''}. Report format ${report.version}. Charts by Chart.js (MIT).</footer>`,
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
    `<script type="application/json" id="kb-view">${jsonForScript(chartView(report))}</script>`,
    `<script type="application/json" id="kb-report">${jsonForScript(report)}</script>`,
    `<script>${chartJs}</script>`,
    `<script>${client}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
