// The test runner behind `npm test` (and so behind .ci/run): mocha over every test/**/*.test.ts,
// TypeScript loaded through tsx. Prints mocha's summary (`N passing`, `N failing`) and, as the very
// last line, `N passed, N failed` for CI.
//   node test/run.mjs                 every suite
//   node test/run.mjs test/unit/store only files under these paths
//   MOCHA_GREP=journal node test/run.mjs   only tests whose title matches
import { createRequire } from 'node:module';
import { readdirSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join, resolve, sep } from 'node:path';

const require = createRequire(import.meta.url);
require('tsx/cjs');
const Mocha = require('mocha');

function testFiles(path) {
  if (statSync(path).isFile()) return path.endsWith('.test.ts') ? [path] : [];
  return readdirSync(path).sort().flatMap((name) => testFiles(join(path, name)));
}

const roots = process.argv.slice(2).length ? process.argv.slice(2) : ['test'];
const files = roots.flatMap((root) => testFiles(resolve(root)));

// Container tests need a Docker engine and the bundled tasks' base image. .ci/docker-engine.sh
// finds one, or (as root on Debian) installs and starts a private one; its last line is DOCKER_HOST.
if (files.some((file) => file.includes(`${sep}integration${sep}`)) && !process.env.KILOBENCH_SKIP_ENGINE_SETUP) {
  const setup = spawnSync('bash', [resolve('.ci/docker-engine.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const host = /^DOCKER_HOST=(.+)$/m.exec(setup.stdout.trim().split('\n').pop() ?? '');
  if (setup.status === 0 && host) process.env.DOCKER_HOST = host[1];
  else console.error(`Docker engine setup failed (exit ${setup.status}); container tests will fail. See the messages above.`);
}
const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', timeout: 20000, color: !process.env.CI, grep: process.env.MOCHA_GREP });
files.forEach((file) => mocha.addFile(file));

await mocha.loadFilesAsync();
const runner = mocha.run((failures) => {
  const { passes = 0, failures: failed = 0 } = runner.stats ?? {};
  console.log(`${passes} passed, ${failed} failed`);
  process.exitCode = failures > 0 || files.length === 0 ? 1 : 0;
});
