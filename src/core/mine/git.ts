/**
 * The few git questions mining asks, through the `git` command line (the user's own git, with the
 * user's config): commits, what each changed, file contents at a commit, and which paths are ignored.
 */
import { InputError } from '../errors';
import { execFile } from 'node:child_process';

export class GitError extends InputError {
  constructor(message: string) {
    super(message);
  }
}

/** Run git in `repo`; stdout as a Buffer (file contents may be binary). */
export function gitBuffer(repo: string, args: readonly string[], input?: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = execFile('git', ['-C', repo, ...args], { encoding: 'buffer', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' } }, (error, stdout, stderr) => {
      if (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') reject(new GitError('git is not installed (or not on PATH): install git to mine a repository'));
        else reject(new GitError(`git ${args[0]} failed: ${stderr.toString().trim().split('\n')[0] || error.message}`));
      } else resolve(stdout);
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

export async function git(repo: string, args: readonly string[], input?: string): Promise<string> {
  return (await gitBuffer(repo, args, input)).toString('utf8');
}

/** The top folder of the repository holding `dir`, or a GitError saying it is not one. */
export async function repoRoot(dir: string): Promise<string> {
  try {
    return (await git(dir, ['rev-parse', '--show-toplevel'])).trim();
  } catch (e) {
    throw new GitError(`${dir} is not inside a git repository (${(e as Error).message})`);
  }
}

export interface Commit {
  sha: string;
  /** First parent; undefined for a root commit. */
  parent: string | undefined;
  subject: string;
  body: string;
  author: string;
  date: string;
  isMerge: boolean;
}

/**
 * git reads a bare date as that day at the current time of day, so `--since 2026-01-09` run at 10:07
 * would leave out that day's 10:00 commit: a bare date means the start of that day (UTC).
 */
export function sinceArg(since: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(since.trim()) ? `${since.trim()}T00:00:00Z` : since;
}

/**
 * Commits of the current branch, newest first, following first parents (a merge stands for the
 * whole change it brought in).
 */
export async function listCommits(repo: string, options: { since?: string; paths?: string; limit?: number } = {}): Promise<Commit[]> {
  const sep = '\x1f';
  const end = '\x1e';
  const args = ['log', '--first-parent', `--format=%H${sep}%P${sep}%an${sep}%aI${sep}%s${sep}%b${end}`];
  if (options.since) args.push(`--since=${sinceArg(options.since)}`);
  if (options.limit) args.push(`--max-count=${options.limit}`);
  args.push('HEAD');
  if (options.paths) args.push('--', `:(glob)${options.paths}`);
  const out = await git(repo, args);
  return out.split(end).map((r) => r.replace(/^\n/, '')).filter((r) => r.trim()).map((record) => {
    const [sha = '', parents = '', author = '', date = '', subject = '', body = ''] = record.split(sep);
    const parentList = parents.split(' ').filter(Boolean);
    return { sha, parent: parentList[0], subject, body: body.trim(), author, date, isMerge: parentList.length > 1 };
  });
}

export type ChangeKind = 'added' | 'modified' | 'deleted';

export interface FileChange {
  path: string;
  kind: ChangeKind;
  binary: boolean;
}

/** Files changed between `parent` and `sha` (renames as a delete plus an add). */
export async function changedFiles(repo: string, parent: string, sha: string): Promise<FileChange[]> {
  const [status, numstat] = await Promise.all([
    git(repo, ['diff', '--no-renames', '--name-status', '-z', parent, sha]),
    git(repo, ['diff', '--no-renames', '--numstat', '-z', parent, sha]),
  ]);
  const binary = new Set<string>();
  for (const entry of numstat.split('\0').filter(Boolean)) {
    const [added, , path] = entry.split('\t');
    if (added === '-' && path) binary.add(path);
  }
  const fields = status.split('\0');
  const changes: FileChange[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const code = fields[i] ?? '';
    const path = fields[i + 1] ?? '';
    if (!code || !path) continue;
    const kind: ChangeKind = code.startsWith('A') ? 'added' : code.startsWith('D') ? 'deleted' : 'modified';
    changes.push({ path, kind, binary: binary.has(path) });
  }
  return changes;
}

/** Every file path in the tree of `sha`. */
export async function treeFiles(repo: string, sha: string): Promise<string[]> {
  return (await git(repo, ['ls-tree', '-r', '-z', '--name-only', sha])).split('\0').filter(Boolean);
}

/** The content of `path` at `sha`. */
export function fileAt(repo: string, sha: string, path: string): Promise<Buffer> {
  return gitBuffer(repo, ['show', `${sha}:${path}`]);
}

/** Those of `paths` the repository's ignore rules match (even when tracked). */
export async function ignoredPaths(repo: string, paths: readonly string[]): Promise<Set<string>> {
  if (paths.length === 0) return new Set();
  try {
    const out = await git(repo, ['check-ignore', '--no-index', '-z', '--stdin'], paths.join('\0') + '\0');
    return new Set(out.split('\0').filter(Boolean));
  } catch {
    // check-ignore exits 1 when nothing matches.
    return new Set();
  }
}

/** Unified diff of `paths` between two commits, paths relative to the repository (a/ b/ prefixes). */
export function diffOf(repo: string, parent: string, sha: string, paths: readonly string[]): Promise<string> {
  if (paths.length === 0) return Promise.resolve('');
  return git(repo, ['diff', '--binary', '--no-renames', '--no-color', '--no-ext-diff', parent, sha, '--', ...paths.map((p) => `:(literal)${p}`)]);
}
