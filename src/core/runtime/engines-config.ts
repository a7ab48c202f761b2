/**
 * The Docker engines a run may use, as the user names them: `--docker-host URL` (repeatable), the
 * editor's `kilobench.dockerHosts`, or an engines file (`--engines FILE`, YAML or JSON):
 *
 *     engines:
 *       - host: unix:///var/run/docker.sock          # this machine
 *         capacity: 4                               # trials at once (default: --concurrency)
 *       - name: build-server
 *         host: tcp://build.example:2376
 *         tlsCertDir: ~/.docker/build               # ca.pem, cert.pem, key.pem (TLS, as docker --tlsverify)
 *         capacity: 8
 *         labels: { arch: amd64, gpu: "true" }
 *       - host: ssh://bench@vm1.example:22           # dockerode's SSH transport (the ssh2 package)
 *         sshKey: ~/.ssh/id_ed25519                  # default: the ssh-agent of SSH_AUTH_SOCK
 *     registry: registry.example:5000                 # optional: task images built once, pushed, pulled by the others
 *
 * Every bad entry is one line naming the file, the entry and the field.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { InputError } from '../errors';
import { checkRegistryHost } from './docker/image-registry';

/** How a trial container reaches the metering proxy on the user's machine. */
export type ModelRoute =
  /** The proxy listens on the run network's gateway itself: the engine runs on this machine. */
  | 'gateway'
  /** An SSH remote forward on the engine's host, at the gateway address, back to the proxy (ssh:// engines). */
  | 'ssh-forward'
  /**
   * A relay container on the run network; this machine connects out to it over the Docker API (an
   * exec stream used as a tunnel) and carries its connections to the proxy (tcp:// engines elsewhere).
   */
  | 'relay';

/** How the harness's host files (the Kilo binary) reach containers. */
export type FilesMode =
  /** Read-only bind mounts of the host's folders: only an engine on this machine sees them. */
  | 'bind'
  /** Copied once per engine into a volume the containers mount read-only. */
  | 'copy';

export interface EngineEntry {
  name: string;
  host: string;
  /** Trials at once; undefined: the run's concurrency. */
  capacity?: number;
  labels: Record<string, string>;
  tlsCertDir?: string;
  sshKey?: string;
  modelRoute: ModelRoute;
  files: FilesMode;
  /** Override what the engine says it offers one container. */
  cpus?: number;
  memoryMb?: number;
}

/** A bad engines file or --docker-host list: the user's input, mapped by the CLI like any other. */
export class EngineConfigError extends InputError {}

const SCHEMES = ['unix:', 'tcp:', 'ssh:', 'http:', 'https:'];
const FIELDS = ['name', 'host', 'capacity', 'labels', 'tlsCertDir', 'sshKey', 'modelRoute', 'files', 'cpus', 'memoryMb'];

function expandHome(path: string): string {
  return path.startsWith('~/') ? resolve(homedir(), path.slice(2)) : resolve(path);
}

/** The short name an engine gets when the user gives none: `local`, `build.example:2376`, `bench@vm1`. */
export function defaultEngineName(host: string): string {
  if (host.startsWith('unix://')) return host === 'unix:///var/run/docker.sock' ? 'local' : `local:${host.slice('unix://'.length).split('/').pop()}`;
  try {
    const url = new URL(host);
    return `${url.username ? `${decodeURIComponent(url.username)}@` : ''}${url.hostname}${url.port ? `:${url.port}` : ''}`;
  } catch {
    return host;
  }
}

/** Check one engine's host URL; the message names `where`. */
export function checkHost(host: string, where: string): string {
  let url: URL;
  try {
    url = new URL(host);
  } catch {
    throw new EngineConfigError(`${where}: "${host}" is not a URL; write unix:///path/docker.sock, tcp://host:2376 or ssh://user@host[:port]`);
  }
  if (!SCHEMES.includes(url.protocol)) throw new EngineConfigError(`${where}: unsupported scheme ${url.protocol} in "${host}"; use unix://, tcp:// or ssh://`);
  if (url.protocol === 'ssh:' && !url.username) throw new EngineConfigError(`${where}: "${host}" names no user; write ssh://user@${url.host}`);
  return host;
}

/** Whether a tcp:// engine is on this machine (its bridge gateways are this machine's addresses). */
function onThisMachine(host: string): boolean {
  try {
    const name = new URL(host).hostname.replace(/^\[|\]$/g, '');
    return name === 'localhost' || name === '::1' || /^127\./.test(name);
  } catch {
    return false;
  }
}

function defaults(host: string): { modelRoute: ModelRoute; files: FilesMode } {
  if (host.startsWith('unix://')) return { modelRoute: 'gateway', files: 'bind' };
  if (host.startsWith('ssh://')) return { modelRoute: 'ssh-forward', files: 'copy' };
  // A tcp:// engine elsewhere: its containers cannot reach this machine, so the relay (connected out from here).
  return { modelRoute: onThisMachine(host) ? 'gateway' : 'relay', files: 'copy' };
}

/** Engines from `--docker-host` values (each its own engine, default capacity). */
export function enginesFromHosts(hosts: readonly string[]): EngineEntry[] {
  const entries = hosts.map((host, i) => {
    checkHost(host, `--docker-host #${i + 1}`);
    return { name: defaultEngineName(host), host, labels: {}, ...defaults(host) };
  });
  return uniqueNames(entries, '--docker-host');
}

function uniqueNames(entries: EngineEntry[], where: string): EngineEntry[] {
  const seen = new Set<string>();
  for (const [i, e] of entries.entries()) {
    if (seen.has(e.name)) throw new EngineConfigError(`${where}: engine #${i + 1} has the name "${e.name}" of an earlier one; give each a distinct name`);
    seen.add(e.name);
  }
  return entries;
}

function positive(value: unknown, where: string, integer: boolean): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new EngineConfigError(`${where}: ${JSON.stringify(value)} is not a ${integer ? 'whole number' : 'number'} above 0`);
  }
  return value;
}

function labelsOf(value: unknown, where: string): Record<string, string> {
  if (value === undefined) return {};
  if (Array.isArray(value)) {
    // `[gpu, arch=arm64]`: a bare word is a flag label.
    return Object.fromEntries(value.map((item, i) => {
      if (typeof item !== 'string' || item === '') throw new EngineConfigError(`${where}[${i}]: write labels as "key=value" or "key"`);
      const [k, ...v] = item.split('=');
      return [k as string, v.length ? v.join('=') : 'true'];
    }));
  }
  if (typeof value !== 'object' || value === null) throw new EngineConfigError(`${where}: write labels as a map (arch: arm64) or a list ("arch=arm64")`);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => {
    if (!['string', 'number', 'boolean'].includes(typeof v)) throw new EngineConfigError(`${where}.${k}: a label's value is a string, not ${JSON.stringify(v)}`);
    return [k, String(v)];
  }));
}

/** An engines file: its engines, and the registry they share task images through (when it names one). */
export interface EnginesFile {
  engines: EngineEntry[];
  registry?: string;
}

/** Parse and check the text of an engines file (`file` names it in errors). */
export function parseEnginesFile(text: string, file: string): EngineEntry[] {
  return parseEnginesConfig(text, file).engines;
}

/** Parse and check the text of an engines file, with its top-level keys (`file` names it in errors). */
export function parseEnginesConfig(text: string, file: string): EnginesFile {
  let doc: unknown;
  try {
    doc = parse(text, { maxAliasCount: 10 });
  } catch (e) {
    throw new EngineConfigError(`${file}: not valid YAML or JSON: ${(e as Error).message.split('\n')[0]}`);
  }
  const list = Array.isArray(doc) ? doc : (doc as { engines?: unknown } | null)?.engines;
  let registry: string | undefined;
  if (!Array.isArray(doc) && typeof doc === 'object' && doc !== null) {
    for (const key of Object.keys(doc)) if (!['engines', 'registry'].includes(key)) throw new EngineConfigError(`${file}: ${key}: unknown key (known: engines, registry)`);
    const value = (doc as { registry?: unknown }).registry;
    if (value !== undefined) {
      if (typeof value !== 'string') throw new EngineConfigError(`${file}: registry: ${JSON.stringify(value)} is not HOST:PORT`);
      registry = checkRegistryHost(value, `${file}: registry`);
    }
  }
  if (!Array.isArray(list) || list.length === 0) throw new EngineConfigError(`${file}: write a list "engines:" with at least one entry such as "- host: unix:///var/run/docker.sock"`);
  const entries = list.map((raw, i): EngineEntry => {
    const where = `${file}: engines[${i}]`;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new EngineConfigError(`${where}: write a map with at least "host: URL"`);
    const o = raw as Record<string, unknown>;
    for (const key of Object.keys(o)) if (!FIELDS.includes(key)) throw new EngineConfigError(`${where}.${key}: unknown field (known: ${FIELDS.join(', ')})`);
    if (typeof o.host !== 'string' || o.host === '') throw new EngineConfigError(`${where}.host: missing; write e.g. "host: ssh://user@vm1"`);
    const host = checkHost(o.host, `${where}.host`);
    const str = (key: string): string | undefined => {
      if (o[key] === undefined) return undefined;
      if (typeof o[key] !== 'string' || o[key] === '') throw new EngineConfigError(`${where}.${key}: ${JSON.stringify(o[key])} is not a non-empty string`);
      return o[key];
    };
    const oneOf = <T extends string>(key: string, allowed: readonly T[]): T | undefined => {
      const v = str(key);
      if (v !== undefined && !allowed.includes(v as T)) throw new EngineConfigError(`${where}.${key}: "${v}" is not one of ${allowed.join(', ')}`);
      return v as T | undefined;
    };
    const tlsCertDir = str('tlsCertDir');
    const sshKey = str('sshKey');
    if (tlsCertDir && !/^(tcp|https):/.test(host)) throw new EngineConfigError(`${where}.tlsCertDir: only a tcp:// engine uses TLS certificates`);
    if (sshKey && !host.startsWith('ssh:')) throw new EngineConfigError(`${where}.sshKey: only an ssh:// engine uses an SSH key`);
    const modelRoute = oneOf('modelRoute', ['gateway', 'ssh-forward', 'relay'] as const);
    if (modelRoute === 'ssh-forward' && !host.startsWith('ssh:')) throw new EngineConfigError(`${where}.modelRoute: ssh-forward needs an ssh:// engine`);
    const files = oneOf('files', ['bind', 'copy'] as const);
    return {
      name: str('name') ?? defaultEngineName(host),
      host,
      labels: labelsOf(o.labels, `${where}.labels`),
      ...defaults(host),
      ...(modelRoute ? { modelRoute } : {}),
      ...(files ? { files } : {}),
      ...(o.capacity !== undefined ? { capacity: positive(o.capacity, `${where}.capacity`, true) } : {}),
      ...(o.cpus !== undefined ? { cpus: positive(o.cpus, `${where}.cpus`, false) } : {}),
      ...(o.memoryMb !== undefined ? { memoryMb: positive(o.memoryMb, `${where}.memoryMb`, true) } : {}),
      ...(tlsCertDir ? { tlsCertDir: expandHome(tlsCertDir) } : {}),
      ...(sshKey ? { sshKey: expandHome(sshKey) } : {}),
    };
  });
  return { engines: uniqueNames(entries, file), ...(registry ? { registry } : {}) };
}

export function readEnginesFile(path: string): EngineEntry[] {
  return readEnginesConfig(path).engines;
}

export function readEnginesConfig(path: string): EnginesFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new EngineConfigError(`--engines ${path}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return parseEnginesConfig(text, path);
}
