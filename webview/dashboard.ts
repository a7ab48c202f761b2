/**
 * The dashboard of a run (or a comparison of runs): leaderboard, cost vs pass-rate scatter with
 * the Pareto front, cost-to-complete bars, fingerprints, task × model heatmap (click a cell for its
 * trials), complementarity, exports. Redraws on the extension's updates while the run goes.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import type { Chart } from 'chart.js';
import type { DashboardView, TrialRow } from '../src/protocol';
import {
  COMPARISON_COLUMNS, comparisonRows, complementarityFacts, heatCellText, heatCellTitle, heatLevel, HEAT_COLOURS, HEAT_LEVELS,
  LEADERBOARD_FIGURES, modelLabeller, orderedModels, runSubtitle,
} from '../src/core/report/figures';
import { formatCost } from '../src/core/report/format';
import { HARNESS_VERSION_COLUMNS, harnessVersionRows } from '../src/core/report/harness-versions';
import { leaderboardNotes } from '../src/core/report/leaderboard';
import { drawCharts, modelColours } from './charts';
import { clear, h, root, showLoadFailure } from './dom';
import { getState, on, request, setState, watchProblems } from './rpc';
import { onThemeChange, palette } from './theme';

interface DashboardState {
  runIds: string[];
  pair: { task: string; model: string; harness: string } | null;
}

let view: DashboardView | undefined;
let charts: Chart[] = [];
let pair: DashboardState['pair'] = getState<DashboardState>().pair ?? null;
let pairRows: TrialRow[] | null = null;
let exportNote: string | null = null;

function save(): void {
  if (view) setState<DashboardState>({ runIds: view.runIds, pair });
}

function section(title: string, id: string, ...children: (Node | string | null)[]): HTMLElement {
  return h('section', { class: 'card', id }, h('h2', null, title), ...children);
}

function leaderboardTable(v: DashboardView): HTMLElement {
  const report = v.report;
  const label = modelLabeller(report);
  const colour = modelColours(report, palette());
  const rows = orderedModels(report).map((m) => {
    const dot = h('span', { class: 'dot', 'aria-hidden': 'true' });
    dot.style.setProperty('background', colour(m));
    return h('tr', { 'data-model': m.model, 'data-harness': m.harness },
      h('td', null, dot, h('span', null, label(m)),
        m.simulated ? h('span', { class: 'tag', title: 'served by the simulated provider: not a real model' }, 'sim') : '',
        m.onPareto ? h('span', { class: 'tag front', title: 'on the cost / pass-rate Pareto front' }, 'Pareto') : '',
        m.paretoWithinNoise ? h('span', { class: 'tag', title: 'dominated on the point estimates, but its 95% intervals overlap a model that dominates it: no detectable difference' }, '≈ front') : ''),
      LEADERBOARD_FIGURES.map((c) => h('td', { class: 'num' }, c.text(m))));
  });
  return h('div', { class: 'table-wrap' }, h('table', { id: 'leaderboard', class: 'data' },
    h('thead', null, h('tr', null, h('th', null, 'model'), LEADERBOARD_FIGURES.map((c) => h('th', { class: 'num', title: c.title }, c.head)))),
    h('tbody', null, rows)));
}

/** The harness versions view: what each step from one version to the next changed, per model. */
function harnessVersionsSection(v: DashboardView): HTMLElement | string {
  const steps = v.report.harnessVersions ?? [];
  if (steps.length === 0) return '';
  return section('Harness versions', 'sec-harness-versions',
    h('div', { class: 'table-wrap' }, h('table', { id: 'harness-versions', class: 'data' },
      h('thead', null, h('tr', null, HARNESS_VERSION_COLUMNS.map((c, i) => h('th', i >= 3 ? { class: 'num' } : null, c)))),
      h('tbody', null, harnessVersionRows(steps).map((r) => h('tr', null, r.map((c, i) => h('td', i >= 3 ? { class: 'num' } : null, c))))))),
    h('ul', { class: 'plain' }, steps.map((s) => h('li', null, s.sentence))),
    h('p', { class: 'muted small' }, 'Pass rate and re-sent context in percentage points, costs and calls in % of the older version; [95% paired bootstrap interval over the tasks both versions ran].'));
}

/** Paired comparisons: "A beats B" only where the paired test says so, else how many more trials would tell them apart. */
function comparisonsSection(v: DashboardView): HTMLElement | string {
  const rows = comparisonRows(v.report);
  if (rows.length === 0) return '';
  const numeric = (i: number) => i >= 2 && i <= 4;
  return section('Paired comparisons', 'sec-comparisons',
    h('div', { class: 'table-wrap' }, h('table', { id: 'comparisons', class: 'data' },
      h('thead', null, h('tr', null, COMPARISON_COLUMNS.map((c, i) => h('th', numeric(i) ? { class: 'num' } : null, c)))),
      h('tbody', null, rows.map((r) => h('tr', null,
        h('td', null, r.a), h('td', null, r.b), h('td', { class: 'num' }, String(r.tasks)), h('td', { class: 'num' }, r.passRate), h('td', { class: 'num' }, r.costPerAttempt),
        h('td', { class: 'verdict' }, r.verdict.map((line, i) => [i ? h('br') : '', line]).flat())))))),
    h('p', { class: 'muted small' }, 'Paired bootstrap over the shared tasks. A difference is stated only where its 95% interval excludes 0; otherwise the trials per task needed to detect one of the observed size (95% confidence, 80% power) are estimated.'));
}

/** Limit the dashboard to one workspace's mined tasks (shown when any of its tasks ran here). */
function workspaceFilter(v: DashboardView): HTMLElement | string {
  if (v.workspaces.length === 0) return '';
  const select = h('select', {
    id: 'workspace-filter',
    onchange: (e: Event) => {
      const value = (e.target as HTMLSelectElement).value;
      void request('dashboard/workspace', { workspace: value === '' ? null : value }).then((next) => { view = next; render(); }, (err: Error) => {
        exportNote = err.message;
        render();
      });
    },
  }, h('option', { value: '', selected: v.workspace === null }, 'every task'),
  v.workspaces.map((w) => h('option', { value: w.name, selected: v.workspace === w.name }, `${w.name}: its ${w.tasks.length === 1 ? 'mined task' : `${w.tasks.length} mined tasks`}`)));
  return h('p', { class: 'filter' }, h('label', { for: 'workspace-filter' }, 'Tasks: '), select,
    v.workspace ? h('span', { class: 'muted' }, ` · every figure below is over ${v.workspace}'s mined tasks only`) : '');
}

/** Colours every `.hmN` element under `el` from the shared sequential scale, for the current theme. */
function paintHeat(el: HTMLElement): void {
  const scheme = document.body.classList.contains('vscode-light') || document.body.classList.contains('vscode-high-contrast-light') ? HEAT_COLOURS.light : HEAT_COLOURS.dark;
  HEAT_LEVELS.forEach((_, i) => el.querySelectorAll<HTMLElement>(`.hm${i}`).forEach((node) => {
    node.style.setProperty('background', scheme.background[i] ?? null);
    node.style.setProperty('color', scheme.text[i] ?? null);
  }));
}

function heatLegend(): HTMLElement {
  const legend = h('ul', { class: 'heat-legend', 'aria-label': 'passed share of attempts' },
    HEAT_LEVELS.map((text, i) => h('li', null, h('span', { class: `sw hm${i}`, 'aria-hidden': 'true' }), text)),
    h('li', { class: 'muted' }, 'passes / attempts per pair; click a cell for its trials'));
  paintHeat(legend);
  return legend;
}

async function showPair(task: string, model: string, harness: string): Promise<void> {
  pair = { task, model, harness };
  save();
  try {
    pairRows = await request('dashboard/pair', pair);
  } catch (e) {
    pairRows = [];
    exportNote = (e as Error).message;
  }
  renderPair();
}

function heatmapTable(v: DashboardView): HTMLElement {
  const report = v.report;
  const label = modelLabeller(report);
  const models = orderedModels(report);
  const head = h('tr', null, h('th', null, 'task'), models.map((m) => h('th', { class: 'num' }, label(m))));
  const rows = report.tasks.map((t) => h('tr', null, h('th', { scope: 'row' }, h('code', null, t.task)),
    models.map((m) => {
      const r = t.results.find((x) => x.model === m.model && x.harness === m.harness);
      if (!r) return h('td', { class: 'num muted' }, '·');
      const level = heatLevel(r.passRate);
      const selected = pair && pair.task === t.task && pair.model === m.model && pair.harness === m.harness;
      return h('td', {
        class: `num heat${level === null ? ' none' : ` hm${level}`}${selected ? ' selected' : ''}`, title: `${heatCellTitle(t.task, label(m), r)}. Click for its trials.`, tabindex: 0,
        'data-task': t.task, 'data-model': m.model, role: 'button',
        onclick: () => void showPair(t.task, m.model, m.harness),
        onkeydown: (e: Event) => { if ((e as KeyboardEvent).key === 'Enter') void showPair(t.task, m.model, m.harness); },
      }, h('span', { class: 'heat-text' }, heatCellText(r)));
    })));
  const table = h('table', { id: 'heatmap', class: 'data heatmap' }, h('thead', null, head), h('tbody', null, rows));
  paintHeat(table);
  return h('div', { class: 'table-wrap' }, table);
}

function renderPair(): void {
  const slot = document.getElementById('pair');
  if (!slot) return;
  clear(slot);
  document.querySelectorAll('#heatmap td.selected').forEach((td) => td.classList.remove('selected'));
  if (!pair) return;
  document.querySelectorAll<HTMLElement>('#heatmap td.heat').forEach((td) => {
    if (td.dataset.task === pair?.task && td.dataset.model === pair?.model) td.classList.add('selected');
  });
  const rows = pairRows ?? [];
  slot.append(
    h('h3', null, `${pair.task} · ${pair.model}`),
    rows.length === 0 ? h('p', { class: 'muted' }, pairRows === null ? 'Loading…' : 'No trials.') : h('table', { class: 'data compact', id: 'pair-trials' },
      h('tbody', null, rows.map((r) => h('tr', { 'data-trial': r.trialId },
        h('td', null, h('a', { href: '#', class: 'trial-link', onclick: (e: Event) => { e.preventDefault(); void request('transcript/open', { trialId: r.trialId }); } }, r.label)),
        h('td', null, h('span', { class: `status s-${r.status}` }, r.status.replace(/_/g, ' '))),
        h('td', { class: 'num' }, r.costText),
        h('td', { class: 'num' }, r.durationText))))),
  );
}

async function doExport(format: 'csv' | 'json' | 'html'): Promise<void> {
  try {
    const { path } = await request('dashboard/export', { format });
    exportNote = path ? `Saved ${path}` : null;
  } catch (e) {
    exportNote = `Export failed: ${(e as Error).message}`;
  }
  const note = document.getElementById('export-note');
  if (note) note.textContent = exportNote ?? '';
}

function drawAllCharts(v: DashboardView): void {
  for (const c of charts) c.destroy();
  charts = [];
  const p = palette();
  document.querySelectorAll<HTMLElement>('[data-charts]').forEach((container) => {
    charts.push(...drawCharts(container, container.dataset.charts as 'cost' | 'behaviour', v.report, p));
  });
}

function render(): void {
  if (!view) return;
  const v = view;
  const report = v.report;
  const totals = report.run.totals;
  const scrollY = window.scrollY;
  const el = root();
  clear(el);
  el.removeAttribute('aria-busy');
  const subtitle = runSubtitle(report);
  if (v.live) subtitle[subtitle.length - 1] = 'running';
  const stat = (value: string, label: string) => h('div', { class: 'stat' }, h('span', { class: 'stat-value' }, value), h('span', { class: 'stat-label' }, label));
  const notes = leaderboardNotes(report);
  el.append(
    h('header', { class: 'page-head' },
      h('div', null,
        h('h1', null, report.run.name || report.run.id, v.live ? h('vscode-badge', { id: 'live', class: 'live' }, 'live') : ''),
        h('p', { class: 'muted' }, subtitle.join(' · '))),
      h('div', { class: 'buttons' },
        h('vscode-button', { secondary: true, id: 'export-csv', onclick: () => void doExport('csv') }, 'CSV'),
        h('vscode-button', { secondary: true, id: 'export-json', onclick: () => void doExport('json') }, 'JSON'),
        h('vscode-button', { secondary: true, id: 'export-html', onclick: () => void doExport('html') }, 'HTML report'))),
    h('p', { id: 'export-note', class: 'muted' }, exportNote ?? ''),
    workspaceFilter(v),
    h('div', { class: 'totals' },
      stat(String(totals.trials), 'trials'), stat(String(totals.attempts), 'attempts'), stat(String(totals.excluded), 'excluded'),
      stat(formatCost(totals.spendUsd, 'unknown (unpriced calls)'), 'spend')),
    section('Leaderboard', 'sec-leaderboard', leaderboardTable(v)),
    h('div', { class: 'grid', id: 'charts-cost', 'data-charts': 'cost' }),
    comparisonsSection(v),
    h('div', { class: 'grid', id: 'charts-behaviour', 'data-charts': 'behaviour' }),
    section('Task × model', 'sec-heatmap', heatmapTable(v), heatLegend(), h('div', { id: 'pair', class: 'pair' })),
    section('Complementarity', 'sec-complementarity',
      h('dl', { class: 'facts' }, complementarityFacts(report).map(([k, text]) => [h('dt', null, k), h('dd', null, text)]).flat()),
      report.complementarity.solvedByExactlyOne.length
        ? h('p', null, 'Solved by exactly one model: ', report.complementarity.solvedByExactlyOne.map((u, i) => [i ? ', ' : '', h('code', null, u.task), ` (${modelLabeller(report)(u)})`]).flat())
        : h('p', { class: 'muted' }, 'No task is solved by exactly one model.')),
    harnessVersionsSection(v),
    notes.length ? h('section', { class: 'notes' }, h('ul', null, notes.map((n) => h('li', { class: 'muted small' }, n)))) : '',
  );
  drawAllCharts(v);
  if (pair) {
    if (pairRows === null) void showPair(pair.task, pair.model, pair.harness);
    else renderPair();
  }
  window.scrollTo(0, scrollY);
  document.body.dataset.ready = '1';
}

async function main(): Promise<void> {
  watchProblems();
  on('dashboard/data', (v) => {
    view = v;
    save();
    if (pair) void request('dashboard/pair', pair).then((rows) => { pairRows = rows; renderPair(); }, () => undefined);
    render();
  });
  onThemeChange(() => { if (view) render(); });
  try {
    view = await request('dashboard/data', {});
    save();
    render();
  } catch (e) {
    showLoadFailure('build the dashboard', e);
  }
}

void main();
