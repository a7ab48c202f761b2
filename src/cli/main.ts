/**
 * The `kilobench` command line. Each subcommand lives in `commands/`; this file wires them into one
 * commander program and turns usage errors into exit code 2 (0: success, 1: the command ran and
 * found problems).
 */
import { Command, CommanderError } from 'commander';
import { registerPruneCommand } from './commands/prune';
import { registerRunCommand } from './commands/run';
import { registerEstimateCommand } from './commands/estimate';
import { registerRunsCommands } from './commands/runs';
import { registerReportCommand } from './commands/report';
import { registerDemoCommand } from './commands/demo';
import { registerMineCommand } from './commands/mine';
import { registerSimCommand } from './commands/sim';
import { registerTasksCommand } from './commands/tasks';
import { registerValidateCommand } from './commands/validate';
import { describeFailure, EXIT_OK, EXIT_USAGE } from './errors';
import { version } from '../../package.json';

export function buildProgram(): Command {
  const program = new Command('kilobench')
    .description('Benchmark AI coding models inside a real agent harness: pass rate, cost per attempt, cost to complete.')
    .version(version, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(text) });
  registerTasksCommand(program);
  registerValidateCommand(program);
  registerMineCommand(program);
  registerRunCommand(program);
  registerEstimateCommand(program);
  registerRunsCommands(program);
  registerReportCommand(program);
  registerDemoCommand(program);
  registerPruneCommand(program);
  registerSimCommand(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return process.exitCode === undefined ? EXIT_OK : Number(process.exitCode);
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version also end through here, with exit code 0.
      return e.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    const { line, code } = describeFailure(e);
    process.stderr.write(`${line}\n`);
    return code;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
