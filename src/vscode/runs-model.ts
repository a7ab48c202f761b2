/**
 * What the Runs tree shows for a given store state: runs → models → trials, with status icons, pass
 * counts and cost. Pure (no VS Code), so it is unit-tested against plain records.
 */
import type { RunRecord, TrialRecord } from '../core/store';
import { EXCLUDED_FROM_PASS_RATE, FINAL_STATUSES, type TrialStatus } from '../core/domain';
import { formatCost, formatDate, formatDuration, formatShortDate, plural } from '../core/format';

export interface NodeLook {
  label: string;
  description: string;
  tooltip: string;
  /** A codicon name. */
  icon: string;
  /** A theme colour id for the icon, if any. */
  color?: string;
  contextValue: string;
}

export interface RunNode extends NodeLook { kind: 'run'; runId: string; state: RunState }
export interface ModelNode extends NodeLook { kind: 'model'; runId: string; model: string; harness: string }
export interface TrialNode extends NodeLook { kind: 'trial'; runId: string; trialId: string }
export type RunsNode = RunNode | ModelNode | TrialNode;

const UNFINISHED: ReadonlySet<TrialStatus> = new Set(['queued', 'running', 'interrupted']);

export const TRIAL_ICONS: Record<TrialStatus, { icon: string; color?: string }> = {
  queued: { icon: 'circle-large-outline' },
  running: { icon: 'loading~spin' },
  passed: { icon: 'pass', color: 'testing.iconPassed' },
  failed: { icon: 'error', color: 'testing.iconFailed' },
  timeout: { icon: 'watch', color: 'testing.iconFailed' },
  test_timeout: { icon: 'watch', color: 'problemsWarningIcon.foreground' },
  budget_exceeded: { icon: 'credit-card', color: 'problemsWarningIcon.foreground' },
  harness_error: { icon: 'bug', color: 'testing.iconFailed' },
  provider_error: { icon: 'cloud', color: 'problemsWarningIcon.foreground' },
  infra_error: { icon: 'warning', color: 'problemsWarningIcon.foreground' },
  verifier_error: { icon: 'warning', color: 'problemsWarningIcon.foreground' },
  cancelled: { icon: 'circle-slash' },
  interrupted: { icon: 'debug-pause', color: 'problemsWarningIcon.foreground' },
};

/** Money and durations as every view writes them (the one formatter). */
export const money = formatCost;
export const duration = formatDuration;

/** Ended without a verdict on the model's work (the run's setup, the verifier or the provider failed). */
const ERRORS: ReadonlySet<TrialStatus> = new Set([...EXCLUDED_FROM_PASS_RATE].filter((s) => FINAL_STATUSES.has(s) && s !== 'cancelled'));

interface Tally { trials: number; attempts: number; passed: number; failed: number; errors: number; unfinished: number; cost: number; unpriced: boolean }

function tally(trials: readonly TrialRecord[]): Tally {
  const t: Tally = { trials: trials.length, attempts: 0, passed: 0, failed: 0, errors: 0, unfinished: 0, cost: 0, unpriced: false };
  for (const trial of trials) {
    if (!EXCLUDED_FROM_PASS_RATE.has(trial.status)) t.attempts++;
    if (trial.status === 'passed') t.passed++;
    else if (!EXCLUDED_FROM_PASS_RATE.has(trial.status)) t.failed++;
    if (ERRORS.has(trial.status)) t.errors++;
    if (UNFINISHED.has(trial.status)) t.unfinished++;
    if (trial.costUsd === null) t.unpriced ||= trial.costFlags.includes('unpriced');
    else t.cost += trial.costUsd;
  }
  return t;
}

function spend(t: Tally): string {
  return `${money(t.cost)}${t.unpriced ? '+' : ''}`;
}

/** What the run row's icon says: one shape (and colour) per state, so 7/18 never looks like 8/8. */
export type RunState = 'running' | 'all-passed' | 'some-failed' | 'errors' | 'cancelled' | 'interrupted' | 'empty';

export const RUN_ICONS: Record<RunState, { icon: string; color?: string; text: string }> = {
  running: { icon: 'loading~spin', text: 'running' },
  'all-passed': { icon: 'pass-filled', color: 'testing.iconPassed', text: 'all passed' },
  'some-failed': { icon: 'error', color: 'testing.iconFailed', text: 'some failed' },
  errors: { icon: 'warning', color: 'problemsWarningIcon.foreground', text: 'errors' },
  cancelled: { icon: 'circle-slash', text: 'cancelled' },
  interrupted: { icon: 'debug-pause', color: 'problemsWarningIcon.foreground', text: 'interrupted' },
  empty: { icon: 'circle-large-outline', text: 'no trials' },
};

export function runState(run: RunRecord, t: Tally, active: boolean): RunState {
  if (active) return 'running';
  if (run.status === 'running' || run.status === 'interrupted') return 'interrupted';
  if (t.errors > 0) return 'errors';
  if (t.failed > 0) return 'some-failed';
  if (run.status === 'cancelled' && t.unfinished > 0) return 'cancelled';
  if (t.attempts > 0 && t.passed === t.attempts) return 'all-passed';
  return run.status === 'cancelled' ? 'cancelled' : 'empty';
}

function share(passed: number, attempts: number): string {
  return attempts > 0 ? `${passed}/${attempts} passed (${Math.round((passed / attempts) * 100)}%)` : 'no attempts';
}

export function runNode(run: RunRecord, trials: readonly TrialRecord[], activeRunId: string | null): RunNode {
  const t = tally(trials);
  const active = run.id === activeRunId;
  const models = new Set(trials.map((x) => `${x.modelId}\u0000${x.harness}`)).size;
  const status = active ? 'running' : run.status === 'running' ? 'interrupted' : run.status;
  const state = runState(run, t, active);
  const { text: stateText, ...icon } = RUN_ICONS[state];
  const resumable = !active && t.unfinished > 0;
  return {
    kind: 'run',
    runId: run.id,
    label: run.name || run.id,
    description: `${formatShortDate(run.createdAt)} · ${share(t.passed, t.attempts)}${t.errors ? ` · ${plural(t.errors, 'error')}` : ''} · ${spend(t)}${t.unfinished && !active ? ` · ${t.unfinished} unfinished` : ''}`,
    tooltip: [
      `${run.name} (${run.id})`,
      `${stateText} (${status}), started ${formatDate(run.createdAt)}${run.finishedAt ? `, ended ${formatDate(run.finishedAt)}` : ''}`,
      `harness ${run.plan.harness} · ${plural(run.plan.tasks.length, 'task')} × ${plural(models || run.plan.models.length, 'model')} × ${plural(run.plan.trialsPerPair, 'trial')}`,
      `${t.trials} trials: ${t.passed} passed of ${t.attempts} attempts${t.unfinished ? `, ${t.unfinished} unfinished${resumable ? ' (resume to run them)' : ''}` : ''}`,
      `spend ${spend(t)}`,
    ].join('\n'),
    ...icon,
    contextValue: `run${active ? '.active' : ''}${resumable ? '.resumable' : ''}`,
    state,
  } as RunNode;
}

export function modelNodes(run: RunRecord, trials: readonly TrialRecord[]): ModelNode[] {
  const groups = new Map<string, TrialRecord[]>();
  for (const trial of trials) {
    const key = `${trial.modelId}\u0000${trial.harness}`;
    groups.set(key, [...(groups.get(key) ?? []), trial]);
  }
  const harnesses = new Set(trials.map((x) => x.harness));
  return [...groups.values()].map((list) => {
    const first = list[0] as TrialRecord;
    const t = tally(list);
    const allPassed = t.attempts > 0 && t.passed === t.attempts;
    return {
      kind: 'model',
      runId: run.id,
      model: first.modelId,
      harness: first.harness,
      label: harnesses.size > 1 ? `${first.modelId} · ${first.harness}` : first.modelId,
      description: `${t.passed}/${t.attempts} passed · ${spend(t)}`,
      tooltip: `${first.modelId} in the ${first.harness} harness\n${t.trials} trials, ${t.passed} passed of ${t.attempts} attempts${t.unfinished ? `, ${t.unfinished} unfinished` : ''}\nspend ${spend(t)}`,
      icon: first.modelId.startsWith('sim') ? 'beaker' : 'hubot',
      ...(allPassed ? { color: 'testing.iconPassed' } : {}),
      contextValue: 'model',
    } as ModelNode;
  });
}

export function trialNodes(trials: readonly TrialRecord[]): TrialNode[] {
  return trials.map((trial) => {
    const look = TRIAL_ICONS[trial.status];
    const tests = trial.testsPassed !== null || trial.testsFailed !== null ? ` · tests ${trial.testsPassed ?? 0}/${(trial.testsPassed ?? 0) + (trial.testsFailed ?? 0)}` : '';
    return {
      kind: 'trial',
      runId: trial.runId,
      trialId: trial.id,
      label: `${trial.taskId} #${trial.trialIndex + 1}`,
      description: `${trial.status.replace(/_/g, ' ')} · ${money(trial.costUsd, trial.costFlags.includes('unpriced') ? 'unpriced' : '—')} · ${duration(trial.durationMs)}`,
      tooltip: [
        `${trial.taskId} · ${trial.modelId} · ${trial.harness} · trial ${trial.trialIndex + 1}`,
        `status ${trial.status}${tests}`,
        `cost ${money(trial.costUsd)} · tokens in ${trial.tokens.input + trial.tokens.cacheRead + trial.tokens.cacheWrite}, out ${trial.tokens.output}`,
        ...(trial.error ? [`error: ${trial.error.slice(0, 300)}`] : []),
      ].join('\n'),
      icon: look.icon,
      ...(look.color ? { color: look.color } : {}),
      contextValue: 'trial',
    } as TrialNode;
  });
}
