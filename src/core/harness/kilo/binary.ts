/**
 * The Kilo CLI binary, kept on the host and mounted read-only into every trial container, so the
 * container needs no network to install it and the extension package carries no 170 MB binary.
 *
 * Layout of the cache (outside any repository):
 *
 *     $XDG_CACHE_HOME/kilobench/kilo/            (or ~/.cache/kilobench/kilo/)
 *       7.7.7/                                   mounted at KILO_MOUNT (/opt/kilobench/kilo)
 *         kilobench-kilo.json                    marker: this folder's host path and version
 *         linux-x64/                             one platform package, extracted
 *           bin/kilo  bin/bwrap  …
 *           kilobench-package.json               package, integrity, fetch time
 *         linux-x64-musl/  linux-arm64/  …       fetched when a container needs them
 *
 * A platform package (`@kilocode/cli-linux-x64@7.7.7`) is fetched with `npm pack` (the user's npm,
 * registry and proxy settings), extracted into a temporary folder beside its final place and renamed
 * into place, so a half-extracted package is never used and concurrent fetches do not collide.
 */
import { createReadStream, existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';
import Docker from 'dockerode';
import { extract } from 'tar-fs';
import { InfraError } from '../../errors';
import { dockerOptions, resolveDockerHost } from '../../runtime/docker/docker-host';
import { compareVersions, versionMatches } from '../harness-spec';
import { kiloVersionRefusal } from './versions';

/**
 * The Kilo CLI release `--harness kilo` runs (the README names it); `kilo@<version>` picks another.
 * Every version lives in its own cache folder, so several can be used side by side.
 */
export const KILO_VERSION = '7.7.7';
/** The package whose published versions say which Kilo releases exist (every release ships it). */
export const KILO_VERSIONS_PACKAGE = '@kilocode/cli-linux-x64';
/** Where the version folder of the cache is mounted in trial containers. */
export const KILO_MOUNT = '/opt/kilobench/kilo';
/** Marker file in the version folder; its presence in a container proves the mount is there. */
export const KILO_MARKER = 'kilobench-kilo.json';
const PACKAGE_MANIFEST = 'kilobench-package.json';

export type KiloArch = 'x64' | 'arm64';
export type KiloLibc = 'glibc' | 'musl';

/** A Linux platform Kilo ships a package for. `baseline` builds run on x64 CPUs without AVX2. */
export interface KiloPlatform {
  arch: KiloArch;
  libc: KiloLibc;
  baseline: boolean;
}

/** Fetch or extraction failed; the message says what to check. */
export class KiloBinaryError extends InfraError {}

/** `linux-x64`, `linux-arm64-musl`, `linux-x64-baseline-musl`, … as in Kilo's package names. */
export function platformName(p: KiloPlatform): string {
  return `linux-${p.arch}${p.baseline && p.arch === 'x64' ? '-baseline' : ''}${p.libc === 'musl' ? '-musl' : ''}`;
}

export function parsePlatformName(name: string): KiloPlatform | undefined {
  const m = /^linux-(x64|arm64)(-baseline)?(-musl)?$/.exec(name);
  if (!m || (m[2] && m[1] !== 'x64')) return undefined;
  return { arch: m[1] as KiloArch, baseline: Boolean(m[2]), libc: m[3] ? 'musl' : 'glibc' };
}

/** `@kilocode/cli-linux-x64@7.7.7`. */
export function platformPackage(p: KiloPlatform, version = KILO_VERSION): string {
  return `@kilocode/cli-${platformName(p)}@${version}`;
}

/** Docker's and uname's names for a CPU architecture, as Kilo names it. */
export function kiloArch(machine: string): KiloArch {
  const m = machine.trim().toLowerCase();
  if (m === 'amd64' || m === 'x86_64' || m === 'x64') return 'x64';
  if (m === 'arm64' || m === 'aarch64' || m === 'arm64/v8') return 'arm64';
  throw new KiloBinaryError(`the Kilo CLI has no Linux build for the ${machine || 'unknown'} architecture (only x64 and arm64)`);
}

/**
 * What a trial container is, in one `sh` call: its CPU architecture, whether its C library is musl
 * (Alpine and friends) and whether the CPU has AVX2, plus what the Kilo mount holds.
 */
export const PROBE_SCRIPT = [
  'echo "machine=$(uname -m)"',
  'if ls /lib/ld-musl-* >/dev/null 2>&1 || (ldd --version 2>&1 | grep -qi musl); then echo libc=musl; else echo libc=glibc; fi',
  'if [ -r /proc/cpuinfo ]; then if grep -qw avx2 /proc/cpuinfo; then echo avx2=yes; else echo avx2=no; fi; fi',
  `if [ -r ${KILO_MOUNT}/${KILO_MARKER} ]; then echo mounted=yes; for d in ${KILO_MOUNT}/linux-*; do [ -x "$d/bin/kilo" ] && echo "platform=\${d##*/}"; done; else echo mounted=no; fi`,
  'command -v rg >/dev/null 2>&1 && echo rg=yes || echo rg=no',
  'echo "home=$HOME"; if [ -n "$HOME" ] && [ -d "$HOME" ] && [ -w "$HOME" ]; then echo home_writable=yes; fi',
].join('\n');

export interface ContainerProbe {
  machine: string;
  libc: KiloLibc;
  /** Undefined when /proc/cpuinfo could not be read. */
  avx2: boolean | undefined;
  /** The Kilo cache is mounted at KILO_MOUNT. */
  mounted: boolean;
  /** Platform folders in the mount that hold an executable bin/kilo. */
  available: string[];
  /** The image has ripgrep on its PATH. */
  ripgrep: boolean;
  /** The container user's HOME, when it is set, exists and is writable. */
  writableHome: string | undefined;
}

export function parseProbe(stdout: string): ContainerProbe {
  const values = new Map<string, string[]>();
  for (const line of stdout.split('\n')) {
    const m = /^(\w+)=(.*)$/.exec(line.trim());
    if (m) values.set(m[1] as string, [...(values.get(m[1] as string) ?? []), (m[2] as string).trim()]);
  }
  const one = (key: string) => values.get(key)?.[0];
  return {
    machine: one('machine') ?? '',
    libc: one('libc') === 'musl' ? 'musl' : 'glibc',
    avx2: one('avx2') === undefined ? undefined : one('avx2') === 'yes',
    mounted: one('mounted') === 'yes',
    available: values.get('platform') ?? [],
    ripgrep: one('rg') === 'yes',
    writableHome: one('home_writable') === 'yes' && one('home') ? one('home') : undefined,
  };
}

/** The platform package a probed container needs (baseline on x64 CPUs known to lack AVX2). */
export function platformOf(probe: Pick<ContainerProbe, 'machine' | 'libc' | 'avx2'>): KiloPlatform {
  const arch = kiloArch(probe.machine);
  return { arch, libc: probe.libc, baseline: arch === 'x64' && probe.avx2 === false };
}

/** Platform folders that can run in such a container, best first (a baseline build runs on any x64 CPU). */
export function compatiblePlatforms(p: KiloPlatform): string[] {
  if (p.arch === 'x64' && !p.baseline) return [platformName(p), platformName({ ...p, baseline: true })];
  return [platformName(p)];
}

/** `$XDG_CACHE_HOME/kilobench/kilo`, else `~/.cache/kilobench/kilo`. */
export function kiloCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME.startsWith('/') ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
  return join(base, 'kilobench', 'kilo');
}

export type KiloFetchPhase = 'cached' | 'download' | 'extract' | 'done';

export interface KiloFetchProgress {
  phase: KiloFetchPhase;
  /** `@kilocode/cli-linux-x64@7.7.7` */
  package: string;
  platform: string;
  /** Bytes downloaded (download) or read from the tarball (extract) so far. */
  bytes?: number;
  /** The tarball's size, once known (extract). */
  totalBytes?: number;
  elapsedMs: number;
}

export interface KiloBinary {
  version: string;
  platform: string;
  /** Host folder of the extracted package (holds bin/kilo). */
  dir: string;
  /** False when it came from the cache. */
  fetched: boolean;
  /** Time this call took. */
  ms: number;
}

export interface EnsureOptions {
  version?: string;
  /** Cache root (default kiloCacheRoot()). */
  cacheRoot?: string;
  onProgress?: (progress: KiloFetchProgress) => void;
  signal?: AbortSignal;
  /** The npm executable (default `npm`). */
  npm?: string;
  /** Extra environment for npm (e.g. `npm_config_cache` in tests). */
  npmEnv?: Record<string, string>;
}

interface PackageManifest {
  package: string;
  platform: string;
  version: string;
  integrity: string | null;
  tarballBytes: number;
  fetchedAt: string;
}

async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** An extracted package folder is usable: written by us (manifest) and holding an executable kilo. */
async function usable(dir: string, platform: string, version: string): Promise<boolean> {
  const manifest = await readJson<PackageManifest>(join(dir, PACKAGE_MANIFEST));
  if (!manifest || manifest.platform !== platform || manifest.version !== version) return false;
  const s = await stat(join(dir, 'bin', 'kilo')).catch(() => undefined);
  return Boolean(s?.isFile() && (s.mode & 0o111) !== 0);
}

/** The version folder, with the marker the harness looks for inside containers. */
export async function ensureVersionDir(cacheRoot: string, version: string): Promise<string> {
  const dir = join(cacheRoot, version);
  await mkdir(dir, { recursive: true });
  const marker = join(dir, KILO_MARKER);
  const current = await readJson<{ hostPath?: string; version?: string }>(marker);
  if (current?.hostPath !== dir || current.version !== version) {
    const tmp = `${marker}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify({ hostPath: dir, version }, null, 2) + '\n');
    await rename(tmp, marker);
  }
  return dir;
}

function tail(text: string, lines = 12): string {
  return text.trim().split('\n').slice(-lines).join('\n');
}

/** Size of the one file npm is writing into `dir`, for download progress. */
async function bytesIn(dir: string): Promise<number> {
  let total = 0;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    total += (await stat(join(dir, name)).catch(() => undefined))?.size ?? 0;
  }
  return total;
}

async function npmPack(spec: string, dest: string, options: EnsureOptions, onBytes: (bytes: number) => void): Promise<{ file: string; integrity: string | null }> {
  const { execa } = await import('execa');
  const npm = options.npm ?? 'npm';
  const poll = setInterval(() => void bytesIn(dest).then(onBytes), 500);
  try {
    const result = await execa(npm, ['pack', spec, '--pack-destination', dest, '--json', '--loglevel', 'error'], {
      cwd: dest,
      env: { npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false', ...options.npmEnv },
      reject: false,
      ...(options.signal ? { cancelSignal: options.signal } : {}),
      stdin: 'ignore',
    });
    if (options.signal?.aborted) throw new KiloBinaryError(`fetching ${spec} was cancelled`);
    const failure = result as { code?: string; exitCode?: number; failed: boolean; stderr?: unknown; stdout?: unknown; shortMessage?: string };
    if (failure.failed && failure.exitCode === undefined) {
      throw new KiloBinaryError(failure.code === 'ENOENT'
        ? `cannot fetch ${spec}: npm ("${npm}") is not installed or not on the PATH. Install Node.js with npm, then run again.`
        : `cannot fetch ${spec}: npm did not start: ${failure.shortMessage ?? failure.code ?? 'unknown error'}`);
    }
    if (failure.failed || failure.exitCode !== 0) {
      const detail = tail(String(failure.stderr ?? '') || String(failure.stdout ?? '') || String(failure.shortMessage ?? ''));
      const reason = detail.split('\n').filter((l) => /error|ERR!|E\d{3}|ENOTFOUND|ETIMEDOUT|ECONN|EAI_AGAIN/i.test(l)).slice(-3).join(' / ');
      throw new KiloBinaryError(
        `cannot fetch ${spec} with npm (exit ${failure.exitCode ?? '?'})${reason ? `: ${reason}` : ''}. ` +
          'Check that npm can reach its registry (`npm config get registry`, proxy settings) and that the package exists for this platform.',
        detail,
      );
    }
    let entries: { integrity?: string }[] = [];
    try {
      entries = JSON.parse(String(result.stdout)) as typeof entries;
    } catch {
      // Older npm versions print only the file name.
    }
    // The destination folder is ours and was empty: the tarball is the one .tgz in it.
    const file = (await readdir(dest)).find((n) => n.endsWith('.tgz'));
    if (!file) throw new KiloBinaryError(`npm pack ${spec} finished but left no tarball in ${dest}`, tail(String(result.stdout ?? '')));
    return { file: join(dest, file), integrity: entries[0]?.integrity ?? null };
  } finally {
    clearInterval(poll);
  }
}

async function extractTarball(tarball: string, into: string, onBytes: (read: number, total: number) => void): Promise<void> {
  const total = (await stat(tarball)).size;
  let read = 0;
  let lastReport = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      read += chunk.length;
      if (read - lastReport > 4 * 1024 * 1024 || read === total) {
        lastReport = read;
        onBytes(read, total);
      }
      done(null, chunk);
    },
  });
  // npm tarballs hold everything under `package/`.
  await pipeline(createReadStream(tarball), counter, createGunzip(), extract(into, { strip: 1, readable: true }));
  onBytes(total, total);
}

/**
 * A freshly fetched build that can run on this machine (Linux, same CPU and C library) must print
 * the version asked for; every trial checks it again inside its container (harness.ts).
 */
async function verifyOnHost(kilo: string, platform: KiloPlatform, version: string, spec: string, work: string): Promise<void> {
  const hostArch = process.arch === 'x64' ? 'x64' : process.arch === 'arm64' ? 'arm64' : undefined;
  const glibc = Boolean((process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header?.glibcVersionRuntime);
  if (process.platform !== 'linux' || platform.arch !== hostArch || platform.libc !== (glibc ? 'glibc' : 'musl') || platform.baseline) return;
  const { execa } = await import('execa');
  const home = join(work, 'home');
  await mkdir(home, { recursive: true });
  const result = await execa(kilo, ['--version'], {
    env: { HOME: home, XDG_CONFIG_HOME: home, XDG_DATA_HOME: home, XDG_CACHE_HOME: home, XDG_STATE_HOME: home, KILO_DISABLE_AUTOUPDATE: '1', KILO_TELEMETRY_LEVEL: 'off' },
    extendEnv: false, reject: false, timeout: 120_000, stdin: 'ignore',
  });
  // A build that does not start here says nothing about containers; one that prints another version is wrong.
  if (result.exitCode !== 0) return;
  const printed = String(result.stdout).trim().split('\n').pop()?.trim() ?? '';
  if (!versionMatches(version, printed)) throw new KiloBinaryError(`${spec} printed "${printed}" for --version, not ${version}: the registry served another release`);
}

const inFlight = new Map<string, Promise<KiloBinary>>();

/**
 * The extracted platform package, from the cache or fetched now. Concurrent calls in this process
 * share one fetch; concurrent processes each extract into their own temporary folder and the first
 * rename wins.
 */
export function ensureKiloBinary(platform: KiloPlatform | string, options: EnsureOptions = {}): Promise<KiloBinary> {
  const name = typeof platform === 'string' ? platform : platformName(platform);
  const parsed = parsePlatformName(name);
  if (!parsed) return Promise.reject(new KiloBinaryError(`"${name}" is not a Kilo platform (linux-x64, linux-arm64, -musl, -baseline)`));
  const version = options.version ?? KILO_VERSION;
  const root = options.cacheRoot ?? kiloCacheRoot();
  const key = `${root}\n${version}\n${name}`;
  let pending = inFlight.get(key);
  if (!pending) {
    pending = fetchOnce(parsed, name, version, root, options).finally(() => inFlight.delete(key));
    inFlight.set(key, pending);
  }
  return pending;
}

async function fetchOnce(platform: KiloPlatform, name: string, version: string, root: string, options: EnsureOptions): Promise<KiloBinary> {
  const started = Date.now();
  const spec = platformPackage(platform, version);
  const report = (phase: KiloFetchPhase, extra: { bytes?: number; totalBytes?: number } = {}) =>
    options.onProgress?.({ phase, package: spec, platform: name, ...extra, elapsedMs: Date.now() - started });
  const versionDir = await ensureVersionDir(root, version);
  const dir = join(versionDir, name);
  if (await usable(dir, name, version)) {
    report('cached');
    return { version, platform: name, dir, fetched: false, ms: Date.now() - started };
  }
  // A folder that is not ours (or a broken one) is moved aside, never used.
  if (existsSync(dir)) await rename(dir, `${dir}.stale-${process.pid}-${Date.now()}`).catch(() => undefined);

  const work = await mkdtemp(join(versionDir, `.fetch-${name}-`));
  try {
    const download = join(work, 'download');
    const unpacked = join(work, 'package');
    await mkdir(download);
    report('download', { bytes: 0 });
    const { file, integrity } = await npmPack(spec, download, options, (bytes) => report('download', { bytes }));
    const tarballBytes = (await stat(file)).size;
    report('extract', { bytes: 0, totalBytes: tarballBytes });
    await extractTarball(file, unpacked, (bytes, totalBytes) => report('extract', { bytes, totalBytes }));
    const kilo = join(unpacked, 'bin', 'kilo');
    if (!existsSync(kilo)) throw new KiloBinaryError(`${spec} holds no bin/kilo: not a Kilo platform package?`);
    await chmod(kilo, 0o755);
    await verifyOnHost(kilo, platform, version, spec, work);
    const manifest: PackageManifest = { package: spec, platform: name, version, integrity, tarballBytes, fetchedAt: new Date().toISOString() };
    await writeFile(join(unpacked, PACKAGE_MANIFEST), JSON.stringify(manifest, null, 2) + '\n');
    try {
      await rename(unpacked, dir);
    } catch (e) {
      // Another process finished first: use its copy.
      if (!(await usable(dir, name, version))) throw new KiloBinaryError(`cannot move ${spec} into ${dir}: ${(e as Error).message}`);
    }
    report('done', { bytes: tarballBytes, totalBytes: tarballBytes });
    return { version, platform: name, dir, fetched: true, ms: Date.now() - started };
  } finally {
    await rm(work, { recursive: true, force: true }).catch(() => undefined);
    // Folders moved aside above.
    for (const entry of await readdir(versionDir).catch(() => [] as string[])) {
      if (entry.startsWith(`${name}.stale-`)) await rm(join(versionDir, entry), { recursive: true, force: true }).catch(() => undefined);
    }
  }
}

/** Versions with an extracted build in the cache, in release order (for the editor's harness picker). */
export async function installedKiloVersions(cacheRoot = kiloCacheRoot()): Promise<string[]> {
  const versions: string[] = [];
  for (const entry of await readdir(cacheRoot).catch(() => [] as string[])) {
    if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(entry)) continue;
    const platforms = await readdir(join(cacheRoot, entry)).catch(() => [] as string[]);
    for (const platform of platforms.filter((p) => parsePlatformName(p))) {
      if (await usable(join(cacheRoot, entry, platform), platform, entry)) {
        versions.push(entry);
        break;
      }
    }
  }
  return versions.sort(compareVersions);
}

/** The Kilo releases npm offers (`npm view @kilocode/cli-linux-x64 versions --json`), in release order. */
export async function publishedKiloVersions(options: Pick<EnsureOptions, 'npm' | 'npmEnv' | 'signal'> = {}): Promise<string[]> {
  const { execa } = await import('execa');
  const npm = options.npm ?? 'npm';
  const result = await execa(npm, ['view', KILO_VERSIONS_PACKAGE, 'versions', '--json', '--loglevel', 'error'], {
    env: { npm_config_update_notifier: 'false', ...options.npmEnv },
    reject: false,
    stdin: 'ignore',
    timeout: 120_000,
    ...(options.signal ? { cancelSignal: options.signal } : {}),
  });
  if (result.failed || result.exitCode !== 0) {
    const detail = tail(String(result.stderr ?? '') || String(result.stdout ?? '') || String((result as { shortMessage?: string }).shortMessage ?? ''), 3);
    throw new KiloBinaryError(`cannot ask npm which Kilo CLI versions exist (npm view ${KILO_VERSIONS_PACKAGE} versions): ${detail.replace(/\n/g, ' / ') || `exit ${result.exitCode}`}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(String(result.stdout));
  } catch {
    throw new KiloBinaryError(`npm view ${KILO_VERSIONS_PACKAGE} versions printed no JSON: ${tail(String(result.stdout), 2)}`);
  }
  const list = (Array.isArray(parsed) ? parsed : [parsed]).filter((v): v is string => typeof v === 'string');
  return list.sort(compareVersions);
}

/**
 * Before any trial: the version must be one KiloBench can drive (kilo-versions.ts) and one npm
 * offers (or already be in the cache). An unknown one fails here with the list npm offers.
 */
export async function checkKiloVersion(version: string, options: Pick<EnsureOptions, 'npm' | 'npmEnv' | 'signal' | 'cacheRoot'> = {}): Promise<void> {
  const refusal = kiloVersionRefusal(version);
  if (refusal) throw new KiloBinaryError(refusal);
  if ((await installedKiloVersions(options.cacheRoot ?? kiloCacheRoot())).includes(version)) return;
  // When npm cannot say (offline, a mirror without package documents), the fetch itself will tell.
  const offered = await publishedKiloVersions(options).catch(() => [] as string[]);
  if (offered.length > 0 && !offered.includes(version)) {
    throw new KiloBinaryError(`Kilo CLI ${version} is not published on npm (${KILO_VERSIONS_PACKAGE}); npm offers: ${offered.join(', ')}. Pick one with --harness kilo@<version>.`);
  }
}

/** What a Docker engine is, as far as choosing a Kilo build goes. */
export interface EngineInfo {
  arch: KiloArch;
  /** `linux` for Linux containers (Docker Desktop in Windows-container mode reports `windows`). */
  os: string;
}

export async function engineInfo(docker?: Pick<Docker, 'version'>, dockerHost?: string): Promise<EngineInfo> {
  const client = docker ?? new Docker(dockerOptions(resolveDockerHost(dockerHost)));
  let version: { Arch?: string; Os?: string };
  try {
    version = await client.version();
  } catch (e) {
    throw new InfraError(`cannot ask the Docker engine for its architecture: ${(e as Error).message}`);
  }
  return { arch: kiloArch(version.Arch ?? ''), os: (version.Os ?? 'linux').toLowerCase() };
}

export interface PrepareKiloOptions extends EnsureOptions {
  /** Platforms to fetch now; default: the engine's architecture with glibc (what most task images use). */
  platforms?: (KiloPlatform | string)[];
  /** Also fetch the musl build (for Alpine-based task images), when `platforms` is not given. */
  musl?: boolean;
  /** The engine to ask for its architecture (default: DOCKER_HOST / the default socket). */
  docker?: Pick<Docker, 'version'>;
  dockerHost?: string;
}

export interface PreparedKilo {
  version: string;
  /** The host folder mounted into containers. */
  hostDir: string;
  /** For `SchedulerDeps.harnessMounts` / `TrialSpec.readOnlyMounts`. */
  mounts: { hostPath: string; containerPath: string }[];
  binaries: KiloBinary[];
}

/**
 * Before a run: fetch (or find in the cache) the Kilo builds the engine's containers need and return
 * the read-only mount for them. A container whose platform was not fetched here (an Alpine image on
 * a run prepared for glibc) gets its build fetched by the harness when its trial starts.
 */
export async function prepareKilo(options: PrepareKiloOptions = {}): Promise<PreparedKilo> {
  const version = options.version ?? KILO_VERSION;
  const root = options.cacheRoot ?? kiloCacheRoot();
  await checkKiloVersion(version, { ...options, cacheRoot: root });
  let platforms = options.platforms;
  if (!platforms) {
    const engine = await engineInfo(options.docker, options.dockerHost);
    if (engine.os !== 'linux') throw new KiloBinaryError(`the Docker engine runs ${engine.os} containers; the Kilo harness needs Linux containers`);
    platforms = [{ arch: engine.arch, libc: 'glibc', baseline: false }];
    if (options.musl) platforms.push({ arch: engine.arch, libc: 'musl', baseline: false });
  }
  const binaries: KiloBinary[] = [];
  for (const p of platforms) binaries.push(await ensureKiloBinary(p, { ...options, version, cacheRoot: root }));
  const hostDir = await ensureVersionDir(root, version);
  return { version, hostDir, mounts: [{ hostPath: hostDir, containerPath: KILO_MOUNT }], binaries };
}

/** Path of the kilo executable inside a container, for a platform folder. */
export function containerBinary(platform: string): string {
  return `${KILO_MOUNT}/${platform}/bin/kilo`;
}
