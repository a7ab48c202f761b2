/**
 * Replacing a file so that, whatever moment the process dies at, the target path holds either the
 * old complete file or the new complete file, never a mix: write a temporary file in the same folder
 * (rename is only atomic within one file system), fsync it (so the rename cannot reach the disk
 * before the data), rename it over the target, then fsync the folder (so the rename itself survives
 * a power cut).
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readdirSync, unlinkSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Temporary files of `target` are `<target>.tmp-<pid>-<random>`; nothing else matches. */
export function tempPrefix(target: string): string {
  return `${basename(target)}.tmp-`;
}

export async function writeFileAtomic(target: string, data: Uint8Array): Promise<void> {
  const temp = join(dirname(target), `${tempPrefix(target)}${process.pid}-${randomBytes(4).toString('hex')}`);
  let renamed = false;
  try {
    const handle = await open(temp, 'wx', 0o644);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
    renamed = true;
    fsyncDirectory(dirname(target));
  } finally {
    if (!renamed) await unlink(temp).catch(() => undefined);
  }
}

/** Makes a rename or a newly created file in `dir` durable. Not possible on Windows; skipped there. */
export function fsyncDirectory(dir: string): void {
  if (process.platform === 'win32') return;
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Removes temporary files a crash left behind next to `target`. Only safe while holding the store's
 * lock (no save of ours can be in flight). Returns the names removed.
 */
export function removeStaleTemps(target: string): string[] {
  const prefix = tempPrefix(target);
  const removed: string[] = [];
  for (const name of readdirSync(dirname(target))) {
    if (!name.startsWith(prefix)) continue;
    try {
      unlinkSync(join(dirname(target), name));
      removed.push(name);
    } catch {
      // Already gone: nothing to clean.
    }
  }
  return removed;
}
