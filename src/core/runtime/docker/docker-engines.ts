/**
 * Opens the engines of a run's pool: a DockerRuntime for each entry (with its TLS or SSH
 * credentials and its way of bringing harness files), what each offers one container (from
 * `docker info`, unless the entry says), and for ssh:// engines the SSH forward that brings model
 * traffic back to the metering proxy.
 */
import { InfraError } from '../../errors';
import type { ContainerRuntime, NetworkInfo } from '../container-runtime';
import type { EngineEntry } from '../engines-config';
import { DockerRuntime } from './docker-runtime';
import { SshLink } from './ssh-link';
import type { ImageRegistry } from './image-registry';
import type { RelayHandle } from './model-relay';

/** One opened engine, in the shape the scheduler's `EngineSpec` takes. */
export interface OpenedEngine {
  name: string;
  host: string;
  runtime: ContainerRuntime;
  capacity: number;
  cpus?: number;
  memoryMb?: number;
  arch?: string;
  labels: Record<string, string>;
  listenOn?: (address: string) => Promise<{ url: string; close(): Promise<void> }>;
  /** Its containers reach the proxy through a relay on their network (`modelRoute: relay`), not a gateway listener. */
  relayOn?: (network: NetworkInfo) => Promise<RelayHandle>;
  /** Drop connections the engine holds open (its SSH forward). */
  close(): void;
}

/**
 * Open every engine and ask each what it offers; an engine that does not answer is an error naming
 * it (a run does not start on a pool it cannot see whole). `proxyUrl` is read when traffic arrives.
 */
export async function openEngines(entries: readonly EngineEntry[], defaultCapacity: number, proxyUrl: () => string, options: { registry?: ImageRegistry } = {}): Promise<OpenedEngine[]> {
  return Promise.all(entries.map(async (entry): Promise<OpenedEngine> => {
    const credentials = { ...(entry.tlsCertDir ? { tlsCertDir: entry.tlsCertDir } : {}), ...(entry.sshKey ? { sshKey: entry.sshKey } : {}) };
    // An ssh:// engine is reached through one SSH connection of ours (ssh-link.ts), which also
    // carries its model traffic back when its route is ssh-forward.
    const link = entry.host.startsWith('ssh:') ? new SshLink(new URL(entry.host), credentials, proxyUrl) : undefined;
    const endpoint = link ? await link.dockerEndpoint() : entry.host;
    const runtime = new DockerRuntime(endpoint, { credentials, files: entry.files, displayHost: entry.host, ...(options.registry ? { registry: options.registry } : {}) });
    let offered: { cpus: number; memoryMb: number; arch: string };
    try {
      await runtime.ping();
      offered = await runtime.resources();
    } catch (e) {
      link?.end();
      throw new InfraError(engineError(entry, e));
    }
    const forward = entry.modelRoute === 'ssh-forward' ? link : undefined;
    return {
      name: entry.name, host: entry.host, runtime, labels: { ...entry.labels },
      capacity: entry.capacity ?? defaultCapacity,
      cpus: entry.cpus ?? offered.cpus,
      memoryMb: entry.memoryMb ?? offered.memoryMb,
      ...(offered.arch ? { arch: offered.arch } : {}),
      ...(forward ? { listenOn: (address: string) => forward.listenOn(address) } : {}),
      ...(entry.modelRoute === 'relay' ? { relayOn: (network: NetworkInfo) => runtime.openRelay(network, proxyUrl) } : {}),
      close: () => link?.end(),
    };
  }));
}

/** Why an engine did not answer, in one line; a TLS failure names the engine's `tlsCertDir` and what it must hold. */
export function engineError(entry: Pick<EngineEntry, 'name' | 'host' | 'tlsCertDir'>, error: unknown): string {
  const message = (error as Error).message;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const tls = /certificate|SSL|TLS|self[- ]signed|handshake|alert|EPROTO/i.test(`${message} ${cause?.code ?? ''} ${cause?.message ?? ''}`);
  if (entry.tlsCertDir && tls) {
    return `engine ${entry.name} (${entry.host}): the TLS handshake failed (${cause?.message ?? message}); check tlsCertDir ${entry.tlsCertDir}: its ca.pem must be the CA that signed the engine's certificate, and cert.pem / key.pem a client certificate that the engine's CA signed`;
  }
  return `engine ${entry.name} (${entry.host}): ${message}`;
}
