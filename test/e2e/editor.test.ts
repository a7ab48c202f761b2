/**
 * End to end in a real browser: code-server with the packaged VSIX installed, Debian's Chromium
 * driven by playwright-core. Open the KiloBench sidebar, run 2 bundled tasks × 2 simulated profiles
 * × 1 trial with the builtin harness, wait for the status bar to say it is done, open the dashboard
 * (leaderboard rows, charts drawn), open a transcript (a tool call listed). Screenshots of the
 * sidebar, the dashboard and the transcript in light and dark (and the dashboard in high contrast)
 * go to test-artifacts/e2e/. No webview may log an error or a Content-Security-Policy violation.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { frameWith, launchBrowser, runCommand, workbenchUrl, type Browser } from './browser';
import { dockerHost, installCodeServer, printExtensionLog, REPO, removeDir, startCodeServer, type CodeServer } from './code-server';

const ARTIFACTS = join(REPO, 'test-artifacts', 'e2e');
const TASKS = ['csv-to-json-employees', 'access-log-report'];
const MODELS = ['sim/direct', 'sim/explorer'];

async function waitReady(frame: Frame): Promise<void> {
  await frame.waitForFunction(() => document.body.dataset.ready === '1', null, { timeout: 60_000 });
}

/** Pixels drawn on a canvas (non-transparent), so an empty chart is caught. */
async function drawnPixels(frame: Frame, id: string): Promise<number> {
  return frame.$eval(`#${id}`, (canvas) => {
    const c = canvas as HTMLCanvasElement;
    const data = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    if (data) for (let i = 3; i < data.length; i += 4) if ((data[i] ?? 0) > 0) n++;
    return n;
  });
}

/** Charts draw once their webview has its size: wait for pixels rather than test at one instant. */
async function expectDrawn(frame: Frame, id: string, min: number, what: string): Promise<void> {
  let pixels = 0;
  for (let i = 0; i < 50 && pixels <= min; i++) {
    pixels = await drawnPixels(frame, id).catch(() => 0);
    if (pixels <= min) await frame.page().waitForTimeout(200);
  }
  assert.ok(pixels > min, `chart ${id} looks empty ${what} (${pixels} pixels drawn)`);
}

async function problemsIn(frame: Frame): Promise<{ errors: string; csp: string }> {
  return frame.evaluate(() => ({ errors: document.body.dataset.errors ?? '?', csp: document.body.dataset.cspViolations ?? '?' }));
}

/** Switches between the preferred light and dark themes (Default Light Modern ↔ Default Dark Modern). */
async function toggleTheme(page: Page, workbenchClass: string): Promise<void> {
  await runCommand(page, 'Preferences: Toggle between Light/Dark Themes');
  await page.locator(`.monaco-workbench.${workbenchClass}`).waitFor({ timeout: 30_000 });
  await page.waitForTimeout(1500); // webviews receive the new theme and redraw their charts
}

async function clearNotifications(page: Page): Promise<void> {
  await runCommand(page, 'Notifications: Clear All Notifications').catch(() => undefined);
  await page.keyboard.press('Escape');
  await page.waitForTimeout(300);
}

describe('the editor in a real browser (code-server + Chromium)', function () {
  this.timeout(1_200_000);
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let workspace: string;
  let vsix: string;
  const started = Date.now();

  before(async () => {
    const exe = installCodeServer();
    const pack = spawnSync('npm', ['run', 'package'], { cwd: REPO, encoding: 'utf8' });
    assert.equal(pack.status, 0, `npm run package failed:\n${pack.stdout}\n${pack.stderr}`);
    vsix = join(REPO, 'kilobench.vsix');
    const size = statSync(vsix).size;
    console.log(`      VSIX ${(size / 1024 / 1024).toFixed(2)} MB`);
    assert.ok(size < 5 * 1024 * 1024, `the VSIX is ${size} bytes (limit 5 MB)`);
    mkdirSync(ARTIFACTS, { recursive: true });
    workspace = mkdtempSync(join(tmpdir(), 'kilobench-e2e-ws-'));
    server = await startCodeServer({ exe, vsix, env: { DOCKER_HOST: dockerHost() } });
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed' || !browser) return;
    await browser.page.screenshot({ path: join(ARTIFACTS, 'failure.png') }).catch(() => undefined);
    console.log(`      failure screenshot: ${join(ARTIFACTS, 'failure.png')}`);
    for (const p of browser.problems.slice(0, 30)) console.log(`      browser ${p.kind}: ${p.text.slice(0, 300)} (${p.url.slice(0, 120)})`);
    for (const frame of browser.page.frames()) {
      const text = await frame.evaluate(() => (document.body?.dataset.view ? `${document.body.dataset.view}: ${document.body.innerText.slice(0, 400)}` : '')).catch(() => '');
      if (text) console.log(`      frame ${text.replace(/\n/g, ' | ')}`);
    }
    printExtensionLog(server);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    if (server) removeDir(server.dir);
    if (workspace) removeDir(workspace);
    // `npm run package` left production bundles in dist/; the rest of the suite expects the normal build.
    spawnSync('npm', ['run', 'build'], { cwd: REPO, encoding: 'utf8' });
    console.log(`      e2e: ${((Date.now() - started) / 1000).toFixed(1)} s including install checks, packaging and code-server`);
  });

  it('runs 2 tasks × 2 simulated profiles from the sidebar; status bar, dashboard and transcript follow', async () => {
    browser = await launchBrowser({ width: 1600, height: 1000 });
    const { page } = browser;
    await page.goto(await workbenchUrl(server!.url, { folder: workspace }), { waitUntil: 'domcontentloaded' });
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });

    // The sidebar.
    const icon = page.locator('.part.activitybar a.action-label[aria-label="KiloBench"]');
    await icon.waitFor({ state: 'visible', timeout: 60_000 });
    await icon.click();
    const sidebar = await frameWith(page, 'body[data-view="sidebar"]');
    await waitReady(sidebar);
    for (const task of TASKS) {
      await sidebar.click(`vscode-checkbox[data-task="${task}"]`);
      assert.equal(await sidebar.$eval(`vscode-checkbox[data-task="${task}"]`, (el) => (el as HTMLInputElement).checked), true, `task ${task} not ticked`);
    }
    for (const model of MODELS) {
      await sidebar.click(`vscode-checkbox[data-model="${model}"]`);
      assert.equal(await sidebar.$eval(`vscode-checkbox[data-model="${model}"]`, (el) => (el as HTMLInputElement).checked), true, `model ${model} not ticked`);
    }
    // The harness, picked in the drop-down like a user would (its list lives in the element's shadow DOM).
    await sidebar.click('#harness');
    await sidebar.locator('#harness li[role="option"]', { hasText: 'builtin' }).click();
    await sidebar.waitForFunction(() => (document.getElementById('harness') as HTMLSelectElement | null)?.value === 'builtin', null, { timeout: 10_000 });
    await sidebar.fill('#trials input', '1');
    await sidebar.fill('#concurrency input', '2');
    await sidebar.waitForFunction(() => document.getElementById('summary')?.textContent === '2 task(s) × 2 model(s) × 1 trial(s) = 4 trial(s)', null, { timeout: 10_000 });
    await sidebar.click('#start');

    // Live progress, then done in the status bar.
    await sidebar.waitForSelector('#run[data-state]', { timeout: 60_000 });
    const status = page.locator('.part.statusbar .statusbar-item', { hasText: /\$[\d.]+\+? · \d+\/4/ });
    await status.first().waitFor({ timeout: 120_000 });
    const done = page.locator('.part.statusbar .statusbar-item', { hasText: /\$[\d.]+\+? · 4\/4 done/ });
    await done.first().waitFor({ timeout: 900_000 });
    const statusText = (await done.first().innerText()).trim();
    console.log(`      status bar: ${statusText}`);
    await sidebar.waitForSelector('#run[data-state="finished"]', { timeout: 30_000 });
    assert.equal(await sidebar.$eval('[data-stat="done"] .stat-value', (el) => el.textContent), '4/4');
    await clearNotifications(page);
    const runRow = page.locator('.pane-body .monaco-list-row', { hasText: 'builtin · sim/direct, sim/explorer' }).first();
    await runRow.click();
    await page.locator('.pane-body .monaco-list-row', { hasText: `${TASKS[0]} #1` }).first().waitFor({ timeout: 10_000 });
    await sidebar.evaluate(() => window.scrollTo(0, 0));
    await page.locator('.part.sidebar').screenshot({ path: join(ARTIFACTS, 'sidebar-light.png') });

    // The dashboard, from the status bar.
    await done.first().click();
    const dashboard = await frameWith(page, 'body[data-view="dashboard"]');
    await waitReady(dashboard);
    await dashboard.waitForSelector('#leaderboard tbody tr');
    const rows = await dashboard.$$eval('#leaderboard tbody tr', (trs) => trs.map((tr) => (tr as HTMLElement).dataset.model));
    assert.deepEqual([...rows].sort(), [...MODELS].sort(), `leaderboard rows: ${rows.join(', ')}`);
    for (const id of ['chart-scatter', 'chart-completion', 'chart-failed-spend', 'chart-tools', 'chart-readwrite', 'chart-shares', 'chart-spend']) await expectDrawn(dashboard, id, 500, 'in the light theme');
    // The figures the CLI table and the HTML report share (issue 15): the same column heads, a heat-map legend, the paired comparison in words.
    const heads = await dashboard.$$eval('#leaderboard thead th', (ths) => ths.map((th) => th.textContent ?? ''));
    assert.deepEqual(heads.slice(1), ['pass rate [95% CI]', 'cost/attempt', 'cost to complete', 'solved-only/task', 'unsolved', 'calls/attempt', 'spent on failures']);
    assert.ok((await dashboard.$$('.heat-legend li')).length >= 6, 'heat-map legend');
    assert.match(await dashboard.$eval('#comparisons tbody', (el) => el.textContent ?? ''), /no detectable difference at 1 trial per task|passes more often|is cheaper than/);
    assert.ok(!/\((s|es)\)/.test(await dashboard.$eval('body', (el) => el.textContent ?? '')), 'no "trial(s)" on the dashboard');
    assert.equal(await dashboard.$$eval('#heatmap tbody tr', (trs) => trs.length), TASKS.length);
    await page.locator('.part.editor').screenshot({ path: join(ARTIFACTS, 'dashboard-light.png') });

    // A heatmap cell → its trials → a transcript with a tool call.
    await dashboard.click(`#heatmap td.heat[data-task="${TASKS[0]}"][data-model="${MODELS[1]}"]`);
    await dashboard.waitForSelector('#pair-trials a.trial-link');
    await dashboard.evaluate(() => document.getElementById('sec-heatmap')?.scrollIntoView());
    await page.locator('.part.editor').screenshot({ path: join(ARTIFACTS, 'dashboard-heatmap-light.png') });
    await dashboard.click('#pair-trials a.trial-link');
    const transcript = await frameWith(page, 'body[data-view="transcript"]');
    await waitReady(transcript);
    await transcript.waitForSelector('#timeline li.step.tool');
    const tools = await transcript.$$eval('#timeline li.step.tool .tool-name', (els) => els.map((e) => e.textContent));
    assert.ok(tools.length > 0, 'no tool call in the transcript');
    console.log(`      transcript: ${tools.length} tool call(s): ${[...new Set(tools)].join(', ')}`);
    await expectDrawn(transcript, 'chart-cumulative', 200, 'in the light theme');
    await transcript.click('#timeline li.step.tool details.tool-output summary');
    await transcript.waitForSelector('#timeline li.step.tool details.tool-output pre.output');
    await transcript.evaluate(() => window.scrollTo(0, 0));
    await page.locator('.part.editor').screenshot({ path: join(ARTIFACTS, 'transcript-light.png') });

    // Dark theme: the same three views.
    await toggleTheme(page, 'vs-dark');
    await expectDrawn(transcript, 'chart-cumulative', 200, 'after the switch to dark');
    await transcript.evaluate(() => window.scrollTo(0, 0));
    await page.locator('.part.editor').screenshot({ path: join(ARTIFACTS, 'transcript-dark.png') });
    await sidebar.evaluate(() => window.scrollTo(0, 0));
    await page.locator('.part.sidebar').screenshot({ path: join(ARTIFACTS, 'sidebar-dark.png') });
    await page.locator('.tabs-container .tab', { hasText: 'KiloBench: run-' }).first().click();
    const dashboardDark = await frameWith(page, 'body[data-view="dashboard"] #leaderboard', 30_000);
    await page.waitForTimeout(500);
    await expectDrawn(dashboardDark, 'chart-scatter', 500, 'in the dark theme');
    await dashboardDark.evaluate(() => window.scrollTo(0, 0));
    await page.locator('.part.editor').screenshot({ path: join(ARTIFACTS, 'dashboard-dark.png') });
    await dashboardDark.evaluate(() => document.getElementById('sec-heatmap')?.scrollIntoView());
    await page.locator('.part.editor').screenshot({ path: join(ARTIFACTS, 'dashboard-heatmap-dark.png') });

    // High contrast (dark): the dashboard still draws, with the theme's contrast borders.
    // The theme picker (Ctrl+K Ctrl+T), with the focus off the webview first: a picker closes when a webview takes focus back.
    await page.locator('.part.activitybar a.action-label[aria-label="KiloBench"]').focus();
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+T');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Dark High Contrast' }).first().click({ timeout: 15_000 });
    await page.locator('.monaco-workbench.hc-black').waitFor({ timeout: 30_000 });
    await page.waitForTimeout(1500);
    await expectDrawn(dashboardDark, 'chart-scatter', 500, 'in high contrast');
    await dashboardDark.evaluate(() => window.scrollTo(0, 0));
    await page.locator('.part.editor').screenshot({ path: join(ARTIFACTS, 'dashboard-high-contrast.png') });

    // No webview errors, no CSP violations.
    for (const frame of page.frames()) {
      const view = await frame.evaluate(() => document.body?.dataset.view ?? null).catch(() => null);
      if (!view) continue;
      assert.deepEqual(await problemsIn(frame), { errors: '0', csp: '0' }, `the ${view} webview reported problems`);
    }
    const webviewProblems = browser.problems.filter((p) => /webview|vscode-cdn|vscode-resource/i.test(p.url) || /Content Security Policy|Refused to/i.test(p.text));
    assert.deepEqual(webviewProblems, [], `webview console errors:\n${webviewProblems.map((p) => `${p.text} (${p.url})`).join('\n')}`);
    const log = readFileSync(server!.log, 'utf8');
    assert.ok(!/KiloBench.*(CSP violation|refused a message)/.test(log));
  });
});
