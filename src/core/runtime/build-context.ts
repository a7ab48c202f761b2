/**
 * A task's Docker build context: the files that go to the engine (honouring .dockerignore) and a
 * content hash over them, so an unchanged task is never rebuilt. Modification times are left out
 * of the hash on purpose: a fresh clone must reuse the images of an older one.
 */
import { createHash } from 'node:crypto';
import { readFile, readdir, lstat, readlink } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { Readable } from 'node:stream';
import dockerignore from '@balena/dockerignore';
import { pack } from 'tar-fs';

/** Bump to rebuild every task image (e.g. when the way images are built changes). */
const RECIPE_VERSION = '1';

export interface BuildContext {
  /** Relative paths (forward slashes) of every file sent to the engine, in byte order (locale-independent, like the hash). */
  files: string[];
  /** sha256 hex of the context's contents and the Dockerfile name. */
  hash: string;
}

async function ignoreFilter(contextDir: string): Promise<(rel: string) => boolean> {
  const text = await readFile(join(contextDir, '.dockerignore'), 'utf8').catch(() => '');
  if (!text.trim()) return () => false;
  const matcher = dockerignore({ ignorecase: false }).add(text.split(/\r?\n/));
  // The Dockerfile and .dockerignore are always sent, as the docker CLI does.
  return (rel) => rel !== 'Dockerfile' && rel !== '.dockerignore' && matcher.ignores(rel);
}

export async function readBuildContext(contextDir: string, dockerfile: string): Promise<BuildContext> {
  const ignored = await ignoreFilter(contextDir);
  const entries: { rel: string; digest: string }[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const full = join(dir, entry.name);
      const rel = relative(contextDir, full).split(sep).join('/');
      if (ignored(rel)) continue;
      const info = await lstat(full);
      if (entry.isDirectory()) {
        await walk(full);
      } else if (entry.isSymbolicLink()) {
        entries.push({ rel, digest: `link:${await readlink(full)}` });
      } else if (entry.isFile()) {
        const content = await readFile(full);
        const exec = (info.mode & 0o111) !== 0 ? 'x' : '-';
        entries.push({ rel, digest: `${exec}:${createHash('sha256').update(content).digest('hex')}` });
      }
    }
  };
  await walk(contextDir);
  const hash = createHash('sha256').update(`kilobench-image-recipe:${RECIPE_VERSION}\ndockerfile:${dockerfile}\n`);
  for (const { rel, digest } of entries) hash.update(`${rel}\0${digest}\n`);
  return { files: entries.map((e) => e.rel), hash: hash.digest('hex') };
}

/** The context as a tar stream for the engine's build endpoint. */
export async function packBuildContext(contextDir: string): Promise<Readable> {
  const ignored = await ignoreFilter(contextDir);
  return pack(contextDir, {
    ignore: (name: string) => {
      const rel = relative(contextDir, name).split(sep).join('/');
      return rel !== '' && ignored(rel);
    },
  }) as unknown as Readable;
}

/** A Docker-safe repository name for a task id. */
export function imageRepository(taskId: string): string {
  const safe = taskId.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+/, '').slice(0, 100) || 'task';
  return `kilobench-task/${safe}`;
}
