/** Where the tasks shipped with KiloBench live: `tasks/` at the package root. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The bundled task folder. Bundles run from `dist/` and sources from `src/core/tasks/`, so walk up
 * from this module until a folder with both package.json and tasks/ appears.
 */
export function bundledTasksDir(from: string = __dirname): string {
  let dir = from;
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'tasks'))) return join(dir, 'tasks');
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`bundled tasks not found above ${from}`);
    dir = parent;
  }
}
