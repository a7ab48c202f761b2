// The test runner behind `npm test` (and so behind .ci/run): mocha over every test/**/*.test.ts,
// TypeScript loaded through tsx. Prints mocha's summary (`N passing`, `N failing`) and, as the very
// last line, `N passed, N failed` for CI.
//   node test/run.mjs                 every suite
//   node test/run.mjs test/unit/store only files under these paths
//   MOCHA_GREP=journal node test/run.mjs   only tests whose title matches
import { createRequire } from 'node:module';
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const require = createRequire(import.meta.url);
require('tsx/cjs');
const Mocha = require('mocha');

function testFiles(path) {
  if (statSync(path).isFile()) return path.endsWith('.test.ts') ? [path] : [];
  return readdirSync(path).sort().flatMap((name) => testFiles(join(path, name)));
}

const roots = process.argv.slice(2).length ? process.argv.slice(2) : ['test'];
const files = roots.flatMap((root) => testFiles(resolve(root)));
const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', timeout: 20000, color: !process.env.CI, grep: process.env.MOCHA_GREP });
files.forEach((file) => mocha.addFile(file));

await mocha.loadFilesAsync();
const runner = mocha.run((failures) => {
  const { passes = 0, failures: failed = 0 } = runner.stats ?? {};
  console.log(`${passes} passed, ${failed} failed`);
  process.exitCode = failures > 0 || files.length === 0 ? 1 : 0;
});
