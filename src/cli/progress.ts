/**
 * Live run progress for a terminal (one redrawn status line on stderr) or, with --json, one JSON
 * line per event on stdout for machines.
 */
import type { RunEvent, RunProgress } from '../core/run/events';

function money(usd: number): string {
  return usd < 0.01 && usd > 0 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(2)}`;
}

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m` : s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

export function progressLine(p: RunProgress, now = Date.now()): string {
  const width = 24;
  const filled = p.total ? Math.round((p.done / p.total) * width) : 0;
  const elapsed = now - p.startedAt;
  const rate = elapsed > 0 ? (p.spendUsd / elapsed) * 60_000 : 0;
  const eta = p.done > 0 && p.done < p.total ? ` · ETA ${duration((elapsed / p.done) * (p.total - p.done))}` : '';
  const unpriced = p.unpricedCalls ? ` (+${p.unpricedCalls} unpriced calls)` : '';
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.done}/${p.total} · ${p.running} running · ${p.passed} passed · ${p.failed} failed` +
    `${p.errors ? ` · ${p.errors} errors` : ''} · ${money(p.spendUsd)}${unpriced} · ${money(rate)}/min${eta}`;
}

export function progressReporter(options: { json: boolean; tty: boolean }): (event: RunEvent) => void {
  if (options.json) {
    return (event) => {
      // Calls carry their text; keep the JSON lines small and free of model output.
      const line = event.type === 'llm_call'
        ? { ...event, call: { ...event.call, text: undefined, toolCalls: event.call.toolCalls.map((t) => ({ name: t.name, argumentsBytes: t.argumentsBytes })) } }
        : event;
      process.stdout.write(JSON.stringify(line) + '\n');
    };
  }
  let last = 0;
  return (event) => {
    if (event.type === 'harness_prepare') {
      process.stderr.write(options.tty ? `\r\x1b[K${event.message}` : `${event.message}\n`);
      return;
    }
    if (event.type === 'trial_finished' && event.status !== 'passed') {
      const line = `${event.status.padEnd(15)} ${event.taskId} · ${event.modelId}${event.error ? ` — ${event.error.slice(0, 160)}` : ''}`;
      process.stderr.write(options.tty ? `\r\x1b[K${line}\n` : `${line}\n`);
    }
    if (event.type !== 'run_progress' && event.type !== 'run_finished') return;
    const now = Date.now();
    if (event.type === 'run_progress' && now - last < 200 && event.progress.done < event.progress.total) return;
    last = now;
    if (options.tty) process.stderr.write(`\r\x1b[K${progressLine(event.progress, now)}${event.type === 'run_finished' ? '\n' : ''}`);
    else if (event.type === 'run_finished' || event.progress.done !== 0) {
      // Without a terminal, one line per finished trial is enough.
      if (event.type === 'run_finished') process.stderr.write(progressLine(event.progress, now) + '\n');
    }
  };
}
