/**
 * A real VS Code (code-server 4.100.3 = VS Code 1.100.3) for the browser tests: installed once into
 * a cache outside the repository by install-code-server.sh, started per test on 127.0.0.1 with
 * throwaway user data, extensions and XDG folders, and stopped by its process group id.
 * See ../shared/docs/VSCODE-E2E.md.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO = resolve(__dirname, '..', '..');

/** Installs (or finds) code-server and the Debian packages; returns the executable. */
export function installCodeServer(): string {
  const result = spawnSync('bash', [join(__dirname, 'install-code-server.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const last = result.stdout.trim().split('\n').pop() ?? '';
  if (result.status !== 0 || !last) throw new Error(`install-code-server.sh failed (exit ${result.status})`);
  return last;
}

/** A Docker engine for the runs (the same script `npm test` uses); returns DOCKER_HOST. */
export function dockerHost(): string {
  if (process.env.DOCKER_HOST) return process.env.DOCKER_HOST;
  const setup = spawnSync('bash', [join(REPO, '.ci', 'docker-engine.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const host = /^DOCKER_HOST=(.+)$/m.exec(setup.stdout.trim().split('\n').pop() ?? '');
  if (setup.status !== 0 || !host?.[1]) throw new Error(`.ci/docker-engine.sh failed (exit ${setup.status})`);
  return host[1];
}

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const server = createServer();
    server.once('error', rej);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => res(port));
    });
  });
}

export interface CodeServer {
  url: string;
  dir: string;
  log: string;
  stop(): Promise<void>;
}

export interface StartOptions {
  exe: string;
  /** A VSIX to install first (--install-extension). */
  vsix?: string;
  /** User settings. */
  settings?: Record<string, unknown>;
  env?: NodeJS.ProcessEnv;
  /** Where to put the instance's folders (default: a fresh temp dir). */
  dir?: string;
}

const running = new Set<ChildProcess>();

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal); // the group this test created (detached), by its id
  } catch {
    // already gone
  }
}

// A test run killed mid-way still takes its code-server down.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    for (const child of running) killGroup(child, 'SIGKILL');
    process.exit(130);
  });
}
process.once('exit', () => {
  for (const child of running) killGroup(child, 'SIGKILL');
});

export function userSettings(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    'workbench.startupEditor': 'none',
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'workbench.enableExperiments': false,
    'workbench.tips.enabled': false,
    'workbench.colorTheme': 'Default Light Modern',
    'security.workspace.trust.enabled': false,
    'chat.commandCenter.enabled': false,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    ...extra,
  };
}

export async function startCodeServer(options: StartOptions): Promise<CodeServer> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'kilobench-cs-'));
  for (const sub of ['ud/User', 'exts', 'xdg-config', 'xdg-data', 'xdg-cache']) mkdirSync(join(dir, sub), { recursive: true });
  writeFileSync(join(dir, 'ud', 'User', 'settings.json'), JSON.stringify(userSettings(options.settings), null, 2));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    XDG_CONFIG_HOME: join(dir, 'xdg-config'),
    XDG_DATA_HOME: join(dir, 'xdg-data'),
    XDG_CACHE_HOME: join(dir, 'xdg-cache'),
    EXTENSIONS_GALLERY: '{}',
    ...options.env,
  };
  delete env.VSCODE_IPC_HOOK_CLI;
  const common = ['--user-data-dir', join(dir, 'ud'), '--extensions-dir', join(dir, 'exts')];
  if (options.vsix) {
    const install = spawnSync(options.exe, [...common, '--install-extension', options.vsix], { env, encoding: 'utf8' });
    if (install.status !== 0) throw new Error(`code-server --install-extension failed: ${install.stderr || install.stdout}`);
  }
  const port = await freePort();
  const log = join(dir, 'code-server.log');
  const out = openSync(log, 'a');
  const child = spawn(options.exe, [
    '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check',
    '--disable-workspace-trust', '--ignore-last-opened', ...common,
  ], { env, detached: true, stdio: ['ignore', out, out] });
  running.add(child);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`code-server exited (${child.exitCode}); see ${log}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`code-server did not answer on ${url} within 60 s; see ${log}`);
    await new Promise((r) => setTimeout(r, 150));
  }
  return {
    url, dir, log,
    async stop() {
      if (!running.has(child)) return;
      running.delete(child);
      killGroup(child, 'SIGTERM');
      const gone = await Promise.race([
        new Promise<boolean>((r) => (child.exitCode !== null ? r(true) : child.once('exit', () => r(true)))),
        new Promise<boolean>((r) => setTimeout(() => r(false), 10_000)),
      ]);
      // The group may hold extension hosts that outlive the server for a moment.
      await new Promise((r) => setTimeout(r, gone ? 300 : 0));
      killGroup(child, 'SIGKILL');
    },
  };
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** The last lines of KiloBench's output channel log in a code-server's user data, printed after a failed test. */
export function printExtensionLog(server: CodeServer | undefined): void {
  if (!server) return;
  const logs = spawnSync('bash', ['-c', `cat $(find '${server.dir}/ud/logs' -name '*KiloBench*.log' 2>/dev/null) 2>/dev/null | tail -40`], { encoding: 'utf8' }).stdout;
  if (logs) console.log(`      KiloBench log:\n${logs.replace(/^/gm, '        ')}`);
}
