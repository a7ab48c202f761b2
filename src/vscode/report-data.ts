/**
 * A run's (or several runs') report, built by the core from the store (`reportFromStore`, the same
 * as `kilobench report`): the one source of the dashboard and of every export, so they cannot
 * disagree with the CLI.
 */
import type { Report } from '../core/report';
import type { TrialRecord } from '../core/store';
import type { Ready } from './engine';

export interface ReportData {
  report: Report;
  /** The runs' trials, for the dashboard's "trials of this pair" lists. */
  trials: TrialRecord[];
}

/** `tasks`: only these tasks' trials (a workspace's mined tasks); default every task. */
export function loadReport({ core, store }: Ready, runIds: readonly string[], tasks?: readonly string[]): ReportData {
  const report = core.reportFromStore(store, [...runIds], { generatedAt: new Date().toISOString(), ...(tasks ? { tasks } : {}) });
  return { report, trials: runIds.flatMap((id) => store.listTrials(id)) };
}
