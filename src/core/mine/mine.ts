/**
 * Mining: walks a repository's history for commits that change both code and tests and turns each
 * into a Harbor task (environment = the parent with the commit's tests; solution = the code change;
 * verifier = the tests the commit made pass plus a sample that passed before). Each candidate is
 * probed in Docker (tests before and after the fix), then validated twice (oracle passes, nop fails,
 * both times); only valid tasks are kept, every other candidate gets a one-line reason.
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join, relative, resolve, isAbsolute } from 'node:path';
import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import pLimit from 'p-limit';
import type { ContainerRuntime } from '../runtime/container-runtime';
import { loadTask } from '../tasks/load-tasks';
import { formatTaskError, type Task } from '../tasks/task';
import { nopHarness } from '../harness/nop';
import { oracleHarness } from '../harness/oracle';
import { runTrial, type TrialOutcome } from '../run/trial-runner';
import { validateTasks } from '../run/validate-tasks';
import { parsePytestSummary } from '../verifier/pytest-summary';
import type { TestResult } from '../verifier/test-result';
import { changedFiles, diffOf, fileAt, git, ignoredPaths, listCommits, repoRoot, treeFiles, type Commit, type FileChange } from './git';
import { isDocPath, isSecretPath, isTestPath } from './classify';
import { detectToolchain, type DetectOptions, type Toolchain } from './toolchain';
import { testScript, verifierCommand, writeInstruction, writeTaskFolder, writeVerifier, type RepoFile, type TaskFiles } from './task-writer';
import { writeInstructionText, type FailingTest } from './instruction';
import { plural } from '../format';

export interface MineOptions extends DetectOptions {
  /** A folder inside the repository to mine. */
  repo: string;
  /** Where task folders go; default: the KiloBench data folder, keyed by repository. */
  out?: string;
  /** Most candidate commits (changing code and tests) examined, newest first. */
  max?: number;
  /** Only commits after this date (anything `git log --since` understands). */
  since?: string;
  /** Only commits touching paths matching this glob. */
  paths?: string;
  /** Tests that passed before and must still pass: how many the verifier samples. */
  keepPassing?: number;
  concurrency?: number;
  signal?: AbortSignal;
  onProgress?: (event: MineProgress) => void;
  onBuildLog?: (taskId: string, line: string) => void;
}

export type MineProgress =
  | { kind: 'commits'; total: number; candidates: number }
  | { kind: 'probe'; sha: string; subject: string; index: number; of: number }
  | { kind: 'validate'; tasks: number; round: 1 | 2 }
  | { kind: 'kept'; task: MinedTask }
  | { kind: 'rejected'; candidate: RejectedCandidate };

export interface MinedTask {
  id: string;
  dir: string;
  sha: string;
  subject: string;
  toolchain: Toolchain['name'];
  testCommand: string;
  /** Tests that fail before the fix and pass after (per-test projects). */
  failToPass: string[];
  /** The sample of tests that passed before and must still pass. */
  passToPass: string[];
  instruction: string;
}

export interface RejectedCandidate {
  sha: string;
  subject: string;
  reason: string;
}

export interface MineResult {
  repo: string;
  out: string;
  kept: MinedTask[];
  rejected: RejectedCandidate[];
}

/** `$KILOBENCH_DATA_DIR`, else `$XDG_DATA_HOME/kilobench`, else `~/.local/share/kilobench`. */
export function kilobenchDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.KILOBENCH_DATA_DIR) return resolve(env.KILOBENCH_DATA_DIR);
  return join(env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), 'kilobench');
}

/** The default folder for a repository's mined tasks: outside the repository, one per repository path. */
export function defaultMineDir(repoRootDir: string, env: NodeJS.ProcessEnv = process.env): string {
  const key = createHash('sha256').update(resolve(repoRootDir)).digest('hex').slice(0, 10);
  return join(kilobenchDataDir(env), 'mined', `${slug(basename(repoRootDir)) || 'repo'}-${key}`);
}

export function slug(text: string, max = 40): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, max).replace(/-+$/, '');
}

const DEFAULT_MAX = 20;
const DEFAULT_KEEP_PASSING = 10;

/** A folder inside the repository gets a `.gitignore` ignoring everything, so nothing shows in `git status`. */
export async function ignoreInsideRepo(root: string, out: string): Promise<void> {
  const rel = relative(root, out);
  if (rel.startsWith('..') || isAbsolute(rel)) return;
  await mkdir(out, { recursive: true });
  const file = join(out, '.gitignore');
  if (!(await stat(file).catch(() => undefined))) await writeFile(file, '# Written by KiloBench: nothing here belongs in the repository.\n*\n');
}

interface Candidate {
  commit: Commit & { parent: string };
  tests: FileChange[];
  code: FileChange[];
}

/** Why a commit is not a candidate, or undefined when it is one. */
function screen(commit: Commit, changes: FileChange[]): string | undefined {
  if (!commit.parent) return 'first commit: nothing before it to compare with';
  if (changes.length === 0) return 'no file changes';
  const tests = changes.filter((c) => isTestPath(c.path));
  const code = changes.filter((c) => !isTestPath(c.path) && !isDocPath(c.path));
  if (tests.length === 0) return 'no test changes';
  if (code.length === 0) return 'no code changes (only tests or documentation)';
  return undefined;
}

export async function mine(runtime: ContainerRuntime, options: MineOptions): Promise<MineResult> {
  const root = await repoRoot(resolve(options.repo));
  const out = resolve(options.out ?? defaultMineDir(root));
  await mkdir(out, { recursive: true });
  await ignoreInsideRepo(root, out);
  const max = options.max ?? DEFAULT_MAX;
  const rejected: RejectedCandidate[] = [];
  const reject = (commit: { sha: string; subject: string }, reason: string) => {
    const candidate = { sha: commit.sha, subject: commit.subject, reason };
    rejected.push(candidate);
    options.onProgress?.({ kind: 'rejected', candidate });
  };

  // 1. Candidates: newest first, until `max` commits change both code and tests.
  const commits = await listCommits(root, { ...(options.since ? { since: options.since } : {}), ...(options.paths ? { paths: options.paths } : {}) });
  const candidates: Candidate[] = [];
  for (const commit of commits) {
    if (candidates.length >= max) break;
    const changes = commit.parent ? await changedFiles(root, commit.parent, commit.sha) : [];
    const ignored = await ignoredPaths(root, changes.map((c) => c.path));
    const usable = changes.filter((c) => !isSecretPath(c.path) && !ignored.has(c.path));
    const why = screen(commit, usable);
    if (why) reject(commit, why);
    else candidates.push({ commit: commit as Commit & { parent: string }, tests: usable.filter((c) => isTestPath(c.path)), code: usable.filter((c) => !isTestPath(c.path)) });
  }
  options.onProgress?.({ kind: 'commits', total: commits.length, candidates: candidates.length });

  // 2. Probe each candidate: the whole suite before (nop) and after (oracle) the fix.
  const limit = pLimit(Math.max(1, options.concurrency ?? 2));
  const probed = await Promise.all(candidates.map((candidate, index) => limit(async () => {
    if (options.signal?.aborted) return undefined;
    options.onProgress?.({ kind: 'probe', sha: candidate.commit.sha, subject: candidate.commit.subject, index, of: candidates.length });
    const result = await probeCandidate(runtime, root, out, candidate, options).catch((e: Error) => ({ reason: `could not be built: ${e.message}` }));
    if ('reason' in result) {
      reject(candidate.commit, result.reason);
      await rm(join(out, taskId(root, candidate.commit)), { recursive: true, force: true });
      return undefined;
    }
    return result;
  })));
  const ready = probed.filter((p): p is MinedTask & { task: Task } => p !== undefined);

  // 3. Validate twice: oracle passes and nop fails, both times (flaky tests are caught here).
  const problems = new Map<string, string>();
  for (const round of [1, 2] as const) {
    const pending = ready.filter((r) => !problems.has(r.id));
    if (pending.length === 0 || options.signal?.aborted) break;
    options.onProgress?.({ kind: 'validate', tasks: pending.length, round });
    const results = await validateTasks(runtime, pending.map((r) => r.task), {
      concurrency: options.concurrency ?? 2,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onBuildLog ? { onBuildLog: options.onBuildLog } : {}),
    });
    for (const v of results) {
      if (!v.ok) problems.set(v.task, round === 1 ? (v.problems[0] ?? 'validation failed') : `tests not deterministic: the second validation found ${v.problems[0] ?? 'a problem'}`);
    }
  }
  const kept: MinedTask[] = [];
  for (const task of ready) {
    const problem = options.signal?.aborted ? 'cancelled before it was validated' : problems.get(task.id);
    if (problem) {
      reject(task, problem);
      await rm(task.dir, { recursive: true, force: true });
    } else {
      const { task: _loaded, ...mined } = task;
      kept.push(mined);
      options.onProgress?.({ kind: 'kept', task: mined });
    }
  }
  // Newest commit first, as `git log` lists them.
  const order = new Map(commits.map((c, i) => [c.sha, i]));
  rejected.sort((a, b) => (order.get(a.sha) ?? 0) - (order.get(b.sha) ?? 0));
  kept.sort((a, b) => (order.get(a.sha) ?? 0) - (order.get(b.sha) ?? 0));
  const result: MineResult = { repo: root, out, kept, rejected };
  await writeFile(join(out, 'mine-report.json'), JSON.stringify(result, null, 2) + '\n');
  return result;
}

function taskId(root: string, commit: Commit): string {
  return [slug(basename(root), 20) || 'repo', commit.sha.slice(0, 7), slug(commit.subject, 40)].filter(Boolean).join('-');
}

/** Extracts the parent's tree into `dest` (tracked files only: ignored and untracked files never come along). */
function extractTree(root: string, sha: string, dest: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    execFile('sh', ['-c', 'git -C "$1" archive --format=tar "$2" | tar -x -C "$3"', 'sh', root, sha, dest], (error, _stdout, stderr) => {
      if (error) reject(new Error(`git archive ${sha.slice(0, 7)} failed: ${String(stderr).trim() || error.message}`));
      else resolvePromise();
    });
  });
}

async function probeCandidate(runtime: ContainerRuntime, root: string, out: string, candidate: Candidate, options: MineOptions): Promise<(MinedTask & { task: Task }) | { reason: string }> {
  const { commit } = candidate;
  const afterFiles = await treeFiles(root, commit.sha);
  const detection = await detectToolchain(afterFiles, async (path) => (await fileAt(root, commit.sha, path).catch(() => undefined))?.toString('utf8'), options);
  if (!detection.ok) return { reason: detection.reason };
  const toolchain = detection.toolchain;

  const testFiles: RepoFile[] = [];
  for (const change of candidate.tests.filter((c) => c.kind !== 'deleted')) {
    testFiles.push({ path: change.path, content: await fileAt(root, commit.sha, change.path), executable: await isExecutable(root, commit.sha, change.path) });
  }
  const files: TaskFiles = {
    id: taskId(root, commit),
    repoName: basename(root),
    commit: { sha: commit.sha, subject: commit.subject },
    toolchain,
    testFiles,
    deletedTests: candidate.tests.filter((c) => c.kind === 'deleted').map((c) => c.path),
    patch: await diffOf(root, commit.parent, commit.sha, candidate.code.map((c) => c.path)),
  };
  const dir = join(out, files.id);
  await writeTaskFolder(dir, files);
  const repoDir = join(dir, 'environment', 'repo');
  await extractTree(root, commit.parent, repoDir);
  // No secrets and no ignored files in the environment, even when someone committed them.
  const parentFiles = await treeFiles(root, commit.parent);
  const ignored = await ignoredPaths(root, parentFiles);
  for (const path of parentFiles.filter((p) => isSecretPath(p) || ignored.has(p))) await rm(join(repoDir, path), { force: true });
  // The commit's test changes, so the new tests exist (and fail) in the environment.
  for (const file of testFiles) {
    await mkdir(join(repoDir, file.path, '..'), { recursive: true });
    await writeFile(join(repoDir, file.path), file.content, { mode: file.executable ? 0o755 : 0o644 });
  }
  for (const path of files.deletedTests) await rm(join(repoDir, path), { force: true });

  await writeVerifier(dir, testScript(files, verifierCommand(toolchain, undefined), 'the whole test suite'));
  await writeInstruction(dir, writeInstructionText({ subject: commit.subject, body: commit.body, toolchain, failing: [] }));
  let task = await loadTask(dir);
  if (task.errors.length > 0) return { reason: `the task does not load: ${formatTaskError(task.errors[0]!)}` };

  const run = (harness: typeof nopHarness) => runTrial(runtime, { runId: 'mine', trialId: `mine-${files.id}-${harness.name}`, task, harness }, {
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onBuildLog ? { onBuildLog: (line: string) => options.onBuildLog?.(files.id, line) } : {}),
  });
  const before = await run(nopHarness);
  const trouble = infraReason(before, 'before the fix');
  if (trouble) return { reason: trouble };
  const after = await run(oracleHarness);
  const troubleAfter = infraReason(after, 'with the fix');
  if (troubleAfter) return { reason: troubleAfter };

  let failToPass: string[] = [];
  let passToPass: string[] = [];
  let instruction: string;
  if (toolchain.granularity === 'per-test') {
    const beforeTests = testsOf(before);
    const afterTests = testsOf(after);
    if (afterTests.length === 0) return { reason: `the tests gave no results with the fix applied (${after.status})` };
    const beforeByName = new Map(beforeTests.map((t) => [t.name, t]));
    const passedAfter = afterTests.filter((t) => t.outcome === 'passed' && t.raw !== 'SKIPPED' && t.raw !== 'XFAIL');
    failToPass = passedAfter.filter((t) => beforeByName.get(t.name)?.outcome !== 'passed').map((t) => t.name);
    if (failToPass.length === 0) {
      return { reason: beforeTests.some((t) => t.outcome === 'failed') ? 'no test goes from failing to passing with the fix' : 'tests already pass before the fix' };
    }
    passToPass = sample(passedAfter.filter((t) => beforeByName.get(t.name)?.outcome === 'passed' && beforeByName.get(t.name)?.raw === 'PASSED').map((t) => t.name), options.keepPassing ?? DEFAULT_KEEP_PASSING);
    const failing: FailingTest[] = failToPass.map((name) => {
      const seen = beforeByName.get(name) ?? beforeTests.find((t) => t.outcome === 'failed' && name.startsWith(t.name));
      const message = seen?.message ?? (seen?.raw === 'ERROR' || !seen ? 'does not run yet (error while collecting the tests)' : undefined);
      return { name, ...(message ? { message } : {}) };
    });
    instruction = writeInstructionText({ subject: commit.subject, body: commit.body, toolchain, failing });
    await writeVerifier(dir, testScript(files, verifierCommand(toolchain, [...failToPass, ...passToPass]),
      `the ${plural(failToPass.length, 'test')} the commit made pass and ${passToPass.length} that passed before`));
  } else {
    if (before.status === 'passed') return { reason: 'tests already pass before the fix' };
    if (after.status !== 'passed') return { reason: `the tests still fail with the fix applied (${toolchain.testCommand})` };
    instruction = writeInstructionText({ subject: commit.subject, body: commit.body, toolchain, failing: [], outputTail: before.verifierOutput ?? '' });
  }
  await writeInstruction(dir, instruction);
  task = await loadTask(dir);
  return {
    id: files.id, dir, sha: commit.sha, subject: commit.subject, toolchain: toolchain.name, testCommand: toolchain.testCommand,
    failToPass, passToPass, instruction, task,
  };
}

function infraReason(outcome: TrialOutcome, when: string): string | undefined {
  if (outcome.status === 'cancelled') return 'cancelled';
  if (outcome.status === 'passed' || outcome.status === 'failed') return undefined;
  if (outcome.status === 'test_timeout') return `the tests ran past their time limit ${when}`;
  const detail = outcome.detail ? ` (${outcome.detail.trim().split('\n').slice(-1)[0]})` : '';
  if (outcome.status === 'harness_error' && when === 'with the fix') return `the fix does not apply to the parent commit: ${outcome.error ?? 'solve.sh failed'}`;
  return `the environment failed ${when}: ${outcome.error ?? outcome.status}${detail}`.slice(0, 400);
}

function testsOf(outcome: TrialOutcome): TestResult[] {
  const verdict = parsePytestSummary(outcome.verifierOutput ?? '');
  return verdict.kind === 'scored' ? verdict.tests : [];
}

/** Up to `n` names, spread evenly over the list (the same ones every time). */
export function sample(names: readonly string[], n: number): string[] {
  if (names.length <= n) return [...names];
  const step = names.length / n;
  return Array.from({ length: n }, (_, i) => names[Math.floor(i * step)]!);
}

async function isExecutable(root: string, sha: string, path: string): Promise<boolean> {
  const entry = await git(root, ['ls-tree', sha, '--', `:(literal)${path}`]);
  return entry.startsWith('100755');
}

/** Reads a previous mining's report from a task folder, if there is one. */
export async function readMineReport(out: string): Promise<MineResult | undefined> {
  const text = await readFile(join(out, 'mine-report.json'), 'utf8').catch(() => undefined);
  if (!text) return undefined;
  try {
    return JSON.parse(text) as MineResult;
  } catch {
    return undefined;
  }
}
