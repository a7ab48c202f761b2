/**
 * The self-contained HTML report in a real browser (Debian's Chromium): the page's one script (the
 * chart module shared with the dashboard, bundled with Chart.js) draws every chart in light and
 * dark, with no console error and nothing loaded from elsewhere; the heat map has its legend.
 * Screenshots go to test-artifacts/ (report-light.png, report-dark.png).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { analyseRun } from '../../src/core/analysis/analyse';
import { renderHtmlReport } from '../../src/core/report/html';
import { buildReport } from '../../src/core/report/json-report';
import { realisticRun } from '../unit/report/fixture';
import { CHROMIUM, launchBrowser } from './browser';

const ARTIFACTS = resolve('test-artifacts');
const CHARTS = ['chart-scatter', 'chart-completion', 'chart-failed-spend', 'chart-tools', 'chart-readwrite', 'chart-shares', 'chart-spend'];

describe('HTML report in a browser', function () {
  this.timeout(180_000);

  it('draws every chart in light and dark from the one chart module, with no errors', async function () {
    assert.ok(existsSync(CHROMIUM), `no Chromium at ${CHROMIUM}: .ci/run installs Debian's chromium (or set KILOBENCH_CHROMIUM)`);
    mkdirSync(ARTIFACTS, { recursive: true });
    const f = realisticRun();
    const html = renderHtmlReport(buildReport(f.run, analyseRun({ trials: f.trials, calls: f.calls, events: f.events, resamples: 200 })));
    const file = join(ARTIFACTS, 'report.html');
    writeFileSync(file, html);
    const browser = await launchBrowser({ width: 1300, height: 900 });
    try {
      const requests: string[] = [];
      browser.page.on('request', (r) => { if (!r.url().startsWith('file:')) requests.push(r.url()); });
      for (const scheme of ['light', 'dark'] as const) {
        await browser.page.emulateMedia({ colorScheme: scheme });
        await browser.page.goto(`file://${file}`);
        for (const id of CHARTS) {
          const drawn = await browser.page.$eval(`#${id}`, (c) => {
            const canvas = c as HTMLCanvasElement;
            const data = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? new Uint8ClampedArray();
            let n = 0;
            for (let i = 3; i < data.length; i += 4) if ((data[i] ?? 0) > 0) n++;
            return n;
          });
          assert.ok(drawn > 500, `${id} drawn in ${scheme} (${drawn} pixels)`);
        }
        assert.ok((await browser.page.$$('.heat-legend li')).length >= 6, 'heat-map legend');
        assert.ok((await browser.page.$$('#card-chart-scatter .kb-legend li')).length >= 2, 'scatter legend under the canvas');
        await browser.page.screenshot({ path: join(ARTIFACTS, `report-${scheme}.png`), fullPage: true });
      }
      assert.deepEqual(browser.problems, [], 'no console or page errors');
      assert.deepEqual(requests, [], 'nothing loaded from elsewhere');
    } finally {
      await browser.close();
    }
  });
});
