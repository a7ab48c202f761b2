// Bundles the entry points:
//   dist/extension.js  the editor layer (CommonJS, `vscode` external); small, so activation is fast
//   dist/core.js       the engine as the editor uses it (src/vscode/core.ts), loaded on first need
//   dist/cli.js        the `kilobench` CLI (CommonJS with a shebang)
//   dist/webview/*.js  the webview front ends (browser ESM): benchmark (the Benchmark view), dashboard, transcript
//   dist/webview/report-page.js  the HTML report's script (inlined into every exported page)
// plus sql.js's WebAssembly beside them.
// Test bundles (`--tests`): the extension-host tests in test/vscode/ to out/test/vscode/.
// `--watch` rebuilds on change; `--production` minifies without source maps.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, chmodSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
const tests = process.argv.includes('--tests');
const require = createRequire(import.meta.url);

/** sql.js loads its WebAssembly from disk at run time. */
function copyRuntimeFiles() {
  mkdirSync('dist', { recursive: true });
  copyFileSync(join(dirname(require.resolve('sql.js')), 'sql-wasm.wasm'), 'dist/sql-wasm.wasm');
}

const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'info',
  // ssh2 (pulled in by docker-modem for ssh:// hosts) has optional native addons; keep them out of the bundle.
  external: ['vscode', 'cpu-features', '*.node'],
};

/** Also built on the fly by src/core/report/page-script.ts when no bundle exists (tests from source). */
const REPORT_PAGE_BUILD = {
  bundle: true, platform: 'browser', target: 'es2020', format: 'iife', minify: true, legalComments: 'none', logLevel: 'info',
  entryPoints: { 'report-page': 'webview/report-page.ts' }, outdir: 'dist/webview',
};

const builds = [
  // `./core.js` is required at run time from beside extension.js (src/vscode/load-core.ts).
  { ...node, entryPoints: { extension: 'src/extension.ts' }, outdir: 'dist', external: [...node.external, './core.js'] },
  { ...node, entryPoints: { core: 'src/vscode/core.ts' }, outdir: 'dist' },
  { ...node, entryPoints: { cli: 'src/cli/main.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' } },
  {
    bundle: true, platform: 'browser', target: 'es2022', format: 'esm', sourcemap: production ? false : 'inline', minify: true,
    logLevel: 'info', outdir: 'dist/webview', legalComments: 'none',
    entryPoints: { benchmark: 'webview/benchmark.ts', dashboard: 'webview/dashboard.ts', transcript: 'webview/transcript.ts' },
  },
  // The HTML report's one script (charts by the same module as the dashboard), inlined into each page.
  REPORT_PAGE_BUILD,
];

if (tests) {
  // Extension-host tests: each *.ext-test.ts becomes out/test/vscode/<name>.test.js; index.js runs them with mocha.
  const entries = Object.fromEntries(readdirSync('test/vscode').filter((f) => f.endsWith('.ext-test.ts')).map((f) => [f.replace(/\.ext-test\.ts$/, '.test'), join('test/vscode', f)]));
  builds.push({ ...node, entryPoints: { ...entries, index: 'test/vscode/index.ts' }, outdir: 'out/test/vscode', external: [...node.external, 'mocha'], sourcemap: 'inline', minify: false });
}

copyRuntimeFiles();
if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
  chmodSync('dist/cli.js', 0o755);
}
