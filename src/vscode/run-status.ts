/**
 * The active run as the sidebar and the status bar show it, folded from the engine's run events.
 * Pure: unit-tested without VS Code.
 */
import type { RunEvent, RunProgress } from '../core/run/events';
import type { RunStatusView } from '../protocol';
import { formatUsd } from '../core/report/format';

export function startingStatus(runId: string, name: string, total: number): RunStatusView {
  return {
    runId, name, state: 'starting', total, done: 0, running: 0, passed: 0, failed: 0, errors: 0,
    spendUsd: 0, unpricedCalls: 0, ratePerMin: 0, elapsedMs: 0, message: 'starting: Docker, metering proxy…',
  };
}

function withProgress(status: RunStatusView, p: RunProgress, now: number): RunStatusView {
  const elapsedMs = Math.max(0, now - p.startedAt);
  return {
    ...status,
    total: p.total, done: p.done, running: p.running, passed: p.passed, failed: p.failed, errors: p.errors,
    spendUsd: p.spendUsd, unpricedCalls: p.unpricedCalls, elapsedMs,
    ratePerMin: elapsedMs > 1000 ? (p.spendUsd / elapsedMs) * 60_000 : 0,
  };
}

/** The status after one event of its run (events of other runs leave it unchanged). */
export function applyRunEvent(status: RunStatusView, event: RunEvent, now = Date.now()): RunStatusView {
  if (event.runId !== status.runId) return status;
  switch (event.type) {
    case 'harness_prepare':
      return { ...status, message: event.message };
    case 'run_started':
      return { ...status, state: 'running', total: event.total, message: null };
    case 'trial_phase':
      return status.state === 'running' && event.phase === 'image' && status.done === 0 ? { ...status, message: 'building task images…' } : status;
    case 'trial_started':
      return status.message === 'building task images…' ? status : { ...status, message: null };
    case 'run_progress':
      return withProgress(status.state === 'starting' ? { ...status, state: 'running' } : status, event.progress, now);
    case 'run_finished':
      return { ...withProgress(status, event.progress, now), state: event.status, running: 0, message: null };
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
