/**
 * Reading files of a task folder without trusting it: every path must stay inside the folder
 * (symlinks included), text must be UTF-8 without NUL bytes, and sizes are capped so a hostile
 * folder cannot make loading slow or huge.
 */
import { readdir, readFile, readlink, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { TaskError } from './task';

/** Largest task file (task.yaml, instruction.md, solution.yaml…) we read. */
export const MAX_TEXT_FILE_BYTES = 1024 * 1024;
/** Files visited when looking for escaping symlinks; a task folder is a Docker build context, not a disk. */
const MAX_WALK_ENTRIES = 20_000;

export type TextResult = { ok: true; text: string } | { ok: false; missing: boolean; error?: TaskError };

/** True when `child` is `root` or lies under it. */
export function isInside(root: string, child: string): boolean {
  const rel = relative(root, child);
  return rel === '' || (!rel.startsWith('..' + sep) && rel !== '..' && !isAbsolute(rel));
}

/** A path inside the task folder, resolved through symlinks; undefined when it escapes. */
async function resolveInside(root: string, rel: string): Promise<string | undefined> {
  const target = join(root, rel);
  if (!isInside(root, target)) return undefined;
  const real = await realpath(target);
  return isInside(await realpath(root), real) ? real : undefined;
}

export async function exists(root: string, rel: string): Promise<'file' | 'dir' | 'escapes' | undefined> {
  try {
    const real = await resolveInside(root, rel);
    if (!real) return 'escapes';
    const info = await stat(real);
    return info.isDirectory() ? 'dir' : 'file';
  } catch {
    return undefined;
  }
}

/** Read a UTF-8 text file of the task; missing files are `{ok: false, missing: true}` without an error. */
export async function readTaskText(root: string, rel: string): Promise<TextResult> {
  let real: string | undefined;
  try {
    real = await resolveInside(root, rel);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { ok: false, missing: true };
    return { ok: false, missing: false, error: { file: rel, message: `cannot read: ${(e as Error).message}` } };
  }
  if (!real) return { ok: false, missing: false, error: { file: rel, message: 'path leaves the task folder (symlink or ..)' } };
  try {
    const info = await stat(real);
    if (info.isDirectory()) return { ok: false, missing: false, error: { file: rel, message: 'is a folder, expected a file' } };
    // A FIFO or a device would block the read forever (or never end): only regular files are read.
    if (!info.isFile()) return { ok: false, missing: false, error: { file: rel, message: `is a ${specialKind(info)}, expected a regular file` } };
    if (info.size > MAX_TEXT_FILE_BYTES) {
      return { ok: false, missing: false, error: { file: rel, message: `too large (${info.size} bytes; the limit is ${MAX_TEXT_FILE_BYTES})` } };
    }
    const bytes = await readFile(real);
    const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
    if (bytes.includes(0) || text.includes('\uFFFD')) {
      return { ok: false, missing: false, error: { file: rel, message: 'is not UTF-8 text (binary content)' } };
    }
    return { ok: true, text: text.replace(/^\uFEFF/, '') };
  } catch (e) {
    return { ok: false, missing: false, error: { file: rel, message: `cannot read: ${(e as Error).message}` } };
  }
}

/** What a file that is neither a regular file, a folder nor a symlink is, in words. */
function specialKind(info: { isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean }): string {
  if (info.isFIFO()) return 'named pipe (FIFO)';
  if (info.isSocket()) return 'socket';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'device file';
  return 'special file';
}

/**
 * Symlinks anywhere in the task folder that point outside it. The folder is sent to Docker as a
 * build context and copied into containers, so such a link would leak host files into a trial.
 */
export async function findEscapingSymlinks(root: string): Promise<TaskError[]> {
  const errors: TaskError[] = [];
  const realRoot = await realpath(root);
  let visited = 0;
  const walk = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (++visited > MAX_WALK_ENTRIES) return;
      const full = join(dir, entry.name);
      const rel = relative(root, full).split(sep).join('/');
      if (entry.isSymbolicLink()) {
        try {
          const target = await realpath(full);
          if (!isInside(realRoot, target)) errors.push({ file: rel, message: `symlink points outside the task folder (${target})` });
        } catch {
          // A dangling link: harmless unless its text already points outside the folder.
          const text = await readlink(full).catch(() => '');
          const target = resolve(dir, text);
          if (!isInside(root, target) && !isInside(realRoot, target)) {
            errors.push({ file: rel, message: `symlink points outside the task folder (${text})` });
          }
        }
      } else if (entry.isDirectory()) {
        await walk(full);
      } else if (!entry.isFile()) {
        // Docker would try to read it as build context: a FIFO blocks the build, a device leaks the host.
        errors.push({ file: rel, message: `is a ${specialKind(entry)}, not a regular file: remove it from the task folder` });
      }
    }
  };
  await walk(root);
  if (visited > MAX_WALK_ENTRIES) errors.push({ file: '.', message: `more than ${MAX_WALK_ENTRIES} files: too large for a task folder` });
  return errors;
}
