/**
 * Two Docker engines from the editor, end to end in a real browser (code-server + Chromium, the
 * extension loaded from the repository's dist/): the test starts a second dockerd of its own (data
 * root, exec root, socket, pidfile; reached over tcp://127.0.0.1:PORT) beside the private engine, the
 * user's settings name both in `kilobench.dockerHosts`, and a run of 1 small task × 2 simulated
 * profiles with the builtin harness, 1 trial at a time per engine, is started from the sidebar. Mid-run
 * the sidebar names each running trial's engine (one on each); afterwards the transcript header names
 * the trial's engine; a mistyped URL added in the Settings editor is told at once, naming the
 * setting, the entry and the value. Screenshots: test-artifacts/e2e/engines-sidebar-midrun.png, engines-transcript.png, engines-bad-url.png.
 * Needs root (it starts a daemon), as the pool's integration test does.
 */
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Frame } from 'playwright-core';
import { frameWith, launchBrowser, reportFailure, runCommand, waitReady, workbenchUrl, type Browser } from './browser';
import { dockerHost, installCodeServer, printExtensionLog, REPO, removeDir, startCodeServer, type CodeServer } from './code-server';
import { freePort, startDockerd, type ExtraEngine } from '../helpers/extra-engines';
import { wordTaskFiles, writeHarborTask } from '../helpers/task-fixtures';

const ARTIFACTS = join(REPO, 'test-artifacts', 'e2e');
const TASK = 'engines-echo';

/** A small task written the way Terminal-Bench's (Harbor format) are; its image builds in a second on a fresh engine. */
const TASK_FILES = wordTaskFiles('pool', { agentTimeoutSec: 120 });
const MODELS = ['sim/direct', 'sim/explorer'];

describe('two Docker engines from the editor (kilobench.dockerHosts, code-server + Chromium)', function () {
  this.timeout(600_000);
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let second: ExtraEngine | undefined;
  let root: string;
  let workspace: string;
  let hosts: string[];
  const started = Date.now();

  before(async function () {
    // A second dockerd needs root (CI runs as root); elsewhere this test cannot start one.
    if (process.getuid?.() !== 0) this.skip();
    const exe = installCodeServer();
    mkdirSync(ARTIFACTS, { recursive: true });
    root = mkdtempSync(join(tmpdir(), 'kb-e2e-engines-'));
    workspace = mkdtempSync(join(tmpdir(), 'kb-e2e-engines-ws-'));
    writeHarborTask(join(root, 'tasks'), TASK, TASK_FILES);
    const main = dockerHost();
    second = await startDockerd(root, 'second', { tcpPort: await freePort(), pool: '10.219.0.0/16' });
    hosts = [main, second.tcp!];
    console.log(`      engines: ${hosts.join(', ')} (second dockerd pid ${second.pid()}, up after ${((Date.now() - started) / 1000).toFixed(1)} s)`);
    // The user's settings name both engines; DOCKER_HOST stays the main one, so only the setting makes a pool.
    server = await startCodeServer({ exe, settings: { 'kilobench.dockerHosts': hosts, 'kilobench.taskFolders': [join(root, 'tasks')] }, env: { DOCKER_HOST: main } });
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed' || !browser) return;
    await reportFailure(browser, join(ARTIFACTS, 'engines-failure.png'));
    printExtensionLog(server);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    if (server) removeDir(server.dir);
    await second?.stop(); // by its PID
    if (root) removeDir(root);
    if (workspace) removeDir(workspace);
    console.log(`      engines e2e: ${((Date.now() - started) / 1000).toFixed(1)} s including the second engine and code-server`);
  });

  it('places the trials on both engines, names each trial\'s engine in the sidebar mid-run and in the transcript, and tells a mistyped engine URL at once', async () => {
    browser = await launchBrowser({ width: 1600, height: 1000 });
    const { page } = browser;
    await page.goto(await workbenchUrl(server!.url, { folder: workspace, devPath: REPO }), { waitUntil: 'domcontentloaded' });
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    const icon = page.locator('.part.activitybar a.action-label[aria-label="KiloBench"]');
    await icon.waitFor({ state: 'visible', timeout: 60_000 });
    await icon.click();
    const sidebar = await frameWith(page, 'body[data-view="benchmark"]');
    await waitReady(sidebar);

    await sidebar.click(`vscode-checkbox[data-task="${TASK}"]`);
    for (const model of MODELS) await sidebar.click(`vscode-checkbox[data-model="${model}"]`);
    await sidebar.click('vscode-radio[data-harness="builtin"]');
    await sidebar.waitForFunction(() => (document.querySelector('vscode-radio[data-harness="builtin"]') as HTMLInputElement | null)?.checked === true, null, { timeout: 10_000 });
    await sidebar.fill('#trials input', '1');
    // One trial at a time on each engine: two trials can only run together by using both.
    await sidebar.fill('#concurrency input', '1');
    await sidebar.waitForFunction(() => document.getElementById('summary')?.textContent === '1 task × 2 models × 1 trial = 2 trials', null, { timeout: 10_000 });
    await sidebar.click('#start');

    // Mid-run: both trials running, each row naming its engine, the two engines different.
    const names = [`local:${hosts[0]!.split('/').pop()}`, hosts[1]!.replace('tcp://', '')];
    await sidebar.waitForFunction(() => document.querySelectorAll('#live-trials li[data-engine]').length === 2, null, { timeout: 180_000 });
    const live = await sidebar.$$eval('#live-trials li', (lis) => lis.map((li) => ({ engine: (li as HTMLElement).dataset.engine ?? '', text: [...li.children].map((c) => (c as HTMLElement).innerText).join(' | ') })));
    console.log(`      mid-run: ${live.map((l) => l.text).join(' ; ')}`);
    assert.deepEqual(live.map((l) => l.engine).sort(), [...names].sort(), 'one trial on each engine');
    for (const l of live) assert.ok(l.text.includes(`on ${l.engine}`), `the row says where it runs: ${l.text}`);
    await sidebar.evaluate(() => window.scrollTo(0, 0));
    await page.locator('.part.sidebar').screenshot({ path: join(ARTIFACTS, 'engines-sidebar-midrun.png') });

    const done = page.locator('.part.statusbar .statusbar-item', { hasText: /\$[\d.]+\+? · 2\/2 done/ });
    await done.first().waitFor({ timeout: 300_000 });
    await sidebar.waitForSelector('#run[data-state="finished"]', { timeout: 30_000 });

    // The transcript of a trial (from the Runs tree) names the engine it ran on.
    const runRow = page.locator('.pane-body .monaco-list-row', { hasText: 'builtin · sim/direct, sim/explorer' }).first();
    await runRow.click();
    // The tree redraws as the finished run's last changes arrive: click the trial until its transcript opens.
    let transcript: Frame | undefined;
    for (let attempt = 1; !transcript; attempt++) {
      await page.locator('.pane-body .monaco-list-row', { hasText: `${TASK} #1` }).first().click();
      transcript = await frameWith(page, 'body[data-view="transcript"][data-ready="1"] #trial-engine', 15_000).catch((e: Error) => {
        if (attempt >= 3) throw e;
        return undefined;
      });
    }
    const header = await transcript.$eval('.page-head', (el) => (el as HTMLElement).innerText.replace(/\n/g, ' '));
    console.log(`      transcript header: ${header}`);
    const engine = (await transcript.$eval('#trial-engine', (el) => el.textContent ?? '')).replace(/^ · engine /, '');
    assert.ok(names.includes(engine), `the header names one of the run's engines: ${header}`);
    await transcript.evaluate(() => window.scrollTo(0, 0));
    await page.locator('.part.editor').screenshot({ path: join(ARTIFACTS, 'engines-transcript.png') });

    // A user adds a mistyped engine in the Settings editor: told at once, naming the setting, the entry and the value.
    await runCommand(page, 'Preferences: Open User Settings');
    await page.locator('.settings-editor').waitFor({ timeout: 30_000 });
    await page.keyboard.type('kilobench.dockerHosts');
    const setting = page.locator('.settings-editor .setting-item-list', { hasText: 'A pool of Docker engines' }).first();
    await setting.waitFor({ timeout: 30_000 });
    // The settings editor re-renders its rows while the search settles (debounced), which can swallow a click
    // on a row that is replaced: click Add Item until its edit row opens.
    const input = setting.locator('.setting-list-edit-row input').first();
    for (let attempt = 1; ; attempt++) {
      await setting.locator('.setting-list-addButton, .monaco-button', { hasText: 'Add Item' }).first().click();
      const opened = await input.waitFor({ timeout: 10_000 }).then(() => true, () => false);
      if (opened) break;
      if (attempt >= 3) throw new Error('the Add Item button of kilobench.dockerHosts opened no edit row after 3 clicks');
    }
    await input.fill('ssh://vm1.example');
    await input.press('Enter');
    const toast = page.locator('.notifications-toasts', { hasText: 'kilobench.dockerHosts: entry 3: "ssh://vm1.example" names no user' });
    await toast.waitFor({ timeout: 30_000 });
    console.log(`      settings: ${await toast.locator('.notification-list-item-message', { hasText: 'kilobench.dockerHosts' }).first().innerText()}`);
    await page.locator('.part.editor').screenshot({ path: join(ARTIFACTS, 'engines-bad-url.png') });
    console.log(`      screenshots: ${join(ARTIFACTS, 'engines-sidebar-midrun.png')}, ${join(ARTIFACTS, 'engines-transcript.png')}`);
  });
});
