/**
 * One process at a time: two writers would interleave sequence numbers in the same journal and each
 * save over the other's database. The lock is a file created exclusively (O_EXCL) holding the
 * holder's pid and host; a lock whose process is gone (it crashed) is taken over.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, linkSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { StoreError } from './errors';

interface LockInfo {
  pid: number;
  hostname: string;
  since: string;
}

export interface HeldLock {
  path: string;
  /** Set when a stale lock was taken over: the dead holder's pid (null if the lock was unreadable). */
  tookOver?: { pid: number | null };
  release(): void;
}

/** A holder gets this long to write its pid into a lock file it has just created. */
const WRITING_GRACE_MS = 2000;

function readLock(path: string): { raw: string; info: LockInfo | null } | null {
  let raw: string;
  try {
    raw = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    const info = JSON.parse(raw) as Partial<LockInfo>;
    if (typeof info.pid === 'number' && typeof info.hostname === 'string') {
      return { raw, info: { pid: info.pid, hostname: info.hostname, since: String(info.since ?? '') } };
    }
  } catch {
    // Unreadable: treated below.
  }
  return { raw, info: null };
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Throws if the lock is held by a live process (or one we cannot check); returns when it is stale. */
function assertStale(lockPath: string, store: string, lock: { info: LockInfo | null }): void {
  const { info } = lock;
  if (!info) {
    // Empty or garbled: either a holder is between creating and writing it, or it died there.
    let age = Infinity;
    try {
      age = Date.now() - statSync(lockPath).mtimeMs;
    } catch {
      return;
    }
    if (age < WRITING_GRACE_MS) throw new StoreError(`${store} is being opened by another process (lock file ${lockPath}).`, 'locked');
    return;
  }
  if (info.hostname !== hostname()) {
    throw new StoreError(
      `${store} is in use by process ${info.pid} on host ${info.hostname} (since ${info.since}). If that process is gone, delete ${lockPath}.`,
      'locked',
    );
  }
  if (info.pid === process.pid) {
    throw new StoreError(`${store} is already open in this process; close the other Store first.`, 'locked');
  }
  if (isProcessAlive(info.pid)) {
    throw new StoreError(
      `${store} is in use by another KiloBench process (pid ${info.pid}, since ${info.since}). Close it or wait for it to finish.`,
      'locked',
    );
  }
}

export function acquireLock(lockPath: string, store: string): HeldLock {
  const content = JSON.stringify({ pid: process.pid, hostname: hostname(), since: new Date().toISOString() } satisfies LockInfo);
  let tookOver: { pid: number | null } | undefined;
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx', 0o644);
      try {
        writeSync(fd, content);
      } finally {
        closeSync(fd);
      }
      return {
        path: lockPath,
        ...(tookOver ? { tookOver } : {}),
        release: () => {
          // Only remove our own lock (never one a later holder took over).
          if (readLock(lockPath)?.raw === content) unlinkSync(lockPath);
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const existing = readLock(lockPath);
    if (!existing) continue; // released meanwhile: try again
    assertStale(lockPath, store, existing);
    // Stale. Move it aside (atomic) and check that what moved is the lock we judged: if another
    // process took it over in between, put theirs back and give up.
    const aside = `${lockPath}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
    try {
      renameSync(lockPath, aside);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }
    const moved = readLock(aside);
    if (moved?.raw !== existing.raw) {
      try {
        linkSync(aside, lockPath);
      } catch {
        // A newer lock already sits there; theirs stands.
      }
      unlinkSync(aside);
      throw new StoreError(`${store} was just opened by another process (lock file ${lockPath}).`, 'locked');
    }
    unlinkSync(aside);
    tookOver = { pid: existing.info?.pid ?? null };
  }
  throw new StoreError(`could not take the lock ${lockPath} for ${store}; another process keeps taking it.`, 'locked');
}
