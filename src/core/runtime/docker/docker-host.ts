/**
 * Where the Docker engine is: an explicit host (the `kilobench.dockerHost` setting or `--docker-host`),
 * else DOCKER_HOST (docker-modem reads it), else the default socket. unix://, tcp:// and ssh:// work.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { InfraError } from '../../errors';

/** The private engine `.ci/docker-engine.sh` starts on machines without a system Docker. */
export const KILOBENCH_ENGINE_SOCKET = '/var/run/kilobench/docker.sock';

/** Explicit host, else DOCKER_HOST, else the system socket, else KiloBench's private engine. */
export function resolveDockerHost(explicit?: string): string | undefined {
  if (explicit) return explicit;
  if (process.env.DOCKER_HOST) return process.env.DOCKER_HOST;
  if (!existsSync('/var/run/docker.sock') && existsSync(KILOBENCH_ENGINE_SOCKET)) return `unix://${KILOBENCH_ENGINE_SOCKET}`;
  return undefined;
}

/** How to authenticate to one engine, beyond its URL. */
export interface EngineCredentials {
  /** Folder with ca.pem, cert.pem and key.pem (as `docker --tlsverify`): a tcp:// engine speaks TLS. */
  tlsCertDir?: string;
  /** Private key file for an ssh:// engine; default: the ssh-agent of SSH_AUTH_SOCK. */
  sshKey?: string;
}

function readCredential(dir: string, file: string): Buffer {
  try {
    return readFileSync(join(dir, file));
  } catch (e) {
    throw new InfraError(`TLS certificate folder ${dir}: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); it needs ca.pem, cert.pem and key.pem`);
  }
}

/** The ssh2 connection settings of an ssh:// engine (also used for its model-traffic forward). */
export function sshConnectOptions(url: URL, credentials: EngineCredentials = {}): { host: string; port: number; username: string; agent?: string; privateKey?: Buffer } {
  let privateKey: Buffer | undefined;
  if (credentials.sshKey) {
    try {
      privateKey = readFileSync(credentials.sshKey);
    } catch (e) {
      throw new InfraError(`SSH key ${credentials.sshKey}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  }
  return {
    host: url.hostname,
    port: Number(url.port || 22),
    username: decodeURIComponent(url.username),
    ...(privateKey ? { privateKey } : process.env.SSH_AUTH_SOCK ? { agent: process.env.SSH_AUTH_SOCK } : {}),
  };
}

export function dockerOptions(host: string | undefined, credentials: EngineCredentials = {}): Docker.DockerOptions {
  if (!host) return {};
  if (host.startsWith('unix://')) return { socketPath: host.slice('unix://'.length) };
  let url: URL;
  try {
    url = new URL(host);
  } catch {
    throw new InfraError(`Docker host "${host}" is not a URL such as unix:///var/run/docker.sock, tcp://host:2376 or ssh://user@host`);
  }
  if (url.protocol === 'tcp:' || url.protocol === 'http:' || url.protocol === 'https:') {
    const port = Number(url.port || 2375);
    if (credentials.tlsCertDir) {
      const dir = credentials.tlsCertDir;
      return { host: url.hostname, port, protocol: 'https', ca: readCredential(dir, 'ca.pem'), cert: readCredential(dir, 'cert.pem'), key: readCredential(dir, 'key.pem') };
    }
    const tls = url.protocol === 'https:' || port === 2376 || Boolean(process.env.DOCKER_TLS_VERIFY);
    return { host: url.hostname, port, protocol: tls ? 'https' : 'http' };
  }
  if (url.protocol === 'ssh:') {
    const ssh = sshConnectOptions(url, credentials);
    return {
      protocol: 'ssh',
      host: ssh.host,
      port: ssh.port,
      username: ssh.username || undefined,
      sshOptions: { ...(ssh.agent ? { agent: ssh.agent } : {}), ...(ssh.privateKey ? { privateKey: ssh.privateKey } : {}) },
    } as Docker.DockerOptions;
  }
  throw new InfraError(`Docker host "${host}": unsupported scheme ${url.protocol} (use unix://, tcp:// or ssh://)`);
}

/** The host as the user would recognise it in messages. */
export function describeHost(host: string | undefined): string {
  return host || process.env.DOCKER_HOST || 'unix:///var/run/docker.sock';
}
