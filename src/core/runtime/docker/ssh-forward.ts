/**
 * Model traffic from an ssh:// engine's containers back to the metering proxy on this machine,
 * through the SSH connection itself: an SSH remote forward (`ssh -R ADDRESS:PORT:127.0.0.1:PROXY`)
 * on the engine's host, at the run network's gateway address, which the containers reach. Each
 * forwarded connection arrives here over SSH and is piped to the proxy's loopback port. Keys never
 * leave this machine: the containers only hold their trial token, and the proxy adds the key.
 *
 * The engine's sshd must let a client bind a non-loopback address (`GatewayPorts clientspecified`)
 * and allow TCP forwarding (`AllowTcpForwarding yes`, the default).
 */
import { connect as tcpConnect } from 'node:net';
import { Client } from 'ssh2';
import { InfraError } from '../../errors';
import { sshConnectOptions, type EngineCredentials } from './docker-host';

export class SshForward {
  private client: Promise<Client> | undefined;
  private readonly forwards = new Set<string>();

  /** `engine`: the ssh:// URL; `proxyUrl`: the proxy on this machine's loopback. */
  constructor(private readonly engine: URL, private readonly credentials: EngineCredentials, private readonly proxyUrl: () => string) {}

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
            client.unforwardIn(address, port, () => resolve());
          } catch {
            resolve();
          }
        });
        if (this.forwards.size === 0) this.end();
      },
    };
  }

  /** Drop the SSH connection (and every forward on it). */
  end(): void {
    const pending = this.client;
    this.client = undefined;
    this.forwards.clear();
    void pending?.then((c) => c.end(), () => undefined);
  }

  private connect(): Promise<Client> {
    if (this.client) return this.client;
    const options = sshConnectOptions(this.engine, this.credentials);
    const pending = new Promise<Client>((resolve, reject) => {
      const client = new Client();
      client.on('ready', () => resolve(client));
      client.on('error', (e) => {
        reject(new InfraError(`cannot open the SSH connection to ${this.engine.host} for model traffic: ${e.message}`));
        if (this.client === pending) this.client = undefined;
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
      client.connect({ ...options, keepaliveInterval: 10_000, readyTimeout: 20_000 });
    });
    this.client = pending;
    return pending;
  }
}
