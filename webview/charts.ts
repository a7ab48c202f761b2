/**
 * The dashboard's and the transcript's charts (Chart.js, tree-shaken to what they use), coloured
 * from the theme: redrawn when the theme changes. Animations are off: numbers, not motion.
 */
import {
  BarController, BarElement, CategoryScale, Chart, Filler, Legend, LinearScale, LineController, LineElement,
  LogarithmicScale, PointElement, ScatterController, Tooltip, type ChartConfiguration, type ChartDataset,
} from 'chart.js';
import type { DashboardView, TranscriptView } from '../src/protocol';
import { seriesColor, type Palette } from './theme';

Chart.register(BarController, BarElement, CategoryScale, Filler, Legend, LinearScale, LineController, LineElement, LogarithmicScale, PointElement, ScatterController, Tooltip);

function money(usd: number): string {
  if (usd === 0) return '$0';
  if (usd >= 1) return `$${usd.toFixed(2)}`;
  return `$${Number(usd.toPrecision(2))}`;
}

function percent(v: number | null): string {
  return v === null ? '—' : `${(v * 100).toFixed(0)}%`;
}

function base(p: Palette): Pick<ChartConfiguration, 'options'>['options'] {
  return {
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    color: p.foreground,
    font: { family: p.font },
    plugins: { legend: { labels: { color: p.foreground, boxWidth: 12, font: { family: p.font } } }, tooltip: { enabled: true } },
  };
}

function axis(p: Palette, title: string, extra: Record<string, unknown> = {}) {
  return {
    title: { display: true, text: title, color: p.muted, font: { family: p.font } },
    ticks: { color: p.foreground, font: { family: p.font } },
    grid: { color: p.grid },
    border: { color: p.grid },
    ...extra,
  };
}

export type Charts = Chart[];

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

/** Cost to complete (spend per pass, log) vs pass rate, one point per model, the Pareto front as a line. */
export function scatterChart(canvas: HTMLCanvasElement, view: DashboardView, p: Palette): Chart {
  const groups = view.chart.groups.filter((g) => g.cost !== null && g.cost > 0 && g.passRate !== null);
  const datasets: ChartDataset<'scatter' | 'line', { x: number; y: number }[]>[] = groups.map((g) => ({
    type: 'scatter' as const,
    label: g.label,
    data: [{ x: g.cost as number, y: (g.passRate as number) * 100 }],
    backgroundColor: seriesColor(p, g.series),
    borderColor: p.highContrast ? p.foreground : seriesColor(p, g.series),
    borderWidth: p.highContrast ? 2 : 1,
    pointRadius: g.onFront ? 7 : 5,
    pointStyle: g.onFront ? 'rectRot' : 'circle',
    clip: false,
  }));
  const front = view.chart.front.filter((f) => f.x > 0);
  if (front.length > 1) {
    datasets.push({
      type: 'line' as const, label: 'Pareto front', data: front.map((f) => ({ x: f.x, y: f.y * 100 })),
      borderColor: p.muted, borderDash: [5, 4], borderWidth: 1.5, pointRadius: 0, fill: false, clip: false,
    });
  }
  const costs = groups.map((g) => g.cost as number);
  const min = (costs.length ? Math.min(...costs) : 0.001) / 2;
  const max = (costs.length ? Math.max(...costs) : 1) * 2;
  return new Chart(canvas, {
    type: 'scatter',
    data: { datasets: datasets as ChartDataset<'scatter', { x: number; y: number }[]>[] },
    options: {
      ...base(p),
      layout: { padding: { top: 10, right: 10 } },
      scales: {
        x: axis(p, 'cost to complete: spend per pass (log scale)', {
          type: 'logarithmic', min, max,
          afterBuildTicks: (scale: { ticks: { value: number }[] }) => { scale.ticks = logTicks(min, max).map((value) => ({ value })); },
          ticks: { color: p.foreground, callback: (v: number | string) => money(Number(v)), autoSkip: true, maxRotation: 0 },
        }),
        y: axis(p, 'pass rate (%)', { min: 0, max: 100 }),
      },
      plugins: {
        ...base(p)?.plugins,
        tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${money(c.parsed.x ?? 0)} per pass, ${(c.parsed.y ?? 0).toFixed(0)}% passed` } },
      },
    },
  });
}

/** Cost to complete per model (spend per pass), with the solved-only figure beside it; models that solved nothing say so in their label. */
export function completionChart(canvas: HTMLCanvasElement, view: DashboardView, p: Palette): Chart {
  const groups = view.chart.groups;
  const labels = groups.map((g) => (g.completion.state === 'ok' ? `${g.label} (${g.completion.unsolved} unsolved)` : `${g.label} (${g.completion.state})`));
  return new Chart(canvas, {
    type: 'bar',
    data: {
      labels,
      datasets: [{
        label: 'cost to complete (spend on all attempts ÷ passes)',
        data: groups.map((g) => g.completion.perPass ?? 0),
        backgroundColor: groups.map((g) => seriesColor(p, g.series)),
        borderColor: p.highContrast ? p.foreground : undefined,
        borderWidth: p.highContrast ? 1 : 0,
      }, {
        label: 'solved-only (mean over solved tasks)',
        data: groups.map((g) => g.completion.expected ?? 0),
        backgroundColor: p.muted,
        borderColor: p.highContrast ? p.foreground : undefined,
        borderWidth: p.highContrast ? 1 : 0,
      }],
    },
    options: {
      ...base(p),
      indexAxis: 'y',
      plugins: { ...base(p)?.plugins, legend: { display: true }, tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${money(Number(c.raw))}` } } },
      scales: { x: axis(p, 'dollars per pass', { beginAtZero: true, ticks: { color: p.foreground, callback: (v: number | string) => money(Number(v)) } }), y: axis(p, '') },
    },
  });
}

/** Tool calls per attempt by category, stacked per model. */
export function toolsChart(canvas: HTMLCanvasElement, view: DashboardView, p: Palette): Chart {
  const groups = view.chart.groups;
  const categories = view.chart.toolCategories.length ? view.chart.toolCategories : ['read', 'write', 'exec', 'search'];
  return new Chart(canvas, {
    type: 'bar',
    data: {
      labels: groups.map((g) => (g.readWriteRatio === null ? g.label : `${g.label} (r:w ${g.readWriteRatio.toFixed(1)})`)),
      datasets: categories.map((c, i) => ({
        label: c,
        data: groups.map((g) => g.toolsPerAttempt[c] ?? 0),
        backgroundColor: seriesColor(p, i),
        borderColor: p.highContrast ? p.foreground : undefined,
        borderWidth: p.highContrast ? 1 : 0,
      })),
    },
    options: {
      ...base(p),
      scales: { x: axis(p, '', { stacked: true }), y: axis(p, 'tool calls per attempt', { stacked: true, beginAtZero: true }) },
    },
  });
}

/** Re-sent context, cache-hit and reasoning shares per model. */
export function sharesChart(canvas: HTMLCanvasElement, view: DashboardView, p: Palette): Chart {
  const groups = view.chart.groups;
  const kinds: [keyof DashboardView['chart']['groups'][number]['shares'], string][] = [['resent', 're-sent context share of input'], ['cacheHit', 'cache-hit share of input'], ['reasoning', 'reasoning share of output']];
  return new Chart(canvas, {
    type: 'bar',
    data: {
      labels: groups.map((g) => g.label),
      datasets: kinds.map(([key, label], i) => ({
        label,
        data: groups.map((g) => (g.shares[key] ?? 0) * 100),
        backgroundColor: seriesColor(p, i + 3),
        borderColor: p.highContrast ? p.foreground : undefined,
        borderWidth: p.highContrast ? 1 : 0,
      })),
    },
    options: {
      ...base(p),
      plugins: { ...base(p)?.plugins, tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${percent(Number(c.raw) / 100)}` } } },
      scales: { x: axis(p, ''), y: axis(p, '%', { min: 0, max: 100 }) },
    },
  });
}

/** Cumulative cost after each LLM call of a trial. */
export function cumulativeChart(canvas: HTMLCanvasElement, view: TranscriptView, p: Palette): Chart {
  return new Chart(canvas, {
    type: 'line',
    data: {
      labels: view.cumulative.map((c) => `#${c.seq}`),
      datasets: [{
        label: 'cumulative cost',
        data: view.cumulative.map((c) => c.usd),
        borderColor: seriesColor(p, 0),
        backgroundColor: seriesColor(p, 0),
        pointRadius: 3,
        fill: false,
        stepped: false,
      }],
    },
    options: {
      ...base(p),
      plugins: { ...base(p)?.plugins, legend: { display: false }, tooltip: { callbacks: { label: (c) => money(Number(c.raw)) } } },
      scales: { x: axis(p, 'LLM call'), y: axis(p, 'dollars', { beginAtZero: true, ticks: { color: p.foreground, callback: (v: number | string) => money(Number(v)) } }) },
    },
  });
}
