/**
 * The dashboard of a run (or a comparison of runs): leaderboard, cost vs pass-rate scatter with
 * the Pareto front, cost-to-complete bars, fingerprints, task × model heatmap (click a cell for its
 * trials), complementarity, exports. Redraws on the extension's updates while the run goes.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import type { Chart } from 'chart.js';
import type { DashboardView, HeatCell, TrialRow } from '../src/protocol';
import { completionChart, scatterChart, sharesChart, toolsChart } from './charts';
import { clear, h, root } from './dom';
import { getState, on, request, setState, watchProblems } from './rpc';
import { onThemeChange, palette, seriesColor } from './theme';

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

function canvasBox(id: string, label: string): { box: HTMLElement; canvas: HTMLCanvasElement } {
  const canvas = h('canvas', { id, role: 'img', 'aria-label': label });
  return { box: h('div', { class: 'chart-box' }, canvas), canvas };
}

function leaderboardTable(v: DashboardView): HTMLElement {
  const p = palette();
  const rows = v.leaderboard.map((r) => {
    const dot = h('span', { class: 'dot', 'aria-hidden': 'true' });
    dot.style.setProperty('background', seriesColor(p, r.series));
    return h('tr', { 'data-model': r.model, 'data-harness': r.harness },
      h('td', null, dot, h('span', null, r.label), r.simulated ? h('span', { class: 'tag', title: 'served by the simulated provider: not a real model' }, 'sim') : '', r.onPareto ? h('span', { class: 'tag front', title: 'on the cost / pass-rate Pareto front' }, 'Pareto') : ''),
      h('td', { class: 'num' }, h('strong', null, r.passRateText), ' ', h('span', { class: 'muted' }, r.ciText)),
      h('td', { class: 'num' }, `${r.passed}/${r.attempts}`),
      h('td', { class: 'num' }, r.costPerAttemptText),
      h('td', { class: 'num' }, r.costToCompleteText),
      h('td', { class: 'num muted' }, r.solvedOnlyText),
      h('td', { class: 'num' }, r.unsolvedText));
  });
  return h('div', { class: 'table-wrap' }, h('table', { id: 'leaderboard', class: 'data' },
    h('thead', null, h('tr', null,
      h('th', null, 'model'), h('th', { class: 'num', title: 'passes ÷ attempts, Wilson 95% interval' }, 'pass rate [95% CI]'), h('th', { class: 'num' }, 'passed'),
      h('th', { class: 'num', title: 'mean metered cost of one attempt' }, 'cost / attempt'),
      h('th', { class: 'num', title: 'spend on all attempts ÷ passes: what one pass costs, failures included' }, 'cost to complete'),
      h('th', { class: 'num', title: 'solved-only: expected spend until the first pass, mean over solved tasks only (read with unsolved)' }, 'solved-only / task'),
      h('th', { class: 'num', title: 'tasks never passed / tasks attempted' }, 'unsolved'))),
    h('tbody', null, rows)));
}

/** The harness versions view: what each step from one version to the next changed, per model. */
function harnessVersionsSection(v: DashboardView): HTMLElement | string {
  const hv = v.harnessVersions;
  if (!hv || hv.rows.length === 0) return '';
  return section('Harness versions', 'sec-harness-versions',
    h('div', { class: 'table-wrap' }, h('table', { id: 'harness-versions', class: 'data' },
      h('thead', null, h('tr', null, hv.columns.map((c, i) => h('th', i >= 3 ? { class: 'num' } : null, c)))),
      h('tbody', null, hv.rows.map((r) => h('tr', null, r.map((c, i) => h('td', i >= 3 ? { class: 'num' } : null, c))))))),
    h('ul', { class: 'plain' }, hv.sentences.map((line) => h('li', null, line))),
    h('p', { class: 'muted small' }, 'Pass rate and re-sent context in percentage points, costs and calls in % of the older version; [95% paired bootstrap interval over the tasks both versions ran].'));
}

function heatColor(cell: HeatCell): string | null {
  if (cell.passRate === null) return null;
  const pct = Math.round(cell.passRate * 100);
  return `color-mix(in srgb, var(--vscode-testing-iconPassed, #73c991) ${pct}%, var(--vscode-testing-iconFailed, #f14c4c))`;
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
  const head = h('tr', null, h('th', null, 'task'), v.heatmap.groups.map((g) => h('th', { class: 'num' }, g.label)));
  const rows = v.heatmap.tasks.map((task, i) => h('tr', null, h('th', { scope: 'row' }, h('code', null, task)),
    (v.heatmap.cells[i] ?? []).map((cell) => {
      if (!cell) return h('td', { class: 'num muted' }, '·');
      const selected = pair && pair.task === task && pair.model === cell.model && pair.harness === cell.harness;
      const td = h('td', {
        class: `num heat${selected ? ' selected' : ''}${cell.passRate === null ? ' none' : ''}`, title: cell.title, tabindex: 0,
        'data-task': task, 'data-model': cell.model, role: 'button',
        onclick: () => void showPair(task, cell.model, cell.harness),
        onkeydown: (e: Event) => { if ((e as KeyboardEvent).key === 'Enter') void showPair(task, cell.model, cell.harness); },
      }, h('span', { class: 'heat-text' }, cell.text));
      const color = heatColor(cell);
      if (color) td.style.setProperty('--heat', color);
      return td;
    })));
  return h('div', { class: 'table-wrap' }, h('table', { id: 'heatmap', class: 'data heatmap' }, h('thead', null, head), h('tbody', null, rows)));
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

function drawCharts(v: DashboardView): void {
  for (const c of charts) c.destroy();
  charts = [];
  const p = palette();
  const draw = (id: string, fn: (canvas: HTMLCanvasElement, v: DashboardView, p: ReturnType<typeof palette>) => Chart) => {
    const canvas = document.getElementById(id) as HTMLCanvasElement | null;
    if (canvas) charts.push(fn(canvas, v, p));
  };
  draw('chart-scatter', scatterChart);
  draw('chart-completion', completionChart);
  draw('chart-tools', toolsChart);
  draw('chart-shares', sharesChart);
}

function render(): void {
  if (!view) return;
  const v = view;
  const scrollY = window.scrollY;
  const el = root();
  clear(el);
  el.removeAttribute('aria-busy');
  const scatter = canvasBox('chart-scatter', 'cost to complete (spend per pass) against pass rate, with the Pareto front');
  const completion = canvasBox('chart-completion', 'expected cost to complete per model');
  const tools = canvasBox('chart-tools', 'tool calls per attempt by category');
  const shares = canvasBox('chart-shares', 're-sent context, cache-hit and reasoning shares');
  el.append(
    h('header', { class: 'page-head' },
      h('div', null,
        h('h1', null, v.title, v.live ? h('vscode-badge', { id: 'live', class: 'live' }, 'live') : ''),
        h('p', { class: 'muted' }, v.subtitle)),
      h('div', { class: 'buttons' },
        h('vscode-button', { secondary: true, id: 'export-csv', onclick: () => void doExport('csv') }, 'CSV'),
        h('vscode-button', { secondary: true, id: 'export-json', onclick: () => void doExport('json') }, 'JSON'),
        h('vscode-button', { secondary: true, id: 'export-html', onclick: () => void doExport('html') }, 'HTML report'))),
    h('p', { id: 'export-note', class: 'muted' }, exportNote ?? ''),
    h('div', { class: 'totals' },
      h('div', { class: 'stat' }, h('span', { class: 'stat-value' }, String(v.totals.trials)), h('span', { class: 'stat-label' }, 'trials')),
      h('div', { class: 'stat' }, h('span', { class: 'stat-value' }, String(v.totals.attempts)), h('span', { class: 'stat-label' }, 'attempts')),
      h('div', { class: 'stat' }, h('span', { class: 'stat-value' }, String(v.totals.excluded)), h('span', { class: 'stat-label' }, 'excluded')),
      h('div', { class: 'stat' }, h('span', { class: 'stat-value' }, v.totals.spendText), h('span', { class: 'stat-label' }, 'spend'))),
    section('Leaderboard', 'sec-leaderboard', leaderboardTable(v)),
    h('div', { class: 'grid' },
      section('Cost vs pass rate', 'sec-scatter', scatter.box, h('p', { class: 'muted small' }, 'Cost to complete = spend on all attempts ÷ passes, log axis. Diamonds and the dashed line: the Pareto front (no other model is both cheaper and better).')),
      section('Cost to complete', 'sec-completion', completion.box, h('p', { class: 'muted small' }, 'Cost to complete: spend on all attempts ÷ passes. Solved-only: expected spend until the first pass, over solved tasks only.')),
      section('Tool calls by category', 'sec-tools', tools.box),
      section('Context and reasoning', 'sec-shares', shares.box)),
    section('Task × model', 'sec-heatmap', heatmapTable(v), h('p', { class: 'muted small' }, 'Passes / attempts per pair; colour from fail to pass. Click a cell for its trials.'), h('div', { id: 'pair', class: 'pair' })),
    section('Complementarity', 'sec-complementarity',
      h('ul', { class: 'plain' }, v.complementarity.lines.map((l) => h('li', null, l))),
      v.complementarity.uniqueSolves.length
        ? h('p', null, 'Solved by exactly one model: ', v.complementarity.uniqueSolves.map((u, i) => [i ? ', ' : '', h('code', null, u.task), ` (${u.label})`]).flat())
        : h('p', { class: 'muted' }, 'No task is solved by exactly one model.')),
    harnessVersionsSection(v),
    v.notes.length ? h('section', { class: 'notes' }, h('ul', null, v.notes.map((n) => h('li', { class: 'muted small' }, n)))) : '',
  );
  drawCharts(v);
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
  onThemeChange(() => view && drawCharts(view));
  try {
    view = await request('dashboard/data', {});
    save();
    render();
  } catch (e) {
    const el = root();
    clear(el);
    el.append(h('p', { class: 'error' }, `KiloBench could not build the dashboard: ${(e as Error).message}`));
    document.body.dataset.ready = 'error';
  }
}

void main();
