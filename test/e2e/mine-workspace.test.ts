/**
 * "Compare models on this workspace" end to end in a real browser (code-server + Chromium, the
 * packaged VSIX): a generated git repository with one fix commit is opened as the workspace; the
 * command mines and validates it in Docker, the review page opens, the Benchmark form has the mined
 * task ticked; a run with a simulated model ends in the dashboard. No file is written by the user,
 * and `git status` in the workspace is clean afterwards. Screenshots go to test-artifacts/e2e/.
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { frameWith, launchBrowser, reportFailure, runCommand, waitReady, workbenchUrl, type Browser } from './browser';
import { dockerHost, installCodeServer, printExtensionLog, REPO, removeDir, startCodeServer, type CodeServer } from './code-server';
import { makeRepo, pythonHistory, type GeneratedRepo } from '../helpers/mine-repos';

const ARTIFACTS = join(REPO, 'test-artifacts', 'e2e');

describe('Compare models on this workspace (code-server + Chromium)', function () {
  this.timeout(1_200_000);
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let repo: GeneratedRepo;

  before(async () => {
    const exe = installCodeServer();
    const pack = spawnSync('npm', ['run', 'package'], { cwd: REPO, encoding: 'utf8' });
    assert.equal(pack.status, 0, `npm run package failed:\n${pack.stdout}\n${pack.stderr}`);
    mkdirSync(ARTIFACTS, { recursive: true });
    // The pricing project: its first commit, one fix with its test, one README change.
    repo = makeRepo('pricing', pythonHistory().slice(0, 2).concat(pythonHistory()[3]!));
    server = await startCodeServer({ exe, vsix: join(REPO, 'kilobench.vsix'), env: { DOCKER_HOST: dockerHost() } });
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed' || !browser) return;
    await reportFailure(browser, join(ARTIFACTS, 'mine-failure.png'));
    printExtensionLog(server);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    if (server) removeDir(server.dir);
    repo?.remove();
    spawnSync('npm', ['run', 'build'], { cwd: REPO, encoding: 'utf8' });
  });

  it('mines the workspace, selects the task in the form, runs it to the dashboard, and leaves git status clean', async () => {
    browser = await launchBrowser({ width: 1600, height: 1000 });
    const { page } = browser;
    await page.goto(await workbenchUrl(server!.url, { folder: repo.dir }), { waitUntil: 'domcontentloaded' });
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    const icon = page.locator('.part.activitybar a.action-label[aria-label="KiloBench"]');
    await icon.waitFor({ state: 'visible', timeout: 60_000 });
    await icon.click();
    const sidebar = await frameWith(page, 'body[data-view="benchmark"]');
    await waitReady(sidebar);

    await runCommand(page, 'KiloBench: Compare Models on This Workspace');
    const mined = page.locator('.notifications-toasts .notification-toast', { hasText: /1 task mined from this workspace/ });
    await mined.first().waitFor({ timeout: 900_000 });
    const review = await frameWith(page, 'h1', 30_000).catch(() => undefined);
    await page.locator('.part.editor').screenshot({ path: join(ARTIFACTS, 'mine-review.png') });
    if (review) assert.match(await review.evaluate(() => document.body.innerText), /Discount never goes below zero[\s\S]*no test changes/);

    const fix = repo.commits[1]!.sha.slice(0, 7);
    const taskBox = sidebar.locator(`vscode-checkbox[data-task^="pricing-${fix}"]`);
    await taskBox.waitFor({ timeout: 30_000 });
    await sidebar.waitForFunction((sel) => (document.querySelector(sel) as HTMLInputElement | null)?.checked === true, `vscode-checkbox[data-task^="pricing-${fix}"]`, { timeout: 30_000 });
    await taskBox.scrollIntoViewIfNeeded();
    await page.locator('.part.sidebar').screenshot({ path: join(ARTIFACTS, 'mine-selected.png') });

    await sidebar.click('vscode-checkbox[data-model="sim/direct"]');
    await sidebar.click('vscode-radio[data-harness="builtin"]');
    await sidebar.waitForFunction(() => (document.querySelector('vscode-radio[data-harness="builtin"]') as HTMLInputElement | null)?.checked === true, null, { timeout: 10_000 });
    await sidebar.fill('#trials input', '1');
    await sidebar.waitForFunction(() => document.getElementById('summary')?.textContent === '1 task × 1 model × 1 trial = 1 trial', null, { timeout: 10_000 });
    await sidebar.click('#start');
    const done = page.locator('.part.statusbar .statusbar-item', { hasText: /\$[\d.]+\+? · 1\/1 done/ });
    await done.first().waitFor({ timeout: 600_000 });
    await done.first().click();
    const dashboard = await frameWith(page, 'body[data-view="dashboard"]');
    await waitReady(dashboard);
    await dashboard.waitForSelector('#leaderboard tbody tr');
    assert.deepEqual(await dashboard.$$eval('#leaderboard tbody tr', (trs) => trs.map((tr) => (tr as HTMLElement).dataset.model)), ['sim/direct']);
    await page.locator('.part.editor').screenshot({ path: join(ARTIFACTS, 'mine-dashboard.png') });

    assert.equal(execFileSync('git', ['status', '--porcelain', '--ignored'], { cwd: repo.dir, encoding: 'utf8' }), '', 'the workspace has no new, changed or ignored files');
    assert.deepEqual(readdirSync(repo.dir).sort(), ['.env', '.git', '.gitignore', 'README.md', 'pricing', 'pytest.ini', 'tests']);
  });
});
