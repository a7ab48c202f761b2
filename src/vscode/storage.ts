/**
 * Where the extension keeps what it writes: the extension's storage for this workspace (results,
 * journals, mined tasks), never the user's repository unless the user points a setting there, in
 * which case that folder gets a `.gitignore` so `git status` stays clean.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';

/** The folder for this workspace's files: the workspace storage, or the global one with no folder open. */
export function storageFolder(extension: { storageUri?: { fsPath: string } | undefined; globalStorageUri: { fsPath: string } }): string {
  return (extension.storageUri ?? extension.globalStorageUri).fsPath;
}

export function isInside(root: string | undefined, path: string): boolean {
  if (!root) return false;
  const rel = relative(root, path);
  return !rel.startsWith('..') && !isAbsolute(rel);
}

/** Writes `<dir>/.gitignore` (ignore everything) when `dir` is inside the workspace and has none. */
export async function ignoreInsideWorkspace(root: string | undefined, dir: string): Promise<void> {
  if (!isInside(root, dir) || dir === root) return;
  await mkdir(dir, { recursive: true });
  const file = join(dir, '.gitignore');
  if (!existsSync(file)) await writeFile(file, '# Written by KiloBench: nothing here belongs in the repository.\n*\n');
}
