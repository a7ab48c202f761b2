/** `kilobench sim serve`: the simulated provider on a local port, until Ctrl-C. */
import type { Command } from 'commander';
import { SIM_MODELS, startSimProvider } from '../../core/providers/sim';
import { UsageError } from '../errors';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be an integer from 0 to 65535, not "${value}"`);
  return port;
}

export function registerSimCommand(program: Command): void {
  const sim = program.command('sim').description('The simulated model provider (a test device backed by the tasks\' reference solutions; always labelled simulated).');
  sim
    .command('serve')
    .description(`Serve the simulated provider (OpenAI Chat Completions and Anthropic Messages; models ${SIM_MODELS.join(', ')}) until interrupted.`)
    .option('--port <n>', 'port to listen on (0: any free port)', '0')
    .option('--host <address>', 'loopback address to bind', '127.0.0.1')
    .action(async (options: { port: string; host: string }) => {
      const port = parsePort(options.port);
      if (!LOOPBACK.has(options.host)) throw new UsageError(`--host must be a loopback address (127.0.0.1 or ::1), not "${options.host}"`);
      const provider = await startSimProvider({ host: options.host, port });
      process.stdout.write(`KiloBench simulated provider listening on ${provider.url}\n`);
      process.stdout.write(`  OpenAI:    ${provider.url}/v1/chat/completions\n  Anthropic: ${provider.url}/v1/messages\n  models:    ${SIM_MODELS.join(', ')}\n`);
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
      process.stdout.write('stopped\n');
    });
}
