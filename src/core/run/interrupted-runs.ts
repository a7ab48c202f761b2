/**
 * Runs left "running" by a process that died (kill -9, a crash, a closed laptop). Whoever opens the
 * results store holds its lock, so no other process can be running anything recorded in it: a run
 * still marked running was interrupted. Marking it, and its running trials, `interrupted` makes
 * `kilobench runs`, the editor's tree and reports tell the truth instead of showing a run that
 * never ends; `--resume` runs those trials again as before (interrupted is not a final status).
 */
import type { Store } from '../store';

export interface InterruptedRun {
  runId: string;
  /** Trials that were running when the process died. */
  trials: number;
}

/** Call right after opening the store (never while this process runs something in it). */
export function markInterruptedRuns(store: Store): InterruptedRun[] {
  const marked: InterruptedRun[] = [];
  for (const run of store.listRuns()) {
    if (run.status !== 'running') continue;
    const running = store.listTrials(run.id).filter((t) => t.status === 'running');
    for (const trial of running) {
      store.append({ type: 'trial_updated', runId: run.id, trialId: trial.id, patch: { status: 'interrupted', error: 'the process running this trial stopped before it ended (resume the run to run it again)' } });
    }
    store.append({ type: 'run_updated', runId: run.id, patch: { status: 'interrupted', finishedAt: new Date().toISOString() } });
    marked.push({ runId: run.id, trials: running.length });
  }
  return marked;
}

export function describeInterrupted(run: InterruptedRun): string {
  return `run ${run.runId} was interrupted (the process running it stopped)${run.trials ? ` with ${run.trials} trial(s) under way` : ''}: \`kilobench run --resume ${run.runId}\` runs its unfinished trials`;
}
