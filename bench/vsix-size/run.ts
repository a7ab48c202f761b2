/**
 * VSIX size, against a baseline packaged the same way in the same run: `npm run package` (production
 * bundles + `vsce package --no-dependencies`) → kilobench.vsix, and a minimal extension (package.json,
 * a one-line extension.js, a README) through the same `vsce package` → its size. Prints both sizes,
 * the ratio, and the largest entries of kilobench.vsix.
 *
 *   node --require tsx/cjs bench/vsix-size/run.ts [entries]
 *
 * Note: `npm run package` rebuilds dist/ in production mode (no source maps).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
const VSCE = join(ROOT, 'node_modules', '.bin', 'vsce');
const TOP = Number(process.argv[2] ?? 15);
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

interface Entry { name: string; size: number; compressed: number }

/** The part of yauzl (a vsce dependency, without type declarations) used here. */
interface ZipFile {
  on(event: 'entry', listener: (entry: { fileName: string; uncompressedSize: number; compressedSize: number }) => void): void;
  on(event: 'end', listener: () => void): void;
  on(event: 'error', listener: (error: Error) => void): void;
  readEntry(): void;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const yauzl = require('yauzl') as { open(path: string, options: { lazyEntries: boolean }, callback: (error: Error | null, zip?: ZipFile) => void): void };

function entries(vsix: string): Promise<Entry[]> {
  return new Promise((done, fail) => {
    yauzl.open(vsix, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return fail(error ?? new Error(`cannot open ${vsix}`));
      const list: Entry[] = [];
      zip.on('entry', (e) => {
        list.push({ name: e.fileName, size: e.uncompressedSize, compressed: e.compressedSize });
        zip.readEntry();
      });
      zip.on('end', () => done(list));
      zip.on('error', fail);
      zip.readEntry();
    });
  });
}

function minimalExtension(dir: string): void {
  writeFileSync(join(dir, 'package.json'), JSON.stringify({
    name: 'minimal', displayName: 'Minimal', description: 'The smallest extension vsce packages', version: '0.0.1', publisher: 'bench',
    engines: { vscode: '^1.100.0' }, main: './extension.js', activationEvents: [], contributes: {},
  }, null, 2));
  writeFileSync(join(dir, 'extension.js'), 'exports.activate = () => {};\n');
  writeFileSync(join(dir, '.vscodeignore'), '*.vsix\n');
  writeFileSync(join(dir, 'README.md'), '# Minimal\n\nA baseline for the VSIX size benchmark.\n');
}

async function main(): Promise<void> {
  let t = performance.now();
  execFileSync('npm', ['run', '--silent', 'package'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  const packMs = performance.now() - t;
  const vsix = join(ROOT, 'kilobench.vsix');
  const size = statSync(vsix).size;

  const dir = mkdtempSync(join(tmpdir(), 'kb-bench-vsix-'));
  try {
    minimalExtension(dir);
    t = performance.now();
    execFileSync(VSCE, ['package', '--no-dependencies', '--skip-license', '--allow-missing-repository', '--out', 'minimal.vsix'], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
    const minimalMs = performance.now() - t;
    const minimal = statSync(join(dir, 'minimal.vsix')).size;

    const list = await entries(vsix);
    console.log(`kilobench.vsix     ${kb(size)} (${list.length} entries, ${kb(list.reduce((n, e) => n + e.size, 0))} unpacked; npm run package took ${(packMs / 1000).toFixed(1)} s)`);
    console.log(`minimal extension  ${kb(minimal)} (same vsce package, ${(minimalMs / 1000).toFixed(1)} s)`);
    console.log(`ratio: ${(size / minimal).toFixed(1)}× the minimal extension; ${kb(size - minimal)} is KiloBench's own`);
    console.log(`\nlargest entries (unpacked → packed):`);
    for (const e of [...list].sort((a, b) => b.size - a.size).slice(0, TOP)) {
      console.log(`  ${kb(e.size).padStart(11)} → ${kb(e.compressed).padStart(10)}  ${e.name}`);
    }
    const byFolder = new Map<string, number>();
    for (const e of list) {
      const top = e.name.split('/').slice(0, 2).join('/');
      byFolder.set(top, (byFolder.get(top) ?? 0) + e.compressed);
    }
    console.log(`\npacked size by folder:`);
    for (const [name, bytes] of [...byFolder].sort((a, b) => b[1] - a[1]).slice(0, 8)) console.log(`  ${kb(bytes).padStart(11)}  ${name}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
