/**
 * The HTML report's script: `webview/report-page.ts` (the one chart module, Chart.js and the one
 * formatter) bundled into a single classic script, which `renderHtmlReport` inlines into the page.
 * The build puts it at `dist/webview/report-page.js`, beside the running bundle; run from source
 * (tests), it is bundled here on first use with esbuild, exactly as `.config/esbuild.mjs` does.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Resolved at run time (a bundler must not inline esbuild into the product). */
const ESBUILD = 'esbuild';

let cached: string | undefined;

export function loadReportScript(): string {
  if (cached !== undefined) return cached;
  const built = join(__dirname, 'webview', 'report-page.js');
  if (existsSync(built)) {
    cached = readFileSync(built, 'utf8');
    return cached;
  }
  const entry = resolve(__dirname, '..', '..', '..', 'webview', 'report-page.ts');
  if (!existsSync(entry)) throw new Error(`the HTML report's script is missing: neither ${built} nor ${entry} exists (run \`npm run build\`)`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require(ESBUILD) as typeof import('esbuild');
  const out = esbuild.buildSync({
    entryPoints: [entry], bundle: true, platform: 'browser', target: 'es2020', format: 'iife', minify: true, legalComments: 'none', write: false,
  });
  cached = out.outputFiles[0]?.text ?? '';
  return cached;
}
