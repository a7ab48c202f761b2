/** `kilobench sim serve`: the simulated provider on a local port, until Ctrl-C. */
import type { Command } from 'commander';
import { FAULT_KINDS, SIM_MODELS, isFaultKind, randomFaultsProblem, startSimProvider, type FaultKind, type RandomFaults } from '../../core/providers';
import { UsageError } from '../errors';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be an integer from 0 to 65535, not "${value}"`);
  return port;
}

interface FaultFlags {
  faultRate?: string;
  faultKinds?: string;
  faultSeed?: string;
}

/** The random-fault settings the flags ask for (undefined: no faults), or a usage error. */
export function parseFaultFlags(flags: FaultFlags): RandomFaults | undefined {
  if (flags.faultRate === undefined) {
    if (flags.faultKinds !== undefined || flags.faultSeed !== undefined) throw new UsageError('--fault-kinds and --fault-seed need --fault-rate (e.g. --fault-rate 0.2)');
    return undefined;
  }
  const rate = Number(flags.faultRate);
  if (flags.faultRate.trim() === '' || !Number.isFinite(rate) || rate < 0 || rate > 1) throw new UsageError(`--fault-rate must be a number from 0 to 1, not "${flags.faultRate}"`);
  let kinds: FaultKind[] | undefined;
  if (flags.faultKinds !== undefined) {
    const names = flags.faultKinds.split(',').map((k) => k.trim()).filter(Boolean);
    const unknown = names.filter((k) => !isFaultKind(k));
    if (unknown.length > 0) throw new UsageError(`--fault-kinds: unknown kind ${unknown.map((k) => `"${k}"`).join(', ')} (known: ${FAULT_KINDS.join(', ')})`);
    if (names.length === 0) throw new UsageError(`--fault-kinds needs at least one of ${FAULT_KINDS.join(', ')}`);
    kinds = names as FaultKind[];
  }
  let seed: number | undefined;
  if (flags.faultSeed !== undefined) {
    seed = Number(flags.faultSeed);
    if (flags.faultSeed.trim() === '' || !Number.isSafeInteger(seed)) throw new UsageError(`--fault-seed must be an integer, not "${flags.faultSeed}"`);
  }
  const options: RandomFaults = { rate, ...(kinds ? { kinds } : {}), ...(seed !== undefined ? { seed } : {}) };
  const problem = randomFaultsProblem(options);
  if (problem) throw new UsageError(problem);
  return options;
}

function describeCounts(counts: Readonly<Record<FaultKind, number>>): string {
  return FAULT_KINDS.map((k) => `${k} ${counts[k]}`).join(', ');
}

export function registerSimCommand(program: Command): void {
  const sim = program.command('sim').description('The simulated model provider (a test device backed by the tasks\' reference solutions; always labelled simulated).');
  sim
    .command('serve')
    .description(`Serve the simulated provider (OpenAI Chat Completions and Anthropic Messages; models ${SIM_MODELS.join(', ')}) until interrupted.`)
    .option('--port <n>', 'port to listen on (0: any free port)', '0')
    .option('--host <address>', 'loopback address to bind', '127.0.0.1')
    .option('--fault-rate <share>', 'inject a fault into this share (0 to 1) of LLM requests, e.g. 0.2')
    .option('--fault-kinds <list>', `comma-separated kinds to draw from (default all: ${FAULT_KINDS.join(',')})`)
    .option('--fault-seed <n>', 'seed of the fault sequence (default 1): the same seed faults the same requests')
    .action(async (options: { port: string; host: string } & FaultFlags) => {
      const port = parsePort(options.port);
      if (!LOOPBACK.has(options.host)) throw new UsageError(`--host must be a loopback address (127.0.0.1 or ::1), not "${options.host}"`);
      const randomFaults = parseFaultFlags(options);
      const provider = await startSimProvider({ host: options.host, port, ...(randomFaults ? { randomFaults } : {}) });
      process.stdout.write(`KiloBench simulated provider listening on ${provider.url}\n`);
      process.stdout.write(`  OpenAI:    ${provider.url}/v1/chat/completions\n  Anthropic: ${provider.url}/v1/messages\n  models:    ${SIM_MODELS.join(', ')}\n`);
      if (randomFaults) {
        process.stdout.write(`  faults:    ${Math.round(randomFaults.rate * 1000) / 10}% of LLM requests, kinds ${(randomFaults.kinds ?? FAULT_KINDS).join(', ')}, seed ${randomFaults.seed ?? 1}\n`);
      }
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      await provider.close();
      if (randomFaults) process.stdout.write(`faults injected: ${describeCounts(provider.injectedFaults)}\n`);
      process.stdout.write('stopped\n');
    });
}
