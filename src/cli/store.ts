/** The results store for CLI commands: `--db FILE`, default `.kilobench/results.sqlite` in the current folder. */
import { describeInterrupted, markInterruptedRuns } from '../core/run';
import { Store } from '../core/store';

export const DEFAULT_DB = '.kilobench/results.sqlite';

export async function openCliStore(path: string | undefined): Promise<Store> {
  const store = await Store.open(path ?? DEFAULT_DB, {
    onWarning: (w) => process.stderr.write(`kilobench: store: ${w.message}\n`),
  });
  for (const run of markInterruptedRuns(store)) process.stderr.write(`kilobench: ${describeInterrupted(run)}\n`);
  return store;
}

/** A sortable, readable run id (kept here for the CLI's commands; it lives in the core). */
export { newRunId } from '../core/run';
