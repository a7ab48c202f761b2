/**
 * Where the Docker engine is: an explicit host (the `kilobench.dockerHost` setting or `--docker-host`),
 * else DOCKER_HOST (docker-modem reads it), else the default socket. unix://, tcp:// and ssh:// work.
 */
import { existsSync } from 'node:fs';
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

export function dockerOptions(host: string | undefined): Docker.DockerOptions {
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
    const tls = url.protocol === 'https:' || port === 2376 || Boolean(process.env.DOCKER_TLS_VERIFY);
    return { host: url.hostname, port, protocol: tls ? 'https' : 'http' };
  }
  if (url.protocol === 'ssh:') {
    return {
      protocol: 'ssh',
      host: url.hostname,
      port: Number(url.port || 22),
      username: decodeURIComponent(url.username) || undefined,
      sshOptions: { agent: process.env.SSH_AUTH_SOCK },
    } as Docker.DockerOptions;
  }
  throw new InfraError(`Docker host "${host}": unsupported scheme ${url.protocol} (use unix://, tcp:// or ssh://)`);
}

/** The host as the user would recognise it in messages. */
export function describeHost(host: string | undefined): string {
  return host || process.env.DOCKER_HOST || 'unix:///var/run/docker.sock';
}
