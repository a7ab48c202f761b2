/** `kilobench mine`: benchmark tasks from a repository's own history of fixes and tests. */
import type { Command } from 'commander';
import { mine, type MineResult } from '../../core/mine';
import { pruneContainers } from '../../core/runtime';
import { RUN_LIMITS } from '../../core/run';
import { positiveInt } from '../options';
import { connectRuntime } from '../runtime';
import { formatTable } from '../table';
import { plural } from '../../core/format';

export interface MineJson {
  repo: string;
  out: string;
  kept: { id: string; path: string; commit: string; subject: string; toolchain: string; testCommand: string; failToPass: string[]; passToPass: string[] }[];
  rejected: { commit: string; subject: string; reason: string }[];
}

export function mineJson(result: MineResult): MineJson {
  return {
    repo: result.repo,
    out: result.out,
    kept: result.kept.map((t) => ({ id: t.id, path: t.dir, commit: t.sha, subject: t.subject, toolchain: t.toolchain, testCommand: t.testCommand, failToPass: t.failToPass, passToPass: t.passToPass })),
    rejected: result.rejected.map((r) => ({ commit: r.sha, subject: r.subject, reason: r.reason })),
  };
}

export function registerMineCommand(program: Command): void {
  program
    .command('mine')
    .description("Turn a repository's commits that fix code and change tests into validated benchmark tasks (Harbor format).")
    .option('--repo <dir>', 'the git repository to mine', '.')
    .option('--max <n>', 'most candidate commits (changing code and tests) examined, newest first', positiveInt('--max', 500), 20)
    .option('--since <date>', 'only commits after this date (as git log --since understands it)')
    .option('--paths <glob>', 'only commits touching files that match this glob (e.g. "src/**")')
    .option('--test-command <cmd>', 'the command that runs the tests (replaces the detected one)')
    .option('--image <name>', 'base image for a project whose toolchain is not detected (it must hold the toolchain)')
    .option('--out <dir>', 'where the tasks go (default: a folder per repository under the KiloBench data folder, outside the repository)')
    .option('-c, --concurrency <n>', 'candidates probed at the same time', positiveInt('--concurrency', RUN_LIMITS.concurrency), 2)
    .option('--docker-host <url>', 'Docker engine (default: DOCKER_HOST or the local socket)')
    .option('--json', 'print {"repo", "out", "kept": [...], "rejected": [{commit, subject, reason}]}')
    .addHelpText('after', '\nRun the kept tasks with: kilobench run --path <out> --no-bundled …\nExit code: 0 when at least one task was kept, 1 when none was, 2 on bad usage.')
    .action(async (options: { repo: string; max: number; since?: string; paths?: string; testCommand?: string; image?: string; out?: string; concurrency: number; dockerHost?: string; json?: boolean }) => {
      const runtime = await connectRuntime(options.dockerHost);
      await pruneContainers(runtime);
      const abort = new AbortController();
      const onSigint = () => {
        process.stderr.write('\ncancelling: stopping containers…\n');
        abort.abort();
      };
      process.once('SIGINT', onSigint);
      const say = (line: string) => {
        if (!options.json) process.stderr.write(`${line}\n`);
      };
      let result: MineResult;
      try {
        result = await mine(runtime, {
          repo: options.repo, max: options.max, concurrency: options.concurrency, signal: abort.signal,
          ...(options.since ? { since: options.since } : {}),
          ...(options.paths ? { paths: options.paths } : {}),
          ...(options.testCommand ? { testCommand: options.testCommand } : {}),
          ...(options.image ? { image: options.image } : {}),
          ...(options.out ? { out: options.out } : {}),
          onProgress: (e) => {
            if (e.kind === 'commits') say(`${plural(e.total, 'commit')} read, ${e.candidates} change code and tests`);
            else if (e.kind === 'probe') say(`probing ${e.sha.slice(0, 7)} ${e.subject} (${e.index + 1}/${e.of})`);
            else if (e.kind === 'validate') say(`validating ${plural(e.tasks, 'task')}, round ${e.round} of 2`);
          },
        });
      } finally {
        process.removeListener('SIGINT', onSigint);
      }
      if (options.json) process.stdout.write(JSON.stringify(mineJson(result), null, 2) + '\n');
      else {
        process.stdout.write(`Kept ${plural(result.kept.length, 'task')} in ${result.out}\n`);
        if (result.kept.length) {
          process.stdout.write(formatTable(['TASK', 'COMMIT', 'TOOLCHAIN', 'TESTS (FAIL→PASS / KEPT PASSING)'],
            result.kept.map((t) => [t.id, t.sha.slice(0, 7), t.toolchain, t.toolchain === 'python' ? `${t.failToPass.length} / ${t.passToPass.length}` : `suite: ${t.testCommand}`])) + '\n');
        }
        if (result.rejected.length) {
          process.stdout.write(`\nRejected ${plural(result.rejected.length, 'commit')}:\n`);
          process.stdout.write(formatTable(['COMMIT', 'SUBJECT', 'REASON'], result.rejected.map((r) => [r.sha.slice(0, 7), r.subject.slice(0, 50), r.reason])) + '\n');
        }
        if (result.kept.length) process.stdout.write(`\nRun them: kilobench run --path ${result.out} --no-bundled --models …\n`);
      }
      if (abort.signal.aborted) process.exitCode = 130;
      else if (result.kept.length === 0) process.exitCode = 1;
    });
}
