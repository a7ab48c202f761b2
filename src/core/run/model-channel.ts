/**
 * The model channel: how a harness inside a trial container reaches the metering proxy, and which
 * Docker networks the trial's two phases (agent, verifier) get.
 *
 *   run network (default, engines on this machine: Linux Docker)
 *     KiloBench creates bridge networks for the run, labelled with the run and its owner process:
 *       kilobench-<run>          tasks with network (or the network the user names; never removed by us)
 *       kilobench-<run>-offline  `--internal`, only for tasks without network whose agent calls the model
 *     and the proxy also listens on each network's gateway address (the host's side of the bridge).
 *     The container reaches `http://GATEWAY:PORT/t/TOKEN`, never the host's 127.0.0.1. A task without
 *     network whose harness needs no channel (builtin, oracle, nop) runs with network `none`; the
 *     verifier of a task without network runs after the container left the offline network.
 *   host (explicit opt-in, `--network host`)
 *     every container on the host's network, the proxy on 127.0.0.1 (the host's loopback is shared).
 *
 *   ssh-forward (ssh:// engines): as run network, but the listener at the gateway is an SSH remote
 *     forward on the engine's host (ssh-link.ts), so the traffic comes back over our SSH connection.
 *   relay (tcp:// engines elsewhere; `modelRoute: relay`): the engine's gateway is another machine's
 *     address, which the proxy here cannot listen on, and that machine must not be able to reach
 *     this one. KiloBench starts a relay container on each run network that needs one and connects
 *     OUT to it over the Docker API (an exec whose stdin/stdout carry multiplexed connections,
 *     runtime/docker/model-relay.ts); containers reach `http://RELAY_IP:8080/t/TOKEN`, each connection
 *     comes back over that stream to the proxy on 127.0.0.1. Nothing listens on this machine for the
 *     engine, keys stay here (containers and relay hold trial tokens only), and the token rules,
 *     metering and redaction are the proxy's as for every other route.
 *
 * Other channels fit the same interface: Docker Desktop (`host.docker.internal` with `host-gateway`)
 * only changes `proxyOrigin` and the networks.
 */
import type { MeteringProxy } from '../meter';
import { LABELS, type ContainerRuntime, type NetworkInfo, type NetworkMode } from '../runtime/container-runtime';
import { InfraError } from '../errors';
import type { NetworkAccess, NetworkSetting } from './task-network';

export interface TrialNetworks {
  /** The container's network while the harness works. */
  agent: NetworkMode;
  /** Its network while the tests run (`none`: the container is taken off the agent's network first). */
  verifier: NetworkMode;
  /** Where the container reaches the proxy (`http://ADDRESS:PORT`), when the harness calls the model from inside. */
  proxyOrigin?: string;
}

export interface ModelChannel {
  readonly kind: 'run-network' | 'host';
  /** The networks of one trial whose task gets `access`; `modelInContainer` when its harness calls the model from inside the container. */
  trialNetworks(access: NetworkAccess, modelInContainer: boolean): Promise<TrialNetworks>;
  /** Remove the networks and listeners it made. Never throws. */
  close(): Promise<void>;
}

export interface ModelChannelOptions {
  runtime: ContainerRuntime;
  /** The proxy (only needed when a harness calls the model from inside the container). */
  meter?: Pick<MeteringProxy, 'url' | 'listenOn'>;
  runId: string;
  setting?: NetworkSetting;
  /** An existing Docker network for tasks with network, instead of one made for the run. */
  dockerNetwork?: string;
  /**
   * The engine's containers reach the proxy through a relay on their network (`modelRoute: relay`,
   * model-relay.ts) instead of the proxy listening on the network's gateway: nothing listens on this
   * machine for them.
   */
  relayOn?: (network: NetworkInfo) => Promise<{ url: string; ensure?(): Promise<void>; close(): Promise<void> }>;
}

/** The name of a run's network (`offline`: the internal one). */
export function runNetworkName(runId: string, offline: boolean): string {
  return `kilobench-${runId.replace(/[^A-Za-z0-9_.-]+/g, '_')}${offline ? '-offline' : ''}`;
}

export function openModelChannel(options: ModelChannelOptions): ModelChannel {
  return options.setting === 'host' ? hostChannel(options) : new RunNetworkChannel(options);
}

function hostChannel(options: ModelChannelOptions): ModelChannel {
  return {
    kind: 'host',
    async trialNetworks(_access, modelInContainer) {
      return { agent: 'host', verifier: 'host', ...(modelInContainer && options.meter ? { proxyOrigin: options.meter.url } : {}) };
    },
    async close() {},
  };
}

class RunNetworkChannel implements ModelChannel {
  readonly kind = 'run-network';
  private readonly networks = new Map<'internet' | 'offline', Promise<NetworkInfo>>();
  private readonly made: string[] = [];
  private readonly listeners = new Map<string, Promise<{ url: string; ensure?(): Promise<void>; close(): Promise<void> }>>();

  constructor(private readonly options: ModelChannelOptions) {}

  async trialNetworks(access: NetworkAccess, modelInContainer: boolean): Promise<TrialNetworks> {
    if (access === 'none' && !modelInContainer) return { agent: 'none', verifier: 'none' };
    const network = await this.network(access === 'none' ? 'offline' : 'internet');
    const agent = { name: network.name };
    return {
      agent,
      verifier: access === 'none' ? 'none' : agent,
      ...(modelInContainer ? { proxyOrigin: await this.proxyOn(network) } : {}),
    };
  }

  private network(kind: 'internet' | 'offline'): Promise<NetworkInfo> {
    let pending = this.networks.get(kind);
    if (!pending) {
      pending = this.makeNetwork(kind);
      this.networks.set(kind, pending);
    }
    return pending;
  }

  private async makeNetwork(kind: 'internet' | 'offline'): Promise<NetworkInfo> {
    const { runtime, runId, dockerNetwork } = this.options;
    if (kind === 'internet' && dockerNetwork) {
      const named = await runtime.inspectNetwork(dockerNetwork);
      if (!named) throw new InfraError(`the Docker network "${dockerNetwork}" (run setting dockerNetwork) does not exist: create it (docker network create ${dockerNetwork}) or leave the setting out`);
      return named;
    }
    const name = runNetworkName(runId, kind === 'offline');
    // A network of this name left by an earlier process of the same run (resume) is reused.
    const existing = await runtime.inspectNetwork(name);
    const network = existing ?? await runtime.createNetwork({ name, internal: kind === 'offline', labels: { [LABELS.run]: runId } });
    this.made.push(network.id);
    return network;
  }

  private async proxyOn(network: NetworkInfo): Promise<string> {
    const { meter, relayOn } = this.options;
    if (!meter) throw new InfraError('this harness calls the model from inside the container, but the run has no metering proxy');
    if (relayOn) {
      let pending = this.listeners.get(network.id);
      if (!pending) {
        pending = relayOn(network);
        pending.catch(() => this.listeners.delete(network.id));
        this.listeners.set(network.id, pending);
      }
      const relay = await pending;
      // Its program again when its stream dropped since the last trial.
      await relay.ensure?.();
      return relay.url;
    }
    if (!network.gateway) throw new InfraError(`the Docker network ${network.name} has no IPv4 gateway for the metering proxy to listen on`);
    let pending = this.listeners.get(network.gateway);
    if (!pending) {
      pending = meter.listenOn(network.gateway).catch((e: Error) => {
        this.listeners.delete(network.gateway as string);
        throw new InfraError(`${e.message}. Containers reach the proxy on their network's gateway; with a remote engine use --network host on that machine, or run KiloBench there`);
      });
      this.listeners.set(network.gateway, pending);
    }
    return (await pending).url;
  }

  async close(): Promise<void> {
    const listeners = await Promise.allSettled([...this.listeners.values()]);
    await Promise.allSettled(listeners.map((l) => (l.status === 'fulfilled' ? l.value.close() : undefined)));
    this.listeners.clear();
    await Promise.allSettled([...this.networks.values()]);
    for (const id of this.made) await this.options.runtime.removeNetwork(id).catch(() => undefined);
    this.made.length = 0;
    this.networks.clear();
  }
}
