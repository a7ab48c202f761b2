import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import {
  compatiblePlatforms, ensureKiloBinary, KILO_MARKER, KILO_MOUNT, kiloArch, kiloCacheRoot, KiloBinaryError, parsePlatformName, parseProbe,
  platformName, platformOf, platformPackage, prepareKilo, PROBE_SCRIPT, type KiloFetchProgress,
} from '../../../src/core/harness/kilo/binary';
import { tempDir } from '../../helpers/task-fixtures';

/** A tiny platform package: package/package.json and an executable package/bin/kilo. */
async function fakePackageTarball(): Promise<Buffer> {
  const archive = pack();
  const chunks: Buffer[] = [];
  archive.on('data', (c: unknown) => chunks.push(c as Buffer));
  const done = new Promise<void>((resolve) => archive.on('end', () => resolve()));
  archive.entry({ name: 'package/package.json', mode: 0o644 }, '{"name":"@kilocode/cli-linux-x64","version":"7.7.7"}');
  archive.entry({ name: 'package/bin/kilo', mode: 0o755 }, '#!/bin/sh\necho 7.7.7\n');
  archive.finalize();
  await done;
  return gzipSync(Buffer.concat(chunks));
}

/**
 * A stand-in for npm: `npm pack <spec> --pack-destination <dir> --json` copies the tarball, or fails
 * like npm; `npm view <package> versions --json` prints the versions it offers.
 */
const FAKE_NPM = `#!/bin/sh
if [ "$1" = "view" ]; then echo '["7.0.33", "7.7.7"]'; exit 0; fi
echo "$*" >> "$FAKE_NPM_LOG"
if [ -n "$FAKE_NPM_FAIL" ]; then
  echo "npm error code E404" >&2
  echo "npm error 404 Not Found - GET https://registry.example/@kilocode%2fcli-linux-x64 - Not found" >&2
  exit 1
fi
dest=""; prev=""
for a in "$@"; do [ "$prev" = "--pack-destination" ] && dest="$a"; prev="$a"; done
sleep 0.2
cp "$FAKE_NPM_TARBALL" "$dest/kilocode-cli-linux-x64-7.7.7.tgz"
echo '[{"filename":"kilocode-cli-linux-x64-7.7.7.tgz","integrity":"sha512-fake"}]'
`;

describe('kilo binary: platforms', () => {
  it("names Kilo's six Linux packages", () => {
    const names = ['linux-x64', 'linux-arm64', 'linux-x64-musl', 'linux-arm64-musl', 'linux-x64-baseline', 'linux-x64-baseline-musl'];
    for (const name of names) assert.equal(platformName(parsePlatformName(name)!), name);
    assert.equal(parsePlatformName('linux-arm64-baseline'), undefined);
    assert.equal(parsePlatformName('darwin-x64'), undefined);
    assert.equal(platformPackage({ arch: 'arm64', libc: 'musl', baseline: false }), '@kilocode/cli-linux-arm64-musl@7.7.7');
  });

  it('maps Docker and uname architecture names, and refuses others', () => {
    for (const m of ['amd64', 'x86_64']) assert.equal(kiloArch(m), 'x64');
    for (const m of ['arm64', 'aarch64']) assert.equal(kiloArch(m), 'arm64');
    assert.throws(() => kiloArch('s390x'), KiloBinaryError);
  });

  it('picks the build for a probed container: glibc or musl, baseline without AVX2', () => {
    const probe = (text: string) => platformOf(parseProbe(text));
    assert.equal(platformName(probe('machine=x86_64\nlibc=glibc\navx2=yes')), 'linux-x64');
    assert.equal(platformName(probe('machine=x86_64\nlibc=musl\navx2=yes')), 'linux-x64-musl');
    assert.equal(platformName(probe('machine=x86_64\nlibc=glibc\navx2=no')), 'linux-x64-baseline');
    assert.equal(platformName(probe('machine=x86_64\nlibc=glibc')), 'linux-x64', 'unknown CPU flags: the regular build');
    assert.equal(platformName(probe('machine=aarch64\nlibc=musl\navx2=no')), 'linux-arm64-musl', 'no baseline builds for arm64');
    assert.deepEqual(compatiblePlatforms({ arch: 'x64', libc: 'glibc', baseline: false }), ['linux-x64', 'linux-x64-baseline']);
    assert.deepEqual(compatiblePlatforms({ arch: 'x64', libc: 'musl', baseline: true }), ['linux-x64-baseline-musl']);
  });

  it('parses what the mount holds and the HOME to keep', () => {
    const p = parseProbe('machine=x86_64\nlibc=glibc\nmounted=yes\nplatform=linux-x64\nplatform=linux-x64-musl\nrg=no\nhome=/root\nhome_writable=yes\n');
    assert.deepEqual(p, { machine: 'x86_64', libc: 'glibc', avx2: undefined, mounted: true, available: ['linux-x64', 'linux-x64-musl'], ripgrep: false, writableHome: '/root' });
    assert.equal(parseProbe('machine=x86_64\nhome=/nonexistent\n').writableHome, undefined);
  });

  it('the probe script runs under sh and describes this machine', () => {
    const p = parseProbe(execFileSync('sh', ['-c', PROBE_SCRIPT], { encoding: 'utf8' }));
    assert.equal(p.machine, execFileSync('uname', ['-m'], { encoding: 'utf8' }).trim());
    assert.equal(p.libc, existsSync('/lib/ld-musl-x86_64.so.1') || existsSync('/lib/ld-musl-aarch64.so.1') ? 'musl' : 'glibc');
    assert.equal(p.mounted, existsSync(`${KILO_MOUNT}/${KILO_MARKER}`));
  });

  it('keeps the cache outside the repository: XDG_CACHE_HOME, else ~/.cache', () => {
    assert.equal(kiloCacheRoot({ XDG_CACHE_HOME: '/var/cache/me' }), '/var/cache/me/kilobench/kilo');
    assert.match(kiloCacheRoot({}), /\/\.cache\/kilobench\/kilo$/);
    assert.match(kiloCacheRoot({ XDG_CACHE_HOME: 'relative' }), /\/\.cache\/kilobench\/kilo$/, 'a relative XDG path is ignored');
  });
});

describe('kilo binary: fetch and cache', function () {
  this.timeout(30_000);
  let dir: string;
  let npm: string;
  let log: string;
  let env: Record<string, string>;

  before(async () => {
    dir = tempDir('kilobench-kilo-binary-');
    npm = join(dir, 'npm');
    log = join(dir, 'npm.log');
    writeFileSync(npm, FAKE_NPM);
    chmodSync(npm, 0o755);
    writeFileSync(join(dir, 'package.tgz'), await fakePackageTarball());
    env = { FAKE_NPM_LOG: log, FAKE_NPM_TARBALL: join(dir, 'package.tgz') };
  });
  beforeEach(() => rmSync(log, { force: true }));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const npmCalls = () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter(Boolean) : []);

  it('fetches with npm pack, extracts atomically, reports progress, then reuses the cache', async () => {
    const root = join(dir, 'cache-a');
    const progress: KiloFetchProgress[] = [];
    const first = await ensureKiloBinary('linux-x64', { cacheRoot: root, npm, npmEnv: env, onProgress: (p) => progress.push(p) });
    assert.equal(first.fetched, true);
    assert.equal(first.dir, join(root, '7.7.7', 'linux-x64'));
    assert.equal(execFileSync(join(first.dir, 'bin', 'kilo'), { encoding: 'utf8' }).trim(), '7.7.7', 'executable, package/ stripped');
    assert.deepEqual(npmCalls(), ['pack @kilocode/cli-linux-x64@7.7.7 --pack-destination ' + npmCalls()[0]?.split(' ')[3] + ' --json --loglevel error']);
    assert.deepEqual([...new Set(progress.map((p) => p.phase))], ['download', 'extract', 'done']);
    assert.ok(progress.some((p) => p.phase === 'extract' && p.totalBytes && p.bytes === p.totalBytes));
    assert.deepEqual(readdirSync(join(root, '7.7.7')).sort(), [KILO_MARKER, 'linux-x64'], 'no temporary folder left');
    assert.equal(JSON.parse(readFileSync(join(root, '7.7.7', KILO_MARKER), 'utf8')).hostPath, join(root, '7.7.7'));

    const again: KiloFetchProgress[] = [];
    const second = await ensureKiloBinary('linux-x64', { cacheRoot: root, npm, npmEnv: env, onProgress: (p) => again.push(p) });
    assert.equal(second.fetched, false);
    assert.deepEqual(again.map((p) => p.phase), ['cached']);
    assert.equal(npmCalls().length, 1, 'npm is not asked again');
  });

  it('shares one fetch between concurrent callers', async () => {
    const root = join(dir, 'cache-b');
    const results = await Promise.all([1, 2, 3].map(() => ensureKiloBinary('linux-x64', { cacheRoot: root, npm, npmEnv: env })));
    assert.equal(npmCalls().length, 1);
    assert.deepEqual(new Set(results.map((r) => r.dir)).size, 1);
  });

  it('replaces a folder it did not write (no manifest) instead of trusting it', async () => {
    const root = join(dir, 'cache-c');
    await ensureKiloBinary('linux-x64', { cacheRoot: root, npm, npmEnv: env });
    rmSync(join(root, '7.7.7', 'linux-x64', 'kilobench-package.json'));
    const r = await ensureKiloBinary('linux-x64', { cacheRoot: root, npm, npmEnv: env });
    assert.equal(r.fetched, true);
    assert.deepEqual(readdirSync(join(root, '7.7.7')).sort(), [KILO_MARKER, 'linux-x64']);
  });

  it('says clearly when npm cannot fetch the package, and leaves nothing behind', async () => {
    const root = join(dir, 'cache-d');
    await assert.rejects(ensureKiloBinary('linux-arm64-musl', { cacheRoot: root, npm, npmEnv: { ...env, FAKE_NPM_FAIL: '1' } }), (e: Error) => {
      assert.ok(e instanceof KiloBinaryError);
      assert.match(e.message, /cannot fetch @kilocode\/cli-linux-arm64-musl@7\.7\.7 with npm \(exit 1\)/);
      assert.match(e.message, /404 Not Found/);
      assert.match(e.message, /npm config get registry/);
      return true;
    });
    assert.deepEqual(readdirSync(join(root, '7.7.7')), [KILO_MARKER]);
    await assert.rejects(ensureKiloBinary('linux-x64', { cacheRoot: root, npm: join(dir, 'no-such-npm') }), /npm .* is not installed or not on the PATH/);
  });

  it("prepares the engine's architecture and returns the read-only mount", async () => {
    const root = join(dir, 'cache-e');
    const docker = { version: async () => ({ Arch: 'arm64', Os: 'linux' }) } as never;
    const prepared = await prepareKilo({ cacheRoot: root, npm, npmEnv: env, docker, musl: true });
    assert.deepEqual(prepared.binaries.map((b) => b.platform), ['linux-arm64', 'linux-arm64-musl']);
    assert.deepEqual(npmCalls().map((l) => l.split(' ')[1]), ['@kilocode/cli-linux-arm64@7.7.7', '@kilocode/cli-linux-arm64-musl@7.7.7']);
    assert.deepEqual(prepared.mounts, [{ hostPath: join(root, '7.7.7'), containerPath: KILO_MOUNT }]);
    await assert.rejects(prepareKilo({ cacheRoot: root, npm, npmEnv: env, docker: { version: async () => ({ Arch: 'amd64', Os: 'windows' }) } as never }), /Linux containers/);
  });

  it('refuses a version npm does not offer before fetching anything, listing the ones it does', async () => {
    const root = join(dir, 'cache-f');
    const before = npmCalls().length;
    const docker = { version: async () => ({ Arch: 'amd64', Os: 'linux' }) } as never;
    await assert.rejects(prepareKilo({ version: '7.7.8', cacheRoot: root, npm, npmEnv: env, docker }), (e: Error) => {
      assert.ok(e instanceof KiloBinaryError);
      assert.equal(e.message, 'Kilo CLI 7.7.8 is not published on npm (@kilocode/cli-linux-x64); npm offers: 7.0.33, 7.7.7. Pick one with --harness kilo@<version>.');
      return true;
    });
    await assert.rejects(prepareKilo({ version: '6.9.0', cacheRoot: root, npm, npmEnv: env, docker }), /Kilo CLI 6\.9\.0 is older than 7\.0\.33/);
    assert.equal(npmCalls().length, before);
  });
});
