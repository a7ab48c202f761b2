/**
 * What the Runs tree shows for a given store state: runs → models → trials, with status icons, pass
 * counts and cost. Pure (no VS Code), so it is unit-tested against plain records.
 */
import type { RunRecord, TrialRecord } from '../core/store/records';
import { EXCLUDED_FROM_PASS_RATE, type TrialStatus } from '../core/domain';

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

export interface RunNode extends NodeLook { kind: 'run'; runId: string }
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

export function money(usd: number | null, unknown = 'unpriced'): string {
  if (usd === null) return unknown;
  if (usd === 0) return '$0';
  return usd < 0.01 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(2)}`;
}

export function duration(ms: number | null): string {
  if (ms === null) return '—';
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ${Math.round(s % 60)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

interface Tally { trials: number; attempts: number; passed: number; unfinished: number; cost: number; unpriced: boolean }

function tally(trials: readonly TrialRecord[]): Tally {
  const t: Tally = { trials: trials.length, attempts: 0, passed: 0, unfinished: 0, cost: 0, unpriced: false };
  for (const trial of trials) {
    if (!EXCLUDED_FROM_PASS_RATE.has(trial.status)) t.attempts++;
    if (trial.status === 'passed') t.passed++;
    if (UNFINISHED.has(trial.status)) t.unfinished++;
    if (trial.costUsd === null) t.unpriced ||= trial.costFlags.includes('unpriced');
    else t.cost += trial.costUsd;
  }
  return t;
}

function spend(t: Tally): string {
  return `${money(t.cost)}${t.unpriced ? '+' : ''}`;
}

function shortTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function runNode(run: RunRecord, trials: readonly TrialRecord[], activeRunId: string | null): RunNode {
  const t = tally(trials);
  const active = run.id === activeRunId;
  const models = new Set(trials.map((x) => `${x.modelId}\u0000${x.harness}`)).size;
  const status = active ? 'running' : run.status === 'running' ? 'interrupted' : run.status;
  const icon = active ? { icon: 'loading~spin' }
    : status === 'finished' ? { icon: t.passed > 0 ? 'pass-filled' : 'circle-large-filled', color: t.passed > 0 ? 'testing.iconPassed' : undefined }
    : status === 'cancelled' ? { icon: 'circle-slash' }
    : status === 'interrupted' ? { icon: 'debug-pause', color: 'problemsWarningIcon.foreground' }
    : { icon: 'circle-large-outline' };
  const resumable = !active && t.unfinished > 0;
  return {
    kind: 'run',
    runId: run.id,
    label: run.name || run.id,
    description: `${status} · ${t.passed}/${t.attempts} passed · ${spend(t)}${t.unfinished && !active ? ` · ${t.unfinished} unfinished` : ''}`,
    tooltip: [
      `${run.name} (${run.id})`,
      `${status}, started ${shortTime(run.createdAt)}${run.finishedAt ? `, ended ${shortTime(run.finishedAt)}` : ''}`,
      `harness ${run.plan.harness} · ${run.plan.tasks.length} task(s) × ${models || run.plan.models.length} model(s) × ${run.plan.trialsPerPair} trial(s)`,
      `${t.trials} trials: ${t.passed} passed of ${t.attempts} attempts${t.unfinished ? `, ${t.unfinished} unfinished${resumable ? ' (resume to run them)' : ''}` : ''}`,
      `spend ${spend(t)}`,
    ].join('\n'),
    ...icon,
    contextValue: `run${active ? '.active' : ''}${resumable ? '.resumable' : ''}`,
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
