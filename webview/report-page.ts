/**
 * The self-contained HTML report's one script (bundled with Chart.js into the page by
 * `renderHtmlReport`): reads the report from its JSON block and draws every chart with the same
 * chart module as the dashboard, again when the colour scheme changes. It draws on canvases and
 * sets text only, so nothing in the data can inject markup.
 */
import type { Chart } from 'chart.js';
import type { Report } from '../src/core/report/json-report';
import { drawCharts } from './charts';
import { palette } from './theme';

let charts: Chart[] = [];

function draw(report: Report): void {
  for (const c of charts) c.destroy();
  charts = [];
  const p = palette();
  document.querySelectorAll<HTMLElement>('[data-charts]').forEach((container) => {
    charts.push(...drawCharts(container, container.dataset.charts as 'cost' | 'behaviour', report, p));
  });
}

const holder = document.getElementById('kb-report');
if (holder) {
  const report = JSON.parse(holder.textContent ?? '{}') as Report;
  draw(report);
  window.matchMedia?.('(prefers-color-scheme: dark)').addEventListener?.('change', () => draw(report));
}
