/**
 * The extension-host tests (test/vscode/, the `.vscode-test.mjs` suite) inside code-server's Node
 * extension host: the workbench is opened with the repository as extensionDevelopmentPath and
 * out/test/vscode/index.js as extensionTestsPath; the results come back through
 * codeAutomationLog / codeAutomationExit, which the page exposes. A failing suite exits 1.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { format, stripVTControlCharacters } from 'node:util';
import { launchBrowser, workbenchUrl, type Browser } from './browser';
import { dockerHost, installCodeServer, REPO, removeDir, startCodeServer, type CodeServer } from './code-server';

const NOISE = /^(Resolving connection token|Resolved connection token|Creating a socket|Updating additional builtin|Ignoring fetching additional builtin|\[Service Worker\]|ChatSessionStore|\[lifecycle\])/;

describe('extension-host tests inside code-server (VS Code 1.100)', function () {
  this.timeout(900_000);
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let workspace: string;

  before(function () {
    const exe = installCodeServer();
    const build = spawnSync(process.execPath, [join(REPO, '.config', 'esbuild.mjs'), '--tests'], { cwd: REPO, encoding: 'utf8' });
    assert.equal(build.status, 0, `building the extension and its tests failed:\n${build.stderr}`);
    workspace = mkdtempSync(join(tmpdir(), 'kilobench-ext-ws-'));
    return startCodeServer({ exe, env: { DOCKER_HOST: dockerHost() } }).then((s) => { server = s; });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    if (server) removeDir(server.dir);
    if (workspace) removeDir(workspace);
  });

  it('passes (commands registered; a simulated run completes and shows up in the Runs tree)', async () => {
    browser = await launchBrowser();
    const { page } = browser;
    const lines: string[] = [];
    let finish!: (code: number | 'timeout') => void;
    const done = new Promise<number | 'timeout'>((r) => { finish = r; });
    await page.exposeFunction('codeAutomationLog', (type: string, args: unknown) => {
      const parts = Array.isArray(args) ? args : [args];
      if (NOISE.test(String(parts[0] ?? ''))) return;
      const line = stripVTControlCharacters(format(...parts));
      lines.push(line);
      if (process.env.KILOBENCH_E2E_VERBOSE || /^\s+(✔|✓|\d+\)|\[)|passing|failing|extension-host tests/.test(line)) console.log(`      ${line}`);
    });
    await page.exposeFunction('codeAutomationExit', (code: unknown) => finish(Number(code)));
    const timer = setTimeout(() => finish('timeout'), 600_000);
    await page.goto(await workbenchUrl(server!.url, { folder: workspace, devPath: REPO, testsPath: join(REPO, 'out', 'test', 'vscode', 'index.js') }));
    const code = await done;
    clearTimeout(timer);
    assert.notEqual(code, 'timeout', `no result from the extension host within 600 s; output:\n${lines.join('\n')}`);
    assert.equal(code, 0, `extension-host tests failed (exit ${code}):\n${lines.join('\n')}`);
    assert.ok(lines.some((l) => /passing/.test(l)), 'mocha printed no summary');
  });
});
