/**
 * Debian's Chromium driven by playwright-core (no browser download): a fresh profile per test, the
 * workbench URL (with the extension-development payload when wanted), frames of webviews, and every
 * console error and page error collected, so a test can assert there were none.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Frame, type Page } from 'playwright-core';

export const CHROMIUM = process.env.KILOBENCH_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface BrowserProblem {
  kind: 'console' | 'pageerror';
  text: string;
  url: string;
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  problems: BrowserProblem[];
  close(): Promise<void>;
}

export async function launchBrowser(viewport = { width: 1440, height: 900 }): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'kilobench-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS, viewport });
  const page = context.pages()[0] ?? (await context.newPage());
  const problems: BrowserProblem[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push({ kind: 'console', text: m.text(), url: m.location().url });
  });
  page.on('pageerror', (e) => problems.push({ kind: 'pageerror', text: e.message, url: '' }));
  return {
    context, page, problems,
    async close() {
      // Leave the workbench first so the server ends this window's extension host at once.
      await page.goto('about:blank').catch(() => undefined);
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * The workbench URL. code-server's command line rejects --extensionDevelopmentPath/--extensionTestsPath,
 * but the web workbench reads them from the `payload` query parameter as vscode-remote:// URIs.
 */
export async function workbenchUrl(base: string, options: { folder?: string; devPath?: string; testsPath?: string } = {}): Promise<string> {
  const url = new URL(base.replace(/\/?$/, '/'));
  if (options.folder) url.searchParams.set('folder', resolve(options.folder));
  const payload: [string, string][] = [];
  if (options.devPath || options.testsPath) {
    const html = await (await fetch(url.origin + url.pathname)).text();
    const m = html.match(/id="vscode-workbench-web-configuration"[^>]*data-settings="([^"]*)"/);
    const config = m?.[1] ? JSON.parse(m[1].replace(/&quot;/g, '"').replace(/&amp;/g, '&')) as { remoteAuthority?: string } : {};
    const authority = config.remoteAuthority ?? 'remote';
    const remote = (p: string) => `vscode-remote://${authority}${resolve(p)}`;
    if (options.devPath) payload.push(['extensionDevelopmentPath', remote(options.devPath)]);
    if (options.testsPath) payload.push(['extensionTestsPath', remote(options.testsPath)]);
  }
  if (payload.length) url.searchParams.set('payload', JSON.stringify(payload));
  return url.toString();
}

/** The frame (a webview's inner iframe, usually) that holds `selector`. */
export async function frameWith(page: Page, selector: string, timeoutMs = 60_000, not?: Frame[]): Promise<Frame> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    for (const frame of page.frames()) {
      if (not?.includes(frame)) continue;
      try {
        if (await frame.$(selector)) return frame;
      } catch {
        // detached while polling
      }
    }
    await page.waitForTimeout(200);
  }
  throw new Error(`no frame holds ${selector} after ${timeoutMs} ms`);
}

/** Runs a command from the command palette by its title. */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
}

/** Waits until a KiloBench webview says it has drawn (its body's `data-ready="1"`). */
export async function waitReady(frame: Frame): Promise<void> {
  await frame.waitForFunction(() => document.body.dataset.ready === '1', null, { timeout: 60_000 });
}

/**
 * What a failed test leaves behind: a screenshot of the page, the browser's problems (console
 * errors, CSP violations) and the first text of every KiloBench webview, so the failure can be read
 * from the CI log alone.
 */
export async function reportFailure(browser: Browser, screenshot: string): Promise<void> {
  await browser.page.screenshot({ path: screenshot }).catch(() => undefined);
  console.log(`      failure screenshot: ${screenshot}`);
  for (const p of browser.problems.slice(0, 30)) console.log(`      browser ${p.kind}: ${p.text.slice(0, 300)} (${p.url.slice(0, 120)})`);
  for (const frame of browser.page.frames()) {
    const text = await frame.evaluate(() => (document.body?.dataset.view ? `${document.body.dataset.view}: ${document.body.innerText.slice(0, 400)}` : '')).catch(() => '');
    if (text) console.log(`      frame ${text.replace(/\n/g, ' | ')}`);
  }
}
