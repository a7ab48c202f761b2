/**
 * Removes containers and per-run Docker networks that a crashed or killed KiloBench process left
 * behind. A labelled container is an orphan when its run is not active here and the process that owns
 * it (`host:pid` label) is gone. Containers owned by live processes on this host, or by processes on
 * other hosts, are left alone unless `all` is set. Networks follow the same rule, except that a
 * network of this very process is always kept (its run removes it when it ends) and one with
 * containers still attached is kept (the engine refuses; prune the containers first).
 */
import { hostname } from 'node:os';
import { LABELS, type ContainerRuntime } from './container-runtime';
import { plural } from '../format';

export interface PruneResult {
  removed: { id: string; run: string; trial: string }[];
  kept: { id: string; run: string; reason: string }[];
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Why a container must be kept, or undefined when it is an orphan. */
function keepReason(labels: Record<string, string>, activeRuns: ReadonlySet<string>): string | undefined {
  const run = labels[LABELS.run] ?? '';
  if (activeRuns.has(run)) return 'its run is active in this process';
  const [host, pidText] = (labels[LABELS.owner] ?? '').split(':');
  const pid = Number(pidText);
  if (!host || !Number.isInteger(pid)) return undefined;
  if (host !== hostname()) return `owned by a process on another host (${host})`;
  if (pid !== process.pid && processAlive(pid)) return `its owner (pid ${pid}) is still running`;
  return undefined;
}

export async function pruneContainers(runtime: ContainerRuntime, options: { activeRuns?: Iterable<string>; all?: boolean } = {}): Promise<PruneResult> {
  const activeRuns = new Set(options.activeRuns ?? []);
  const result: PruneResult = { removed: [], kept: [] };
  for (const container of await runtime.listLabelled()) {
    const run = container.labels[LABELS.run] ?? '';
    const reason = options.all ? undefined : keepReason(container.labels, activeRuns);
    if (reason) {
      result.kept.push({ id: container.id, run, reason });
      continue;
    }
    await runtime.remove(container.id);
    result.removed.push({ id: container.id, run, trial: container.labels[LABELS.trial] ?? '' });
  }
  return result;
}

export interface NetworkPruneResult {
  removed: { id: string; name: string; run: string }[];
  kept: { id: string; name: string; run: string; reason: string }[];
}

export async function pruneNetworks(runtime: ContainerRuntime, options: { activeRuns?: Iterable<string>; all?: boolean } = {}): Promise<NetworkPruneResult> {
  const activeRuns = new Set(options.activeRuns ?? []);
  const result: NetworkPruneResult = { removed: [], kept: [] };
  for (const network of await runtime.listLabelledNetworks()) {
    const run = network.labels[LABELS.run] ?? '';
    const mine = network.labels[LABELS.owner] === `${hostname()}:${process.pid}`;
    let reason = options.all ? undefined : mine ? 'made by this process, which removes it when its run ends' : keepReason(network.labels, activeRuns);
    if (!reason && network.containers > 0) reason = `${plural(network.containers, 'container')} still attached`;
    if (reason) {
      result.kept.push({ id: network.id, name: network.name, run, reason });
      continue;
    }
    await runtime.removeNetwork(network.id);
    result.removed.push({ id: network.id, name: network.name, run });
  }
  return result;
}
