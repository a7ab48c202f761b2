/**
 * The active run as the Benchmark view and the status bar show it, folded from the engine's run events.
 * Pure: unit-tested without VS Code.
 */
import type { RunEvent, RunProgress } from '../core/run';
import { LIVE_PHASES, type LivePhase, type LiveTrialView, type RangeView, type RunStatusView } from '../protocol';
import { formatUsd } from '../core/format';

/** What a trial is, from its `trial_queued` event, kept for the run so later events can name it. */
export type TrialInfo = Map<string, { task: string; model: string; engine?: string }>;

export function startingStatus(runId: string, name: string, total: number, now = Date.now()): RunStatusView {
  return {
    runId, name, state: 'starting', total, done: 0, running: 0, passed: 0, failed: 0, errors: 0,
    spendUsd: 0, unpricedCalls: 0, ratePerMin: 0, elapsedMs: 0, asOf: now, message: 'starting: Docker, metering proxy…',
    trials: [], etaMs: null, forecast: null, projectedUsd: null,
  };
}

/** Per-trial start and phase start times, by trial id, kept beside the status (the view carries elapsed times). */
const clocks = new WeakMap<TrialInfo, Map<string, { startedAt: number; phaseAt: number }>>();

function clockOf(info: TrialInfo, trialId: string, now: number): { startedAt: number; phaseAt: number } {
  let map = clocks.get(info);
  if (!map) clocks.set(info, (map = new Map()));
  let c = map.get(trialId);
  if (!c) map.set(trialId, (c = { startedAt: now, phaseAt: now }));
  return c;
}

/** Time left: the pace of the finished trials, or before any has finished the forecast's wall time less the time spent. */
export function estimateEta(status: RunStatusView): number | null {
  const left = status.total - status.done;
  if (left <= 0) return 0;
  if (status.done > 0 && status.elapsedMs > 0) return Math.round((status.elapsedMs / status.done) * left);
  if (status.forecast) return Math.max(0, Math.round(status.forecast.durationMs.expected - status.elapsedMs));
  return null;
}

/** Spent so far plus the forecast's cost per trial for each trial not finished yet. */
export function projectSpend(status: RunStatusView): RangeView | null {
  const f = status.forecast;
  if (!f || !f.costUsd || f.trials <= 0) return null;
  const left = Math.max(0, status.total - status.done);
  const per = (x: number) => (x / f.trials) * left;
  return { expected: status.spendUsd + per(f.costUsd.expected), low: status.spendUsd + per(f.costUsd.low), high: status.spendUsd + per(f.costUsd.high) };
}

/** Elapsed times, ETA and projection brought up to `now` (called on every change). */
export function retime(status: RunStatusView, now: number, startedAt: number | null, info?: TrialInfo): RunStatusView {
  const elapsedMs = startedAt === null ? status.elapsedMs : Math.max(0, now - startedAt);
  const map = info ? clocks.get(info) : undefined;
  const trials = status.trials.map((t) => {
    const c = map?.get(t.trialId);
    return c ? { ...t, elapsedMs: Math.max(0, now - c.startedAt), phaseElapsedMs: Math.max(0, now - c.phaseAt) } : t;
  });
  const next = { ...status, elapsedMs, asOf: now, trials, ratePerMin: elapsedMs > 1000 ? (status.spendUsd / elapsedMs) * 60_000 : 0 };
  return { ...next, etaMs: isActive(next) ? estimateEta(next) : null, projectedUsd: projectSpend(next) };
}

function withProgress(status: RunStatusView, p: RunProgress): RunStatusView {
  return {
    ...status,
    total: p.total, done: p.done, running: p.running, passed: p.passed, failed: p.failed, errors: p.errors,
    spendUsd: p.spendUsd, unpricedCalls: p.unpricedCalls,
  };
}

/**
 * The status after one event of its run (events of other runs leave it unchanged). `info` remembers
 * which task and model each queued trial is, so the running trials can be named.
 */
export function applyRunEvent(status: RunStatusView, event: RunEvent, now = Date.now(), info: TrialInfo = new Map()): RunStatusView {
  if (event.runId !== status.runId) return status;
  const startedAt = now - status.elapsedMs - Math.max(0, now - status.asOf);
  const next = foldEvent(status, event, now, info);
  if (next === status) return status;
  // From the click on Start (the scheduler's own start comes later, after Docker and the proxy are up).
  const runStart = event.type === 'run_progress' || event.type === 'run_finished' ? Math.min(startedAt, event.progress.startedAt) : startedAt;
  return retime(next, now, runStart, info);
}

function foldEvent(status: RunStatusView, event: RunEvent, now: number, info: TrialInfo): RunStatusView {
  switch (event.type) {
    case 'harness_prepare':
      return { ...status, message: event.message };
    case 'run_started':
      return { ...status, state: 'running', total: event.total, message: null };
    case 'trial_queued':
      info.set(event.trialId, { task: event.taskId, model: event.modelId });
      return status;
    case 'trial_started': {
      if (status.trials.some((t) => t.trialId === event.trialId)) return status;
      const known = info.get(event.trialId);
      const c = clockOf(info, event.trialId, now);
      c.startedAt = now;
      c.phaseAt = now;
      if (known && event.engine) known.engine = event.engine;
      const trial: LiveTrialView = {
        trialId: event.trialId, task: known?.task ?? event.trialId, model: known?.model ?? '', phase: 'waiting', elapsedMs: 0, phaseElapsedMs: 0, spendUsd: 0,
        ...(event.engine ? { engine: event.engine } : {}),
      };
      return { ...status, message: null, trials: [...status.trials, trial] };
    }
    case 'trial_phase': {
      const phase: LivePhase = (LIVE_PHASES as readonly string[]).includes(event.phase) ? (event.phase as LivePhase) : 'agent';
      const c = clockOf(info, event.trialId, now);
      c.phaseAt = now;
      const has = status.trials.some((t) => t.trialId === event.trialId);
      const known = info.get(event.trialId);
      const trials = has
        ? status.trials.map((t) => (t.trialId === event.trialId ? { ...t, phase } : t))
        : [...status.trials, { trialId: event.trialId, task: known?.task ?? event.trialId, model: known?.model ?? '', phase, elapsedMs: 0, phaseElapsedMs: 0, spendUsd: 0, ...(known?.engine ? { engine: known.engine } : {}) }];
      return { ...status, message: null, trials };
    }
    case 'trial_placed': {
      // A trial whose engine was lost moves to another.
      const known = info.get(event.trialId);
      if (known) known.engine = event.engine;
      return { ...status, trials: status.trials.map((t) => (t.trialId === event.trialId ? { ...t, engine: event.engine } : t)) };
    }
    case 'llm_call': {
      const cost = event.call.costUsd ?? 0;
      return { ...status, trials: status.trials.map((t) => (t.trialId === event.trialId ? { ...t, spendUsd: t.spendUsd + cost } : t)) };
    }
    case 'trial_finished':
      clocks.get(info)?.delete(event.trialId);
      return { ...status, trials: status.trials.filter((t) => t.trialId !== event.trialId) };
    case 'run_progress': {
      const next = withProgress(status.state === 'starting' ? { ...status, state: 'running' } : status, event.progress);
      return event.engines && event.engines.length !== status.engineCount ? { ...next, engineCount: event.engines.length } : next;
    }
    case 'run_finished':
      return { ...withProgress(status, event.progress), state: event.status, running: 0, message: null, trials: [] };
    default:
      return status;
  }
}

/** Spend as every other view writes it (the one formatter). */
export const formatMoney = formatUsd;

const ICONS: Record<RunStatusView['state'], string> = {
  starting: '$(loading~spin)', running: '$(loading~spin)', cancelling: '$(loading~spin)',
  finished: '$(pass)', cancelled: '$(circle-slash)', failed: '$(error)',
};

/** `$(loading~spin) $0.42 · 12/30`, then `$(pass) $0.42 · 30/30 done`. */
export function statusBarText(status: RunStatusView): string {
  const unpriced = status.unpricedCalls > 0 ? '+' : '';
  const base = `${ICONS[status.state]} ${formatMoney(status.spendUsd)}${unpriced} · ${status.done}/${status.total}`;
  if (status.state === 'finished') return `${base} done`;
  if (status.state === 'cancelled') return `${base} cancelled`;
  if (status.state === 'failed') return `${base} failed`;
  return base;
}

export function statusBarTooltip(status: RunStatusView): string {
  const lines = [
    `KiloBench run ${status.name} (${status.runId}): ${status.state}`,
    `${status.done} of ${status.total} trials done · ${status.running} running · ${status.passed} passed · ${status.failed} failed${status.errors ? ` · ${status.errors} errors` : ''}`,
    `spend ${formatMoney(status.spendUsd)}${status.unpricedCalls ? ` (+${status.unpricedCalls} unpriced calls)` : ''} · ${formatMoney(status.ratePerMin)}/min`,
  ];
  if (status.message) lines.push(status.message);
  lines.push('Click to open the dashboard.');
  return lines.join('\n');
}

export function isActive(status: RunStatusView | null): boolean {
  return status !== null && (status.state === 'starting' || status.state === 'running' || status.state === 'cancelling');
}
