/**
 * Activation time of the extension: `require(dist/extension.js)` + `activate()` in a fresh Node
 * process with a stand-in `vscode` module, median of N runs. Baseline measured in the same run: a
 * minimal extension (one command, one output channel) through the same steps; and, for scale,
 * loading the engine bundle (`dist/core.js`) that activation leaves until a view or command needs it.
 *   npm run build && node --require tsx/cjs bench/activation/run.ts [runs]
 * The budget is 50 ms for the extension; VS Code adds its own overhead around activate().
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
const runs = Number(process.argv[2] ?? 15);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

function measure(what: string, bundle: string): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    times.push(Number(execFileSync(process.execPath, [join(__dirname, 'child.cjs'), what, bundle], { encoding: 'utf8' })));
  }
  return median(times);
}

const dir = mkdtempSync(join(tmpdir(), 'kilobench-activation-'));
const minimal = join(dir, 'minimal.js');
writeFileSync(minimal, `const vscode = require('vscode');
exports.activate = (context) => {
  const log = vscode.window.createOutputChannel('Minimal', { log: true });
  context.subscriptions.push(log, vscode.commands.registerCommand('minimal.hello', () => log.info('hello')));
  return {};
};`);
try {
  const extension = measure('extension', join(ROOT, 'dist', 'extension.js'));
  const baseline = measure('minimal', minimal);
  const core = measure('core', join(ROOT, 'dist', 'core.js'));
  console.log(`activation (require dist/extension.js + activate), median of ${runs}: ${extension.toFixed(1)} ms (budget 50 ms)`);
  console.log(`baseline: a minimal extension through the same steps: ${baseline.toFixed(1)} ms → ratio ${(extension / baseline).toFixed(2)}×`);
  console.log(`deferred: loading the engine (dist/core.js) on first use: ${core.toFixed(1)} ms → activation is ${(core / extension).toFixed(1)}× cheaper than an eager load`);
  if (extension > 50) process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
