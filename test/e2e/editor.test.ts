/**
 * End to end in a real browser: code-server with the packaged VSIX installed, Debian's Chromium
 * driven by playwright-core. "Start Benchmark Run…" opens the form flow; the sidebar fits its pane
 * (Start in sight, no nested scrolling, harnesses described, test-only ones apart, budgets "no limit")
 * and forecasts the run; a real Docker run of 2 bundled tasks × 2 simulated profiles × 1 trial with
 * the builtin harness shows each trial's phase and a ticking elapsed time, the ETA and the projected
 * spend (screenshots mid-run in light, dark and high contrast); the Runs tree shows date, pass share
 * and a state icon; Resume and Delete from the palette behave; the dashboard draws; the transcript
 * starts with the verdict and the instruction, walks trials in one tab with next/previous and a
 * model filter. Screenshots go to test-artifacts/e2e/. No webview may log an error or a CSP violation.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { frameWith, launchBrowser, reportFailure, runCommand, waitReady, workbenchUrl, type Browser } from './browser';
import { dockerHost, installCodeServer, printExtensionLog, REPO, removeDir, startCodeServer, type CodeServer } from './code-server';

const ARTIFACTS = join(REPO, 'test-artifacts', 'e2e');
const TASKS = ['csv-to-json-employees', 'access-log-report'];
const MODELS = ['sim/direct', 'sim/explorer'];

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

/** Picks a colour theme by name (Ctrl+K Ctrl+T), with the focus off any webview first: a picker closes when a webview takes focus back. */
async function pickTheme(page: Page, name: string, workbenchClass: string): Promise<void> {
  await page.locator('.part.activitybar a.action-label[aria-label="KiloBench"]').focus();
  await page.keyboard.press('Control+K');
  await page.keyboard.press('Control+T');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().click({ timeout: 15_000 });
  await page.locator(`.monaco-workbench.${workbenchClass}`).waitFor({ timeout: 30_000 });
  await page.waitForTimeout(1500);
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
    await reportFailure(browser, join(ARTIFACTS, 'failure.png'));
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

  it('runs 2 tasks × 2 simulated profiles from the sidebar; live progress, runs tree, dashboard, transcript and commands follow', async () => {
    browser = await launchBrowser({ width: 1600, height: 1000 });
    const { page } = browser;
    await page.goto(await workbenchUrl(server!.url, { folder: workspace }), { waitUntil: 'domcontentloaded' });
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });

    // The sidebar.
    const icon = page.locator('.part.activitybar a.action-label[aria-label="KiloBench"]');
    await icon.waitFor({ state: 'visible', timeout: 60_000 });
    await icon.click();
    const sidebar = await frameWith(page, 'body[data-view="benchmark"]');
    await waitReady(sidebar);

    // The extension is up now. "Start Benchmark Run…" from the palette starts the form flow (tasks first), not just the sidebar.
    await runCommand(page, 'KiloBench: Start Benchmark Run…');
    await page.locator('.quick-input-widget .quick-input-title', { hasText: 'Start Benchmark Run (1/3): tasks' }).waitFor({ timeout: 60_000 });
    await page.locator('.quick-input-list .monaco-list-row', { hasText: TASKS[0] }).first().waitFor({ timeout: 10_000 });
    await page.keyboard.press('Escape');


    // The setup flow fits the pane: one scroller (the page), Start in sight, harnesses described with the test-only ones apart, budgets say "no limit".
    const layout = await sidebar.evaluate(() => {
      const start = document.getElementById('start')!.getBoundingClientRect();
      const nested = [...document.querySelectorAll('#root *')].filter((el) => {
        const style = getComputedStyle(el);
        return /(auto|scroll)/.test(style.overflowY) && el.scrollHeight > el.clientHeight + 1;
      }).map((el) => el.id || el.className);
      const agents = [...document.querySelectorAll('#harness-agents vscode-radio')].map((el) => (el as HTMLElement).dataset.harness);
      const tests = [...document.querySelectorAll('#harness-tests vscode-radio')].map((el) => (el as HTMLElement).dataset.harness);
      const described = [...document.querySelectorAll('#harness vscode-radio .opt-desc')].every((el) => (el.textContent ?? '').length > 10);
      const placeholders = ['budget', 'trial-budget'].map((id) => document.getElementById(id)?.getAttribute('placeholder'));
      return { startBottom: start.bottom, viewport: window.innerHeight, nested, agents, tests, described, placeholders };
    });
    console.log(`      sidebar: viewport ${layout.viewport} px, Start ends at ${Math.round(layout.startBottom)} px; agents ${layout.agents.join(', ')}; test-only ${layout.tests.join(', ')}`);
    assert.ok(layout.startBottom <= layout.viewport, `Start is below the fold (${layout.startBottom} > ${layout.viewport})`);
    assert.deepEqual(layout.nested, [], 'no scrolling box inside the scrolling view');
    assert.deepEqual([...layout.tests].sort(), ['nop', 'oracle']);
    assert.ok(layout.agents.includes('builtin') && !layout.agents.includes('oracle'), `agent harnesses: ${layout.agents.join(', ')}`);
    assert.ok(layout.described, 'every harness has a description');
    assert.deepEqual(layout.placeholders, ['no limit', 'no limit']);

    for (const task of TASKS) {
      await sidebar.click(`vscode-checkbox[data-task="${task}"]`);
      assert.equal(await sidebar.$eval(`vscode-checkbox[data-task="${task}"]`, (el) => (el as HTMLInputElement).checked), true, `task ${task} not ticked`);
    }
    for (const model of MODELS) {
      await sidebar.click(`vscode-checkbox[data-model="${model}"]`);
      assert.equal(await sidebar.$eval(`vscode-checkbox[data-model="${model}"]`, (el) => (el as HTMLInputElement).checked), true, `model ${model} not ticked`);
    }
    await sidebar.click('vscode-radio[data-harness="builtin"]');
    await sidebar.waitForFunction(() => (document.querySelector('vscode-radio[data-harness="builtin"]') as HTMLInputElement | null)?.checked === true, null, { timeout: 10_000 });
    await sidebar.fill('#trials input', '1');
    await sidebar.fill('#concurrency input', '2');
    await sidebar.waitForFunction(() => document.getElementById('summary')?.textContent === '2 tasks × 2 models × 1 trial = 4 trials', null, { timeout: 10_000 });
    // The forecast before Start: expected cost and time, each with an interval.
    await sidebar.waitForSelector('#forecast[data-ready="1"] #fc-cost', { timeout: 30_000 });
    const forecast = await sidebar.$eval('#forecast', (el) => (el as HTMLElement).innerText.replace(/\n/g, ' | '));
    console.log(`      forecast: ${forecast}`);
    assert.match(forecast, /Expected cost \| \$[\d.]+ \(\$[\d.]+–\$[\d.]+\)/);
    assert.match(forecast, /Expected time \| \d+(\.\d)? (h|min|s).* \(.+–.+\)/);
    await sidebar.click('#start');

    // Live progress: each running trial's phase and elapsed time, ticking every second; spend; ETA; spent + expected remaining.
    await sidebar.waitForSelector('#run[data-state]', { timeout: 60_000 });
    await sidebar.waitForSelector('#live-trials li[data-phase]', { timeout: 120_000 });
    const before = await sidebar.$eval('[data-stat="elapsed"] .stat-value', (el) => el.textContent);
    await page.waitForTimeout(2200);
    const after = await sidebar.$eval('[data-stat="elapsed"] .stat-value', (el) => el.textContent);
    assert.notEqual(after, before, `elapsed did not tick (${before} → ${after})`);
    const live = await sidebar.evaluate(() => ({
      trials: [...document.querySelectorAll('#live-trials li')].map((li) => (li as HTMLElement).innerText.replace(/\n/g, ' ')),
      eta: document.querySelector('[data-stat="eta"] .stat-value')?.textContent ?? null,
      projection: document.getElementById('projection')?.textContent ?? null,
    }));
    console.log(`      mid-run: elapsed ${before} → ${after}; ETA ${live.eta}; ${live.projection}; trials: ${live.trials.join(' ; ')}`);
    assert.ok(live.trials.length > 0 && live.trials.every((t) => /(waiting|building image|starting container|agent working|running tests|cleaning up) \d+(\.\d)? (h|min|s)/.test(t)), `trial rows: ${live.trials.join(' ; ')}`);
    assert.ok(live.eta !== null, 'the run shows its time left');
    assert.equal(await sidebar.$$eval('#live-trials .lt-engine', (els) => els.length), 0, 'a run on one engine names no engine');
    assert.match(live.projection ?? '', /Expected total \$[\d.]+ .*spent \+/);
    await sidebar.evaluate(() => window.scrollTo(0, 0));
    await page.locator('.part.sidebar').screenshot({ path: join(ARTIFACTS, 'sidebar-midrun-light.png') });
    // The same moment in dark and high contrast, while the run goes on.
    await toggleTheme(page, 'vs-dark');
    await page.locator('.part.sidebar').screenshot({ path: join(ARTIFACTS, 'sidebar-midrun-dark.png') });
    await pickTheme(page, 'Dark High Contrast', 'hc-black');
    await page.locator('.part.sidebar').screenshot({ path: join(ARTIFACTS, 'sidebar-midrun-high-contrast.png') });
    const stillRunning = await sidebar.$eval('#run', (el) => (el as HTMLElement).dataset.state);
    console.log(`      mid-run screenshots taken (run state at the last one: ${stillRunning})`);
    await pickTheme(page, 'Default Light Modern', 'vs');

    // Spend followed the metered calls while it ran; done in the status bar.
    const done = page.locator('.part.statusbar .statusbar-item', { hasText: /\$[\d.]+\+? · 4\/4 done/ });
    await done.first().waitFor({ timeout: 900_000 });
    const statusText = (await done.first().innerText()).trim();
    console.log(`      status bar: ${statusText}`);
    await sidebar.waitForSelector('#run[data-state="finished"]', { timeout: 30_000 });
    assert.equal(await sidebar.$eval('[data-stat="done"] .stat-value', (el) => el.textContent), '4/4');
    assert.equal(await sidebar.$$eval('#live-trials li', (els) => els.length), 0);
    await clearNotifications(page);

    // The runs tree: date, pass share and a state icon.
    const runRow = page.locator('.pane-body .monaco-list-row', { hasText: 'builtin · sim/direct, sim/explorer' }).first();
    const row = await runRow.evaluate((el) => ({ text: (el as HTMLElement).innerText.replace(/\n/g, ' '), icon: [...el.querySelectorAll('[class*="codicon-"]')].map((i) => [...i.classList].find((c) => c.startsWith('codicon-') && c !== 'codicon-modifier-spin')).filter(Boolean) }));
    console.log(`      runs tree row: ${row.text} · icons ${row.icon.join(', ')}`);
    assert.match(row.text, /[A-Z][a-z]{2} \d{1,2} \d{2}:\d{2} · \d\/\d passed \(\d+%\) · \$/);
    assert.ok(row.icon.some((c) => ['codicon-pass-filled', 'codicon-error', 'codicon-warning'].includes(c as string)), `state icon: ${row.icon.join(', ')}`);
    await runRow.click();
    await page.locator('.pane-body .monaco-list-row', { hasText: `${TASKS[0]} #1` }).first().waitFor({ timeout: 10_000 });
    await sidebar.evaluate(() => window.scrollTo(0, 0));
    await page.locator('.part.sidebar').screenshot({ path: join(ARTIFACTS, 'sidebar-light.png') });
    await page.locator('.pane', { hasText: 'Runs' }).last().screenshot({ path: join(ARTIFACTS, 'runs-tree-light.png') }).catch(() => page.locator('.part.sidebar').screenshot({ path: join(ARTIFACTS, 'runs-tree-light.png') }));

    // Commands: Resume offers nothing when no run has unfinished trials; Delete from the palette asks which run.
    await runCommand(page, 'KiloBench: Resume Run');
    await page.locator('.notifications-toasts', { hasText: 'no run has unfinished trials to resume' }).waitFor({ timeout: 30_000 });
    await clearNotifications(page);
    await runCommand(page, 'KiloBench: Delete Run');
    await page.locator('.quick-input-widget .quick-input-title', { hasText: 'Delete which run?' }).waitFor({ timeout: 30_000 });
    await page.keyboard.press('Escape');

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

    // A heatmap cell → its trials → the transcript: instruction, verdict, one tab with next/previous and filters.
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
    const order = await transcript.evaluate(() => [...document.querySelectorAll('#root > *')].map((el) => el.id || el.tagName.toLowerCase()));
    assert.ok(order.indexOf('verdict') >= 0 && order.indexOf('verdict') < order.indexOf('instruction'), `verdict then instruction first: ${order.join(', ')}`);
    assert.ok((await transcript.$eval('#instruction pre.instruction', (el) => el.textContent ?? '')).length > 20, 'the task instruction is shown');
    assert.equal(await transcript.$('#trial-engine'), null, 'a run on one engine: the header names no engine');
    const verdict = await transcript.$eval('#verdict-reason', (el) => el.textContent ?? '');
    console.log(`      verdict: ${verdict}`);
    assert.match(verdict, /tests? (passed|failed)|failed|ran out|not counted/);
    assert.match(await transcript.$eval('#nav-position', (el) => el.textContent ?? ''), /^trial \d of 4$/);
    if (await transcript.$('#tests')) assert.equal(await transcript.$eval('#tests', (el) => el.tagName), 'TABLE');
    await expectDrawn(transcript, 'chart-cumulative', 200, 'in the light theme');
    await transcript.click('#timeline li.step.tool details.tool-output summary');
    await transcript.waitForSelector('#timeline li.step.tool details.tool-output pre.output');
    await transcript.evaluate(() => window.scrollTo(0, 0));
    await page.locator('.part.editor').screenshot({ path: join(ARTIFACTS, 'transcript-light.png') });
    // Next trial in the same tab; a model filter keeps next/previous within that model.
    const first = await transcript.$eval('body', () => document.querySelector('h1')?.textContent ?? '');
    const nextEnabled = await transcript.$eval('#next-trial', (el) => !el.hasAttribute('disabled'));
    await transcript.click(nextEnabled ? '#next-trial' : '#prev-trial');
    await transcript.waitForFunction((was) => (document.querySelector('h1')?.textContent ?? '') !== was, first, { timeout: 15_000 });
    await transcript.evaluate((model) => {
      const select = document.getElementById('filter-model') as (HTMLElement & { value: string }) | null;
      if (!select) throw new Error('no model filter');
      select.value = model;
      select.dispatchEvent(new Event('change', { bubbles: true }));
    }, MODELS[0]!);
    await transcript.waitForFunction(() => /^trial \d of 2$/.test(document.getElementById('nav-position')?.textContent ?? ''), null, { timeout: 15_000 });
    assert.match(await transcript.$eval('h1', (el) => el.textContent ?? ''), new RegExp(MODELS[0]!.replace('/', '\\/')));
    // A trial opened from the runs tree reuses the same tab.
    await page.locator('.pane-body .monaco-list-row', { hasText: `${TASKS[0]} #1` }).first().click();
    await page.waitForTimeout(1000);
    const transcriptTabs = await page.locator('.tabs-container .tab', { hasText: 'Transcript' }).count();
    assert.equal(transcriptTabs, 1, `one transcript tab, found ${transcriptTabs}`);

    // Dark theme: the same views.
    await toggleTheme(page, 'vs-dark');
    await expectDrawn(transcript, 'chart-cumulative', 200, 'after the switch to dark');
    await transcript.evaluate(() => window.scrollTo(0, 0));
    await page.locator('.part.editor').screenshot({ path: join(ARTIFACTS, 'transcript-dark.png') });
    await sidebar.evaluate(() => window.scrollTo(0, 0));
    await page.locator('.part.sidebar').screenshot({ path: join(ARTIFACTS, 'sidebar-dark.png') });
    await page.locator('.pane', { hasText: 'Runs' }).last().screenshot({ path: join(ARTIFACTS, 'runs-tree-dark.png') }).catch(() => undefined);
    await page.locator('.tabs-container .tab', { hasText: 'KiloBench: run-' }).first().click();
    const dashboardDark = await frameWith(page, 'body[data-view="dashboard"] #leaderboard', 30_000);
    await page.waitForTimeout(500);
    await expectDrawn(dashboardDark, 'chart-scatter', 500, 'in the dark theme');
    await dashboardDark.evaluate(() => window.scrollTo(0, 0));
    await page.locator('.part.editor').screenshot({ path: join(ARTIFACTS, 'dashboard-dark.png') });
    await dashboardDark.evaluate(() => document.getElementById('sec-heatmap')?.scrollIntoView());
    await page.locator('.part.editor').screenshot({ path: join(ARTIFACTS, 'dashboard-heatmap-dark.png') });

    // High contrast (dark): the dashboard still draws; the transcript and the runs tree too.
    await pickTheme(page, 'Dark High Contrast', 'hc-black');
    await expectDrawn(dashboardDark, 'chart-scatter', 500, 'in high contrast');
    await dashboardDark.evaluate(() => window.scrollTo(0, 0));
    await page.locator('.part.editor').screenshot({ path: join(ARTIFACTS, 'dashboard-high-contrast.png') });
    await page.locator('.pane', { hasText: 'Runs' }).last().screenshot({ path: join(ARTIFACTS, 'runs-tree-high-contrast.png') }).catch(() => undefined);
    await page.locator('.tabs-container .tab', { hasText: 'Transcript' }).first().click();
    const transcriptHc = await frameWith(page, 'body[data-view="transcript"][data-ready="1"] #verdict', 30_000);
    await expectDrawn(transcriptHc, 'chart-cumulative', 200, 'in high contrast');
    await transcriptHc.evaluate(() => window.scrollTo(0, 0));
    await page.locator('.part.editor').screenshot({ path: join(ARTIFACTS, 'transcript-high-contrast.png') });

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
    console.log(`      screenshots in ${ARTIFACTS}`);
  });
});
