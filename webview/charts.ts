/**
 * THE chart module: every chart KiloBench draws, for the dashboard (bundled into its webview) and
 * for the self-contained HTML report (bundled into the page's one script, `report-page.ts`), from
 * the one `Report` shape, in the colours of the current theme (`theme.ts`), numbers written by the
 * one formatter (`src/core/report/format.ts`). Animations are off: numbers, not motion.
 *
 * Add a chart: one entry in `REPORT_CHARTS` below (both pages lay out and draw every entry).
 */
import {
  BarController, BarElement, CategoryScale, Chart, Filler, Legend, LinearScale, LineController, LineElement,
  LogarithmicScale, PointElement, ScatterController, Tooltip, type ChartConfiguration, type ChartDataset, type Plugin,
} from 'chart.js';
import type { TranscriptView } from '../src/protocol';
import { colourSlots, groupKey, modelLabeller, orderedModels } from '../src/core/report/figures';
import { formatNumber, formatPercent, formatPercentInterval, formatTokens, formatUsd, formatUsdInterval, plural } from '../src/core/report/format';
import type { Report, ReportModel } from '../src/core/report/json-report';
import { TOOL_CATEGORIES } from '../src/core/domain';
import { h } from './dom';
import { seriesColor, type Palette } from './theme';

Chart.register(BarController, BarElement, CategoryScale, Filler, Legend, LinearScale, LineController, LineElement, LogarithmicScale, PointElement, ScatterController, Tooltip);

type Options = NonNullable<ChartConfiguration['options']>;

/** An entry of a legend drawn as HTML under the canvas, so a tooltip can never cover it. */
export interface LegendItem {
  label: string;
  colour: string;
  /** `point`: a model's dot; `diamond`: dominated; `line`: the front; `box`: a bar series. */
  shape: 'point' | 'diamond' | 'line' | 'box';
}

export interface Drawn {
  chart: Chart;
  legend: LegendItem[];
}

export interface ChartSpec {
  id: string;
  /** Which group of charts it belongs to on both pages. */
  section: 'cost' | 'behaviour';
  title: string;
  note: (report: Report) => string;
  tall?: boolean;
  draw: (canvas: HTMLCanvasElement, report: Report, p: Palette) => Drawn;
}

function base(p: Palette): Options {
  return {
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    color: p.foreground,
    font: { family: p.font },
    plugins: { legend: { display: false }, tooltip: { enabled: true } },
  };
}

function axis(p: Palette, title: string, extra: Record<string, unknown> = {}) {
  return {
    title: { display: title !== '', text: title, color: p.muted, font: { family: p.font } },
    ticks: { color: p.foreground, font: { family: p.font } },
    grid: { color: p.grid },
    border: { color: p.grid },
    ...extra,
  };
}

function hcBorder(p: Palette): { borderColor?: string; borderWidth: number } {
  return p.highContrast ? { borderColor: p.foreground, borderWidth: 1 } : { borderWidth: 0 };
}

/** Each model's colour, by its name (the same model has the same colour in every chart and run). */
export function modelColours(report: Report, p: Palette): (g: { model: string; harness: string }) => string {
  const slots = colourSlots(report.models, p.series.length);
  return (g) => seriesColor(p, slots.get(groupKey(g)) ?? 0);
}

/** 1, 2, 3, 5, 7 × 10^k between min and max: readable ticks on a log axis however narrow the range. */
export function logTicks(min: number, max: number): number[] {
  const ticks: number[] = [];
  for (let k = Math.floor(Math.log10(min)); k <= Math.ceil(Math.log10(max)); k++) {
    for (const m of [1, 2, 3, 5, 7]) {
      const v = m * 10 ** k;
      if (v >= min * 0.999 && v <= max * 1.001) ticks.push(Number(v.toPrecision(3)));
    }
  }
  return ticks.length >= 2 ? ticks : [min, max];
}

// Cost vs pass rate ──────────────────────────────────────────────────────────────────────────────

interface Placed {
  m: ReportModel;
  label: string;
  colour: string;
  cost: number;
  rate: number;
}

function placedModels(report: Report, p: Palette): Placed[] {
  const label = modelLabeller(report);
  const colour = modelColours(report, p);
  return orderedModels(report).flatMap((m) => {
    const cost = m.costToComplete.perPass;
    return typeof cost === 'number' && cost > 0 && m.passRate !== null ? [{ m, label: label(m), colour: colour(m), cost, rate: m.passRate }] : [];
  });
}

/**
 * Draws, in pixels: the Pareto front as a staircase through the front's points (a single point
 * still draws its front: down to the axis and across to the edge), each model's interval bars
 * (Wilson pass rate, cost per pass), its name, and "≈" beside a dominated point whose intervals
 * overlap a point that dominates it.
 */
function scatterDecor(placed: readonly Placed[], p: Palette): Plugin<'scatter'> {
  return {
    id: 'kbScatterDecor',
    beforeDatasetsDraw(chart) {
      const { ctx, chartArea: area, scales: { x, y } } = chart;
      if (!x || !y) return;
      const front = placed.filter((q) => q.m.onPareto).sort((a, b) => a.cost - b.cost || a.rate - b.rate);
      if (front.length === 0) return;
      ctx.save();
      ctx.strokeStyle = p.muted;
      ctx.setLineDash([6, 4]);
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      const first = front[0] as Placed;
      ctx.moveTo(x.getPixelForValue(first.cost), area.bottom);
      for (const [i, q] of front.entries()) {
        const px = x.getPixelForValue(q.cost);
        if (i > 0) ctx.lineTo(px, y.getPixelForValue((front[i - 1] as Placed).rate * 100));
        ctx.lineTo(px, y.getPixelForValue(q.rate * 100));
      }
      ctx.lineTo(area.right, y.getPixelForValue((front[front.length - 1] as Placed).rate * 100));
      ctx.stroke();
      ctx.restore();
    },
    afterDatasetsDraw(chart) {
      const { ctx, chartArea: area, scales: { x, y } } = chart;
      if (!x || !y) return;
      const clampX = (v: number) => Math.min(area.right, Math.max(area.left, v));
      const clampY = (v: number) => Math.min(area.bottom, Math.max(area.top, v));
      // Names go beside their points; one that would overlap a name already drawn moves down a line.
      const taken: { x0: number; x1: number; y: number }[] = [];
      for (const q of placed) {
        const px = x.getPixelForValue(q.cost);
        const py = y.getPixelForValue(q.rate * 100);
        ctx.save();
        ctx.strokeStyle = q.colour;
        ctx.globalAlpha = 0.8;
        ctx.lineWidth = 1.5;
        ctx.beginPath();
        const top = clampY(y.getPixelForValue(q.m.passRateCI[1] * 100));
        const bottom = clampY(y.getPixelForValue(q.m.passRateCI[0] * 100));
        ctx.moveTo(px, top); ctx.lineTo(px, bottom);
        ctx.moveTo(px - 4, top); ctx.lineTo(px + 4, top);
        ctx.moveTo(px - 4, bottom); ctx.lineTo(px + 4, bottom);
        const ci = q.m.costToComplete.perPassCI;
        if (ci && ci[1] > 0) {
          const left = clampX(ci[0] > 0 ? x.getPixelForValue(ci[0]) : area.left);
          const right = clampX(x.getPixelForValue(ci[1]));
          ctx.moveTo(left, py); ctx.lineTo(right, py);
          if (ci[0] > 0) { ctx.moveTo(left, py - 4); ctx.lineTo(left, py + 4); }
          ctx.moveTo(right, py - 4); ctx.lineTo(right, py + 4);
        }
        ctx.stroke();
        ctx.globalAlpha = 1;
        ctx.fillStyle = p.foreground;
        ctx.font = `600 12px ${p.font}`;
        const text = q.m.paretoWithinNoise ? `${q.label} ≈` : q.label;
        const width = ctx.measureText(text).width;
        const flip = px + 10 + width > area.right;
        const x0 = flip ? px - 10 - width : px + 10;
        let ty = Math.max(area.top + 14, py - 4);
        while (taken.some((t) => Math.abs(t.y - ty) < 14 && x0 < t.x1 && t.x0 < x0 + width)) ty += 14;
        taken.push({ x0, x1: x0 + width, y: ty });
        ctx.textAlign = 'left';
        ctx.textBaseline = 'bottom';
        ctx.fillText(text, x0, ty);
        ctx.restore();
      }
    },
  };
}

function scatterChart(canvas: HTMLCanvasElement, report: Report, p: Palette): Drawn {
  const placed = placedModels(report, p);
  const datasets: ChartDataset<'scatter', { x: number; y: number }[]>[] = placed.map((q) => ({
    label: q.label,
    data: [{ x: q.cost, y: q.rate * 100 }],
    backgroundColor: q.m.onPareto ? q.colour : 'transparent',
    borderColor: p.highContrast ? p.foreground : q.colour,
    borderWidth: 2,
    pointRadius: q.m.onPareto ? 7 : 6,
    pointHoverRadius: 8,
    pointStyle: q.m.onPareto ? 'circle' : 'rectRot',
    clip: false,
  }));
  // Padding: the axis reaches past every point and interval by a factor of 2 (log), and 6 points
  // beyond 0 % and 100 %, so no point sits on the border.
  const costs = placed.flatMap((q) => [q.cost]);
  const min = (costs.length ? Math.min(...costs) : 0.001) / 2;
  const max = (costs.length ? Math.max(...costs) : 1) * 2;
  const chart = new Chart(canvas, {
    type: 'scatter',
    data: { datasets },
    options: {
      ...base(p),
      layout: { padding: { top: 8, right: 12 } },
      scales: {
        x: axis(p, 'cost to complete: spend per pass (log scale)', {
          type: 'logarithmic', min, max,
          afterBuildTicks: (scale: { ticks: { value: number }[] }) => { scale.ticks = logTicks(min, max).map((value) => ({ value })); },
          ticks: { color: p.foreground, callback: (v: number | string) => formatUsd(Number(v)), autoSkip: true, maxRotation: 0 },
        }),
        y: axis(p, 'pass rate (95% Wilson interval)', {
          min: -6, max: 106,
          afterBuildTicks: (scale: { ticks: { value: number }[] }) => { scale.ticks = [0, 25, 50, 75, 100].map((value) => ({ value })); },
          ticks: { color: p.foreground, callback: (v: number | string) => `${Number(v)}%` },
        }),
      },
      plugins: {
        ...base(p).plugins,
        tooltip: {
          callbacks: {
            label: (c) => {
              const q = placed[c.datasetIndex];
              if (!q) return '';
              const ci = q.m.costToComplete.perPassCI;
              return `${q.label}: ${formatPercent(q.m.passRate)} [${formatPercentInterval(q.m.passRateCI)}], ${formatUsd(q.cost)} per pass${ci ? ` [${formatUsdInterval(ci)}]` : ''}${q.m.paretoWithinNoise ? ' (≈ within the noise of a model that dominates it)' : ''}`;
            },
          },
        },
      },
    },
    plugins: [scatterDecor(placed, p)],
  });
  const legend: LegendItem[] = placed.map((q) => ({ label: q.label, colour: q.colour, shape: q.m.onPareto ? 'point' : 'diamond' }));
  if (placed.some((q) => q.m.onPareto)) legend.push({ label: 'Pareto front', colour: p.muted, shape: 'line' });
  return { chart, legend };
}

function scatterNote(report: Report): string {
  const out = orderedModels(report).filter((m) => m.passRate === null || typeof m.costToComplete.perPass !== 'number' || m.costToComplete.perPass <= 0);
  const label = modelLabeller(report);
  const noCostBar = orderedModels(report).filter((m) => !out.includes(m) && m.costToComplete.perPassCI === null);
  const why = (m: ReportModel) => (m.passRate === null ? 'no attempts' : m.costToComplete.perPass === 'unsolved' ? 'never passed' : m.costToComplete.perPass === null ? 'cost unknown' : 'costs $0, which a log axis cannot show');
  return 'Cost = spend on all attempts ÷ passes, log axis. Filled circles are on the Pareto front (no model is both cheaper and better), hollow diamonds are dominated; '
    + '≈: dominated on the point estimates, but its 95% intervals overlap a model that dominates it (no detectable difference). Bars: 95% intervals (pass rate: Wilson; cost: bootstrap over tasks).'
    + (out.length ? ` Not plotted: ${out.map((m) => `${label(m)} (${why(m)})`).join('; ')}.` : '')
    + (noCostBar.length ? ` No cost bar (too few tasks or passes to bound it): ${noCostBar.map(label).join(', ')}.` : '');
}

// Bars ───────────────────────────────────────────────────────────────────────────────────────────

function completionChart(canvas: HTMLCanvasElement, report: Report, p: Palette): Drawn {
  const models = orderedModels(report);
  const label = modelLabeller(report);
  const colour = modelColours(report, p);
  const num = (v: unknown) => (typeof v === 'number' ? v : null);
  const labels = models.map((m) => {
    const c = m.costToComplete;
    const note = c.perPass === 'unsolved' ? `unsolved: all ${plural(c.unsolvedTasks, 'task')}`
      : m.attempts === 0 ? 'no attempts'
        : c.perPass === null ? 'cost unknown (unpriced)'
          : c.unsolvedTasks > 0 ? `${c.unsolvedTasks} of ${plural(c.solvedTasks + c.unsolvedTasks, 'task')} unsolved` : `all ${plural(c.solvedTasks, 'task')} solved`;
    return [label(m), note];
  });
  const chart = new Chart(canvas, {
    type: 'bar',
    data: {
      labels,
      datasets: [
        { label: 'cost to complete (spend on all attempts ÷ passes)', data: models.map((m) => num(m.costToComplete.perPass)), backgroundColor: models.map((m) => colour(m)), ...hcBorder(p) },
        { label: 'solved-only (mean over solved tasks)', data: models.map((m) => num(m.costToComplete.expected)), backgroundColor: p.muted, ...hcBorder(p) },
      ],
    },
    options: {
      ...base(p),
      indexAxis: 'y',
      plugins: { ...base(p).plugins, tooltip: { callbacks: { label: (c) => `${(c.dataset.label ?? '').split(' (')[0]}: ${c.raw === null ? '—' : formatUsd(Number(c.raw))}` } } },
      scales: {
        x: axis(p, 'dollars per pass (solved-only: per solved task)', { beginAtZero: true, ticks: { color: p.foreground, maxRotation: 0, maxTicksLimit: 6, callback: (v: number | string) => formatUsd(Number(v)) } }),
        y: axis(p, '', { ticks: { color: p.foreground, autoSkip: false } }),
      },
    },
  });
  return { chart, legend: [{ label: 'cost to complete (bar in the model’s colour)', colour: colour(models[0] ?? { model: '', harness: '' }), shape: 'box' }, { label: 'solved-only / solved task', colour: p.muted, shape: 'box' }] };
}

const TOOL_LABELS: Record<string, string> = { exec: 'exec (shell)' };

function toolsChart(canvas: HTMLCanvasElement, report: Report, p: Palette): Drawn {
  const models = orderedModels(report);
  const label = modelLabeller(report);
  const used = TOOL_CATEGORIES.filter((c) => models.some((m) => m.fingerprint.toolCalls[c] > 0));
  const categories = used.length ? used : TOOL_CATEGORIES.slice(0, 4);
  const datasets = categories.map((c, i) => ({
    label: TOOL_LABELS[c] ?? c,
    data: models.map((m) => m.fingerprint.toolCallsPerAttempt?.[c] ?? 0),
    backgroundColor: seriesColor(p, i),
    ...hcBorder(p),
  }));
  const chart = new Chart(canvas, {
    type: 'bar',
    data: { labels: models.map((m) => label(m)), datasets },
    options: {
      ...base(p),
      indexAxis: 'y',
      plugins: { ...base(p).plugins, tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${formatNumber(Number(c.raw))} per attempt` } } },
      scales: { x: axis(p, 'tool calls per attempt, by category', { stacked: true, beginAtZero: true }), y: axis(p, '', { stacked: true, ticks: { color: p.foreground, autoSkip: false } }) },
    },
  });
  return { chart, legend: datasets.map((d) => ({ label: d.label, colour: d.backgroundColor, shape: 'box' as const })) };
}

function readWriteChart(canvas: HTMLCanvasElement, report: Report, p: Palette): Drawn {
  const models = orderedModels(report);
  const label = modelLabeller(report);
  const colour = modelColours(report, p);
  const chart = new Chart(canvas, {
    type: 'bar',
    data: {
      labels: models.map((m) => {
        const f = m.fingerprint;
        const note = f.readWriteRatio === null ? (f.toolCalls.read > 0 ? `no writes (${plural(f.toolCalls.read, 'read')})` : 'no reads or writes') : `${plural(f.toolCalls.read, 'read')} / ${plural(f.toolCalls.write, 'write')}`;
        return [label(m), note];
      }),
      datasets: [{ label: 'reads per write', data: models.map((m) => m.fingerprint.readWriteRatio), backgroundColor: models.map((m) => colour(m)), ...hcBorder(p) }],
    },
    options: {
      ...base(p),
      plugins: { ...base(p).plugins, tooltip: { callbacks: { label: (c) => `reads per write: ${formatNumber(Number(c.raw), 2)}` } } },
      scales: { y: axis(p, 'read tool calls ÷ write tool calls', { beginAtZero: true }), x: axis(p, '', { ticks: { color: p.foreground, autoSkip: false } }) },
    },
  });
  return { chart, legend: [] };
}

const SHARES: [key: 'resent' | 'cacheHit' | 'reasoning' | 'modelTime', label: string][] = [
  ['resent', 're-sent context (of input)'], ['cacheHit', 'cache hits (of input)'], ['reasoning', 'reasoning (of output)'], ['modelTime', 'waiting on the model (of agent time)'],
];

function shareOf(m: ReportModel, key: (typeof SHARES)[number][0]): number | null {
  const f = m.fingerprint;
  return key === 'resent' ? f.resentContextShare : key === 'cacheHit' ? f.cacheHitShare : key === 'reasoning' ? f.reasoningShare : f.wallTime.modelShare;
}

function sharesChart(canvas: HTMLCanvasElement, report: Report, p: Palette): Drawn {
  const models = orderedModels(report);
  const label = modelLabeller(report);
  const datasets = SHARES.map(([key, text], i) => ({ label: text, data: models.map((m) => shareOf(m, key)), backgroundColor: seriesColor(p, i + 2), ...hcBorder(p) }));
  const chart = new Chart(canvas, {
    type: 'bar',
    data: { labels: models.map((m) => label(m)), datasets },
    options: {
      ...base(p),
      plugins: { ...base(p).plugins, tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${c.raw === null ? '—' : formatPercent(Number(c.raw))}` } } },
      scales: {
        y: axis(p, 'share', { min: 0, max: 1, ticks: { color: p.foreground, callback: (v: number | string) => formatPercent(Number(v), 0) } }),
        x: axis(p, '', { ticks: { color: p.foreground, autoSkip: false } }),
      },
    },
  });
  return { chart, legend: datasets.map((d) => ({ label: d.label, colour: d.backgroundColor, shape: 'box' as const })) };
}

const SPEND_PARTS: [key: 'resentContext' | 'newInput' | 'output' | 'reasoning', label: string][] = [
  ['resentContext', 're-sent context'], ['newInput', 'new input'], ['output', 'output'], ['reasoning', 'reasoning'],
];

function spendChart(canvas: HTMLCanvasElement, report: Report, p: Palette): Drawn {
  const models = orderedModels(report);
  const label = modelLabeller(report);
  const total = (m: ReportModel) => SPEND_PARTS.reduce((sum, [key]) => sum + m.fingerprint.spendSplit[key], 0);
  const datasets = SPEND_PARTS.map(([key, text], i) => ({
    label: text,
    data: models.map((m) => (total(m) > 0 ? m.fingerprint.spendSplit[key] / total(m) : 0)),
    backgroundColor: seriesColor(p, i),
    ...hcBorder(p),
  }));
  const chart = new Chart(canvas, {
    type: 'bar',
    data: { labels: models.map((m) => [label(m), m.fingerprint.spendSplit.unit === 'usd' ? 'in dollars' : 'in tokens (no prices)']), datasets },
    options: {
      ...base(p),
      indexAxis: 'y',
      plugins: {
        ...base(p).plugins,
        tooltip: {
          callbacks: {
            label: (c) => {
              const m = models[c.dataIndex];
              const part = SPEND_PARTS[c.datasetIndex];
              if (!m || !part) return '';
              const v = m.fingerprint.spendSplit[part[0]];
              return `${part[1]}: ${formatPercent(Number(c.raw))} (${m.fingerprint.spendSplit.unit === 'usd' ? formatUsd(v) : formatTokens(v)})`;
            },
          },
        },
      },
      scales: {
        x: axis(p, 'share of spend', { stacked: true, min: 0, max: 1, ticks: { color: p.foreground, callback: (v: number | string) => formatPercent(Number(v), 0) } }),
        y: axis(p, '', { stacked: true, ticks: { color: p.foreground, autoSkip: false } }),
      },
    },
  });
  return { chart, legend: datasets.map((d) => ({ label: d.label, colour: d.backgroundColor, shape: 'box' as const })) };
}

function failedSpendChart(canvas: HTMLCanvasElement, report: Report, p: Palette): Drawn {
  const models = orderedModels(report);
  const label = modelLabeller(report);
  const colour = modelColours(report, p);
  const chart = new Chart(canvas, {
    type: 'bar',
    data: {
      labels: models.map((m) => label(m)),
      datasets: [{ label: 'spent on failed attempts', data: models.map((m) => m.failedSpendShare), backgroundColor: models.map((m) => colour(m)), ...hcBorder(p) }],
    },
    options: {
      ...base(p),
      indexAxis: 'y',
      plugins: { ...base(p).plugins, tooltip: { callbacks: { label: (c) => `spent on failed attempts: ${c.raw === null ? '—' : formatPercent(Number(c.raw))}` } } },
      scales: {
        x: axis(p, 'share of the spend on attempts', { min: 0, max: 1, ticks: { color: p.foreground, callback: (v: number | string) => formatPercent(Number(v), 0) } }),
        y: axis(p, '', { ticks: { color: p.foreground, autoSkip: false } }),
      },
    },
  });
  return { chart, legend: [] };
}

// The list ───────────────────────────────────────────────────────────────────────────────────────

export const REPORT_CHARTS: readonly ChartSpec[] = [
  { id: 'chart-scatter', section: 'cost', title: 'Cost to complete vs pass rate', note: scatterNote, tall: true, draw: scatterChart },
  {
    id: 'chart-completion', section: 'cost', title: 'Cost to complete a task', tall: true, draw: completionChart,
    note: () => 'Cost to complete: spend on all attempts ÷ passes, failures included. Solved-only: mean over the tasks each model solved; the second line says how many it never solved.',
  },
  { id: 'chart-tools', section: 'behaviour', title: 'Tool calls per attempt', note: () => 'By category, as the harness recorded them (or as the model requested them).', draw: toolsChart },
  { id: 'chart-readwrite', section: 'behaviour', title: 'Read : write ratio', note: () => 'Read tool calls per write tool call, over all attempts.', draw: readWriteChart },
  {
    id: 'chart-shares', section: 'behaviour', title: 'Context, cache, reasoning and model time', draw: sharesChart,
    note: () => 'Re-sent context and cache hits as shares of input tokens, reasoning of output tokens, model time of agent time.',
  },
  {
    id: 'chart-failed-spend', section: 'cost', title: 'Spent on failed attempts', draw: failedSpendChart,
    note: () => 'Share of each model’s spend on attempts that went to attempts that did not pass (unknown when a cost is unpriced).',
  },
  { id: 'chart-spend', section: 'behaviour', title: 'Where the spend goes', note: () => 'Re-sent context, new input, output and reasoning, as shares of each model’s spend.', draw: spendChart },
];

function legendElement(items: readonly LegendItem[]): HTMLElement {
  return h('ul', { class: 'kb-legend' }, items.map((item) => {
    const swatch = h('span', { class: `sw ${item.shape}`, 'aria-hidden': 'true' });
    swatch.style.setProperty('--c', item.colour);
    return h('li', null, swatch, item.label);
  }));
}

/**
 * Lays out and draws one section's charts into `container` (cleared first): a card per chart with
 * its title, canvas, HTML legend and note. Returns the charts, to destroy before a redraw.
 */
export function drawCharts(container: HTMLElement, section: ChartSpec['section'], report: Report, p: Palette): Chart[] {
  while (container.firstChild) container.firstChild.remove();
  const charts: Chart[] = [];
  for (const spec of REPORT_CHARTS.filter((s) => s.section === section)) {
    const canvas = h('canvas', { id: spec.id, role: 'img', 'aria-label': spec.title });
    const card = h('div', { class: 'card chart-card', id: `card-${spec.id}` }, h('h3', null, spec.title), h('div', { class: `chart-box${spec.tall ? ' tall' : ''}` }, canvas));
    container.append(card);
    const drawn = spec.draw(canvas, report, p);
    if (drawn.legend.length) card.append(legendElement(drawn.legend));
    card.append(h('p', { class: 'note' }, spec.note(report)));
    charts.push(drawn.chart);
  }
  return charts;
}

/** Cumulative cost after each LLM call of a trial (the transcript view). */
export function cumulativeChart(canvas: HTMLCanvasElement, view: TranscriptView, p: Palette): Chart {
  return new Chart(canvas, {
    type: 'line',
    data: {
      labels: view.cumulative.map((c) => `#${c.seq}`),
      datasets: [{ label: 'cumulative cost', data: view.cumulative.map((c) => c.usd), borderColor: seriesColor(p, 0), backgroundColor: seriesColor(p, 0), pointRadius: 3, fill: false }],
    },
    options: {
      ...base(p),
      plugins: { ...base(p).plugins, tooltip: { callbacks: { label: (c) => formatUsd(Number(c.raw)) } } },
      scales: { x: axis(p, 'LLM call'), y: axis(p, 'dollars', { beginAtZero: true, ticks: { color: p.foreground, callback: (v: number | string) => formatUsd(Number(v)) } }) },
    },
  });
}
