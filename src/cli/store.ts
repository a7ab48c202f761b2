/** The results store for CLI commands: `--db FILE`, default `.kilobench/results.sqlite` in the current folder. */
import { randomBytes } from 'node:crypto';
import { Store } from '../core/store';

export const DEFAULT_DB = '.kilobench/results.sqlite';

export async function openCliStore(path: string | undefined): Promise<Store> {
  return Store.open(path ?? DEFAULT_DB, {
    onWarning: (w) => process.stderr.write(`kilobench: store: ${w.message}\n`),
  });
}

/** A sortable, readable run id: `<kind>-20261126-184512-a1b2`. */
export function newRunId(kind: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${kind}-${stamp}-${randomBytes(2).toString('hex')}`;
}
