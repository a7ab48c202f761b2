/**
 * The HTML report in a real browser: a realistic run (3 tasks × 2 simulated models × 3 trials,
 * hand-built records) rendered to test-artifacts/report.html and opened in headless Chromium,
 * in light and dark. No console errors, no Content-Security-Policy violations, every chart drawn,
 * nothing injected by hostile names; screenshots kept as test-artifacts/report-{light,dark}.png.
 * Needs Debian's chromium at /usr/bin/chromium (`apt-get install -y chromium fonts-liberation`).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { analyseRun } from '../../../src/core/analysis/analyse';
import { renderHtmlReport } from '../../../src/core/report/html';
import { buildReport } from '../../../src/core/report/json-report';
import { realisticRun, simPrice, TRICKY_TASK } from '../../unit/report/fixture';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = resolve(__dirname, '../../../test-artifacts');
const CHARTS = ['chart-scatter', 'chart-completion', 'chart-failed-spend', 'chart-tools', 'chart-readwrite', 'chart-shares', 'chart-spend'];

interface Problems {
  console: string[];
  csp: string[];
}

declare global {
  interface Window {
    __cspViolations?: string[];
  }
}

describe('report: HTML in headless Chromium', function () {
  this.timeout(120_000);
  let context: BrowserContext;
  let page: Page;
  let userData: string;
  let file: string;
  const problems: Problems = { console: [], csp: [] };

  before(async () => {
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium fonts-liberation`);
    const f = realisticRun();
    const analysis = analyseRun({ trials: f.trials, calls: f.calls, events: f.events, pricer: (u, c) => simPrice(c.requestedModel, u) });
    const report = buildReport(f.run, analysis, { generatedAt: '2025-01-01T02:00:00.000Z' });
    mkdirSync(ARTIFACTS, { recursive: true });
    file = join(ARTIFACTS, 'report.html');
    writeFileSync(file, renderHtmlReport(report));

    userData = mkdtempSync(join(tmpdir(), 'kilobench-chromium-'));
    context = await chromium.launchPersistentContext(userData, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1280, height: 900 },
    });
    // Runs before the page's own scripts (injected by the browser, so the page's policy does not apply to it).
    await context.addInitScript(() => {
      window.__cspViolations = [];
      document.addEventListener('securitypolicyviolation', (event) => {
        window.__cspViolations?.push(`${event.violatedDirective} blocked ${event.blockedURI || 'inline'}`);
      });
    });
    page = await context.newPage();
    page.on('console', (message) => {
      // The readback hint comes from this test's own pixel probes (getImageData), not from the page.
      if (message.text().startsWith('Canvas2D: Multiple readback operations')) return;
      if (message.type() === 'error' || message.type() === 'warning') problems.console.push(`${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.console.push(`pageerror: ${error.message}`));
    page.on('request', (request) => {
      if (!request.url().startsWith('file:') && !request.url().startsWith('data:')) problems.console.push(`request to ${request.url()}`);
    });
  });

  after(async () => {
    await context?.close();
    if (userData) rmSync(userData, { recursive: true, force: true });
  });

  async function open(scheme: 'light' | 'dark'): Promise<void> {
    await page.emulateMedia({ colorScheme: scheme });
    await page.goto(pathToFileURL(file).href);
    // The page's one bundled script draws every chart; Chart.js is inside it, not a global.
    await page.waitForFunction((ids) => ids.every((id) => {
      const canvas = document.getElementById(id) as HTMLCanvasElement | null;
      const pixels = canvas?.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data;
      if (!pixels) return false;
      for (let i = 3; i < pixels.length; i += 4) if ((pixels[i] ?? 0) > 0) return true;
      return false;
    }), CHARTS);
    problems.csp.push(...(await page.evaluate(() => window.__cspViolations ?? [])));
  }

  /** Per chart: non-transparent pixels on its canvas. */
  async function drawn(): Promise<Record<string, { painted: number }>> {
    return page.evaluate((ids) => {
      const out: Record<string, { painted: number }> = {};
      for (const id of ids) {
        const canvas = document.getElementById(id) as HTMLCanvasElement | null;
        if (!canvas) continue;
        const pixels = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? new Uint8ClampedArray();
        let painted = 0;
        for (let i = 3; i < pixels.length; i += 4) if ((pixels[i] ?? 0) > 0) painted++;
        out[id] = { painted };
      }
      return out;
    }, CHARTS);
  }

  for (const scheme of ['light', 'dark'] as const) {
    it(`renders every chart in ${scheme} without console errors or CSP violations`, async () => {
      await open(scheme);
      const charts = await drawn();
      assert.deepEqual(Object.keys(charts), CHARTS);
      for (const [id, { painted }] of Object.entries(charts)) assert.ok(painted > 2000, `${id}: ${painted} painted pixels`);
      const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      assert.equal(background, scheme === 'dark' ? 'rgb(13, 17, 23)' : 'rgb(255, 255, 255)');
      await page.screenshot({ path: join(ARTIFACTS, `report-${scheme}.png`), fullPage: true });
      assert.deepEqual(problems.console, []);
      assert.deepEqual(problems.csp, []);
    });
  }

  it('hostile task ids stay text: nothing injected, shown as written', async () => {
    await open('light');
    assert.equal(await page.locator('img, iframe, object, embed').count(), 0);
    const headers = await page.locator('table.heatmap th.task').allTextContents();
    assert.ok(headers.includes(TRICKY_TASK), `heat map rows: ${JSON.stringify(headers)}`);
    assert.ok((await page.locator('body').innerText()).includes('Simulated models.'));
  });

  it('the policy is in force: a script added at run time is blocked and reported', async () => {
    await open('light');
    const ran = await page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.__injected = true;';
      document.body.appendChild(script);
      return (window as unknown as { __injected?: boolean }).__injected === true;
    });
    assert.equal(ran, false);
    const violations = await page.evaluate(() => window.__cspViolations ?? []);
    assert.ok(violations.some((v) => v.startsWith('script-src')), JSON.stringify(violations));
    problems.console.length = 0; // the blocked script logs its own error, as it should
  });
});
