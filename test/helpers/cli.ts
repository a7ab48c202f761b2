/** Runs the built `kilobench` CLI (dist/cli.js; `npm test` builds it first) as a user would. */
import { spawn, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

export const CLI = resolve(__dirname, '../../dist/cli.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function kilobench(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): CliResult {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

export interface CliRun extends CliResult {
  pid: number;
}

/**
 * The CLI as a child process without blocking this process (for tests whose servers live here):
 * `onStart` gets its pid at once; it is killed after `timeoutMs`.
 */
export function kilobenchAsync(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; onStart?: (pid: number) => void } = {}): Promise<CliRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    options.onStart?.(child.pid as number);
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 300_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr, pid: child.pid as number });
    });
  });
}
