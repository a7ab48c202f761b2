/**
 * Issue 15's check: the same run fed to the CLI table, the dashboard model and the HTML report
 * finds every shared figure formatted identically. The dashboard lays out `dashboardView(...)
 * .report` with the functions of figures.ts (as webview/dashboard.ts does), so its texts are
 * computed here from the dashboard's own model, and each must appear verbatim in the terminal
 * table and in the HTML page.
 */
import assert from 'node:assert/strict';
import { analyseRun } from '../../../src/core/analysis/analyse';
import {
  comparisonRows, complementarityFacts, heatCellText, LEADERBOARD_FIGURES, modelLabeller, orderedModels,
} from '../../../src/core/report/figures';
import {
  formatDate, formatDuration, formatPassRate, formatTokens, formatUsd, plural,
} from '../../../src/core/report/format';
import { escapeHtml, renderHtmlReport } from '../../../src/core/report/html';
import { buildReport } from '../../../src/core/report/json-report';
import { formatLeaderboard } from '../../../src/core/report/leaderboard';
import { dashboardView } from '../../../src/vscode/dashboard-model';
import { realisticRun } from './fixture';

describe('report: the same figure reads the same everywhere', () => {
  const f = realisticRun();
  const analysis = analyseRun({ trials: f.trials, calls: f.calls, events: f.events, resamples: 200 });
  const cli = formatLeaderboard(buildReport(f.run, analysis));
  const html = renderHtmlReport(buildReport(f.run, analysis), { clientScript: '/* charts */' });
  const dashboard = dashboardView(buildReport(f.run, analysis), false).report;

  it('every leaderboard figure of the dashboard is in the CLI table and the HTML report, in the same order of models', () => {
    const models = orderedModels(dashboard);
    assert.ok(models.length >= 2);
    const cliLines = cli.split('\n');
    models.forEach((m, i) => {
      const texts = LEADERBOARD_FIGURES.map((c) => c.text(m));
      const line = cliLines[2 + i] ?? '';
      assert.ok(line.startsWith(m.model), `CLI row ${i} is ${m.model}: ${line}`);
      for (const text of texts) {
        assert.ok(line.includes(text), `CLI row of ${m.model} has ${text}: ${line}`);
        assert.ok(html.includes(`>${escapeHtml(text)}<`), `HTML report has ${m.model}'s ${text}`);
      }
    });
    const htmlOrder = [...html.matchAll(/<td class="name">([^<]+)</g)].map((x) => x[1]);
    assert.deepEqual(htmlOrder, models.map((m) => m.model), 'HTML leaderboard order');
  });

  it('heat-map cells, complementarity facts and comparison verdicts of the dashboard are in the HTML report word for word', () => {
    const label = modelLabeller(dashboard);
    for (const t of dashboard.tasks) for (const r of t.results) assert.ok(html.includes(`>${escapeHtml(heatCellText(r))}<small>`), `${t.task} · ${label(r)} cell`);
    for (const [k, v] of complementarityFacts(dashboard)) assert.ok(html.includes(`<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`), `complementarity ${k}`);
    const rows = comparisonRows(dashboard);
    assert.ok(rows.length > 0);
    for (const r of rows) for (const line of [r.passRate, r.costPerAttempt, ...r.verdict]) assert.ok(html.includes(escapeHtml(line)), line);
    assert.ok(!/\((s|es)\)/.test(html.replace(/<script[\s\S]*?<\/script>/g, '')), 'no "trial(s)" anywhere on the page');
  });

  it('the one formatter: money, tokens with units, percentages with intervals, durations, dates, plurals', () => {
    assert.deepEqual([0, 0.0385, 0.5, 0.00123, 12.345, -0.02].map(formatUsd), ['$0', '$0.0385', '$0.50', '$0.00123', '$12.35', '−$0.02']);
    assert.deepEqual([850, 12_345, 4_560_000].map((n) => formatTokens(n)), ['850 tokens', '12.3k tokens', '4.56M tokens']);
    assert.equal(formatPassRate(2 / 3, [0.208, 0.939]), '66.7% [20.8–93.9]');
    assert.deepEqual([400, 12_400, 185_000, 7_620_000, null].map(formatDuration), ['0.4 s', '12 s', '3 min 05 s', '2 h 07 min', '—']);
    assert.equal(formatDate('2026-12-03T13:01:44Z', true), '3 Dec 2026 13:01 UTC');
    assert.equal(formatDate('not a date'), 'not a date');
    assert.deepEqual([plural(1, 'trial'), plural(3, 'trial'), plural(0, 'task')], ['1 trial', '3 trials', '0 tasks']);
  });
});
