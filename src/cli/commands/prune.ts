/** `kilobench prune`: remove the containers and per-run networks a crashed or killed run left behind. */
import type { Command } from 'commander';
import { pruneContainers, pruneNetworks } from '../../core/runtime';
import { connectRuntime } from '../runtime';
import { plural } from '../../core/format';

export function registerPruneCommand(program: Command): void {
  program
    .command('prune')
    .description('Remove KiloBench containers and per-run Docker networks whose run is no longer active (left behind by a crash or a kill).')
    .option('--all', 'also remove containers of runs that still look active (other live processes, other hosts)')
    .option('--docker-host <url>', 'Docker engine (default: DOCKER_HOST or the local socket)')
    .option('--json', 'print {"removed": [...], "kept": [...], "networks": {"removed": [...], "kept": [...]}}')
    .action(async (options: { all?: boolean; dockerHost?: string; json?: boolean }) => {
      const runtime = await connectRuntime(options.dockerHost);
      const result = await pruneContainers(runtime, { all: Boolean(options.all) });
      // Networks after containers: the engine removes a network only once nothing is attached.
      const networks = await pruneNetworks(runtime, { all: Boolean(options.all) });
      if (options.json) {
        process.stdout.write(JSON.stringify({ ...result, networks }, null, 2) + '\n');
        return;
      }
      for (const n of networks.removed) process.stdout.write(`removed network ${n.name} (run ${n.run})\n`);
      for (const n of networks.kept) process.stdout.write(`kept    network ${n.name} (run ${n.run}): ${n.reason}\n`);
      for (const c of result.removed) process.stdout.write(`removed ${c.id.slice(0, 12)} (run ${c.run}, trial ${c.trial})\n`);
      for (const c of result.kept) process.stdout.write(`kept    ${c.id.slice(0, 12)} (run ${c.run}): ${c.reason}\n`);
      process.stdout.write(`${plural(result.removed.length, 'container')} removed, ${result.kept.length} kept\n`);
    });
}
