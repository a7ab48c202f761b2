/**
 * One SSH connection to an ssh:// engine's host, carrying both directions KiloBench needs:
 *
 * - Docker API calls: a loopback listener on this machine; each connection to it becomes an SSH
 *   channel running `docker system dial-stdio` on the engine's host (what `docker -H ssh://…` does),
 *   so dockerode talks plain HTTP to 127.0.0.1:PORT. docker-modem's own ssh transport is not used:
 *   it shares one ssh2 client between concurrent requests (socket hang-ups: apocas/docker-modem#128)
 *   and throws a connection error out of the process (apocas/dockerode#764), where a lost engine
 *   must be an error the pool handles.
 * - Model traffic back: an SSH remote forward (`ssh -R ADDRESS:PORT:127.0.0.1:PROXY`) at the run
 *   network's gateway address on the engine's host, which its containers reach; each forwarded
 *   connection arrives over SSH and is piped to the metering proxy's loopback port. Keys never leave
 *   this machine: containers hold only their trial token, and the proxy adds the key.
 *
 * The engine's host needs the `docker` CLI, and its sshd must allow TCP forwarding and let a client
 * bind a non-loopback address (`GatewayPorts clientspecified`). A dropped connection is reopened on
 * the next use.
 */
import { createServer, connect as tcpConnect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Client } from 'ssh2';
import { InfraError } from '../../errors';
import { sshConnectOptions, type EngineCredentials } from './docker-host';

export class SshLink {
  private client: Promise<Client> | undefined;
  private server: Server | undefined;
  private readonly forwards = new Set<string>();
  private readonly sockets = new Set<Socket>();

  /** `engine`: the ssh:// URL; `proxyUrl`: the metering proxy on this machine's loopback. */
  constructor(private readonly engine: URL, private readonly credentials: EngineCredentials, private readonly proxyUrl: () => string) {}

  /** `tcp://127.0.0.1:PORT`: the engine's Docker API, through the SSH connection. */
  async dockerEndpoint(): Promise<string> {
    if (!this.server) {
      const server = createServer((socket) => void this.bridge(socket));
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve());
      });
      this.server = server;
    }
    return `tcp://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private async bridge(socket: Socket): Promise<void> {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    try {
      const client = await this.connect();
      client.exec('docker system dial-stdio', (err, channel) => {
        if (err) return socket.destroy();
        channel.on('error', () => socket.destroy());
        channel.on('close', () => socket.destroy());
        socket.on('close', () => channel.destroy());
        socket.pipe(channel).pipe(socket);
      });
    } catch {
      socket.destroy();
    }
  }

  /** Listen on `address` (a gateway on the engine's host) and bring each connection to the proxy. */
  async listenOn(address: string): Promise<{ url: string; close(): Promise<void> }> {
    const client = await this.connect();
    const port = await new Promise<number>((resolve, reject) => {
      client.forwardIn(address, 0, (err, bound) => (err
        ? reject(new InfraError(`the SSH server of ${this.engine.host} refused to forward ${address} back to the metering proxy (${err.message}); set "GatewayPorts clientspecified" and "AllowTcpForwarding yes" in its sshd_config`))
        : resolve(bound)));
    });
    const key = `${address}:${port}`;
    this.forwards.add(key);
    return {
      url: `http://${address}:${port}`,
      close: async () => {
        if (!this.forwards.delete(key)) return;
        await new Promise<void>((resolve) => {
          try {
            if (!client.unforwardIn(address, port, () => resolve())) resolve();
          } catch {
            resolve();
          }
        });
      },
    };
  }

  /** Close the listener and the SSH connection. */
  end(): void {
    this.server?.close();
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    const pending = this.client;
    this.client = undefined;
    this.forwards.clear();
    void pending?.then((c) => c.end(), () => undefined);
  }

  private connect(): Promise<Client> {
    if (this.client) return this.client;
    const options = sshConnectOptions(this.engine, this.credentials);
    const pending: Promise<Client> = new Promise<Client>((resolve, reject) => {
      const client = new Client();
      client.on('ready', () => resolve(client));
      client.on('error', (e) => {
        if (this.client === pending) this.client = undefined;
        reject(new InfraError(`cannot reach ${this.engine.host} over SSH: ${e.message}`));
      });
      client.on('close', () => {
        if (this.client === pending) this.client = undefined;
        this.forwards.clear();
      });
      client.on('tcp connection', (_info, accept) => {
        const proxy = new URL(this.proxyUrl());
        const channel = accept();
        const socket = tcpConnect(Number(proxy.port), proxy.hostname);
        const drop = () => {
          channel.destroy();
          socket.destroy();
        };
        channel.on('error', drop);
        socket.on('error', drop);
        channel.pipe(socket).pipe(channel);
      });
      client.connect({ ...options, keepaliveInterval: 5000, keepaliveCountMax: 3, readyTimeout: 20_000 });
    });
    pending.catch(() => undefined);
    this.client = pending;
    return pending;
  }
}
