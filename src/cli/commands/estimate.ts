/** `kilobench estimate`: what a planned run will likely cost and take, with the same plan options as `run`. */
import type { Command } from 'commander';
import { printEstimate, type RunOptions } from './run';

/** Options of `run` that plan nothing (they start, resume or show a run). */
const NOT_PLAN = new Set(['--resume', '--docker-host', '--dry-run', '--yes']);

export function registerEstimateCommand(program: Command): void {
  const run = program.commands.find((c) => c.name() === 'run');
  if (!run) throw new Error('register the run command before estimate');
  const estimate = program
    .command('estimate')
    .description('Forecast a planned run before spending: expected spend and wall time with a 95% interval, from this database\'s earlier trials of the same task, model and harness, else from prices and the task\'s size (a wide interval). Takes the same plan options as `run`.');
  for (const option of run.options) if (!NOT_PLAN.has(option.long ?? '')) estimate.addOption(option);
  estimate.action(async (options: RunOptions) => {
    await printEstimate(options);
  });
}
