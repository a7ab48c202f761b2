/**
 * Chart.js as one classic script, to inline into the HTML report. Read from the installed package
 * at render time (`node_modules/chart.js/dist/chart.umd.js`); a bundle that ships no node_modules
 * can pass the text in instead (`renderHtmlReport(report, { chartJs })`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Resolved at run time (a bundler must not try to inline or rewrite it). */
const CHART_JS = 'chart.js';

/** The folder of the installed chart.js package (its `package.json` is not exported, so walk up from the entry). */
export function chartJsPackageDir(): string {
  let dir = dirname(require.resolve(CHART_JS));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const name = (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name;
      if (name === CHART_JS) return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('chart.js is not installed (no package.json named chart.js above its entry point)');
    dir = parent;
  }
}

let cached: string | undefined;

/** The UMD build's text (cached after the first read): beside the running bundle (the build copies it there), else from the package. */
export function loadChartJs(): string {
  const besideBundle = join(__dirname, 'chart.umd.js');
  cached ??= readFileSync(existsSync(besideBundle) ? besideBundle : join(chartJsPackageDir(), 'dist', 'chart.umd.js'), 'utf8');
  return cached;
}
