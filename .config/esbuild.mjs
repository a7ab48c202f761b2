// Bundles the three entry points: the extension (CommonJS, `vscode` external), the `kilobench` CLI
// (CommonJS with a shebang) and the webview front end (browser ESM). `--watch` rebuilds on change.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, chmodSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
const require = createRequire(import.meta.url);

/** sql.js loads its WebAssembly from disk at run time: ship it beside the bundles. */
function copySqlWasm() {
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

const builds = [
  { ...node, entryPoints: { extension: 'src/extension.ts' }, outdir: 'dist' },
  { ...node, entryPoints: { cli: 'src/cli/main.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' } },
  {
    bundle: true, platform: 'browser', target: 'es2022', format: 'esm', sourcemap: !production, minify: production,
    logLevel: 'info', entryPoints: { webview: 'webview/main.ts' }, outdir: 'dist',
  },
];

copySqlWasm();
if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
  chmodSync('dist/cli.js', 0o755);
}
