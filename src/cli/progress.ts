/**
 * Live run progress for a terminal (one status line on stderr, redrawn a few times a second) or,
 * with --json, one JSON line per event on stdout for machines.
 */
import { EventBatcher, type EngineLoad, type RunEvent, type RunProgress } from '../core/run';
import { formatDuration as duration, formatUsd as money } from '../core/format';

/**
 * `local 2/4 (task-a, task-b), tcp 1/2 (task-c), vm1 lost`, for a run on several engines: each
 * engine's slots and the tasks of the trials running there (`running`: engine → task ids).
 */
export function enginesLine(engines: readonly EngineLoad[] | undefined, running?: ReadonlyMap<string, readonly string[]>): string {
  if (!engines || engines.length < 2) return '';
  const tasks = (name: string) => {
    const ids = running?.get(name) ?? [];
    if (ids.length === 0) return '';
    return ` (${ids.slice(0, 2).join(', ')}${ids.length > 2 ? ` +${ids.length - 2}` : ''})`;
  };
  return ` · ${engines.map((e) => `${e.name} ${e.down ? 'lost' : `${e.running}/${e.capacity}${tasks(e.name)}`}`).join(', ')}`;
}

/** Which engine each running trial is on, from the run's events (for the progress line). */
export class RunningTrials {
  private readonly tasks = new Map<string, string>();
  private readonly engines = new Map<string, string>();

  see(event: RunEvent): void {
    if (event.type === 'trial_queued') this.tasks.set(event.trialId, event.taskId);
    else if ((event.type === 'trial_started' || event.type === 'trial_placed') && event.engine) this.engines.set(event.trialId, event.engine);
    else if (event.type === 'trial_finished') this.engines.delete(event.trialId);
  }

  /** engine → task ids of the trials running there. */
  byEngine(): Map<string, string[]> {
    const map = new Map<string, string[]>();
    for (const [trial, engine] of this.engines) map.set(engine, [...(map.get(engine) ?? []), this.tasks.get(trial) ?? trial]);
    return map;
  }
}

export function progressLine(p: RunProgress, now = Date.now(), engines?: readonly EngineLoad[], running?: ReadonlyMap<string, readonly string[]>): string {
  const width = 24;
  const filled = p.total ? Math.round((p.done / p.total) * width) : 0;
  const elapsed = now - p.startedAt;
  const rate = elapsed > 0 ? (p.spendUsd / elapsed) * 60_000 : 0;
  const eta = p.done > 0 && p.done < p.total ? ` · ETA ${duration((elapsed / p.done) * (p.total - p.done))}` : '';
  const unpriced = p.unpricedCalls ? ` (+${p.unpricedCalls} unpriced calls)` : '';
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.done}/${p.total} · ${p.running} running · ${p.passed} passed · ${p.failed} failed` +
    `${p.errors ? ` · ${p.errors} errors` : ''} · ${money(p.spendUsd)}${unpriced} · ${money(rate)}/min${eta}${enginesLine(engines, running)}`;
}

export interface ProgressReporter {
  onEvent(event: RunEvent): void;
  /** Writes what still waits (the run ended without its final event, e.g. it failed). */
  close(): void;
}

export function progressReporter(options: { json: boolean; tty: boolean }): ProgressReporter {
  if (options.json) {
    // A machine stream: every event, at once, as it happened (no batching, no coalescing).
    return {
      onEvent: (event) => {
        // Calls carry their text; keep the JSON lines small and free of model output.
        const line = event.type === 'llm_call'
          ? { ...event, call: { ...event.call, text: undefined, toolCalls: event.call.toolCalls.map((t) => ({ name: t.name, argumentsBytes: t.argumentsBytes })) } }
          : event;
        process.stdout.write(JSON.stringify(line) + '\n');
      },
      close: () => undefined,
    };
  }
  // For people: events in batches (a few a second), the status line redrawn once per batch.
  let engines: EngineLoad[] | undefined;
  const running = new RunningTrials();
  const batcher = new EventBatcher((batch) => {
    let text = '';
    let latest: { progress: RunProgress; final: boolean } | undefined;
    for (const event of batch) {
      running.see(event);
      if (event.type === 'harness_prepare') text += options.tty ? `\r\x1b[K${event.message}` : `${event.message}\n`;
      if (event.type === 'engine_status') text += options.tty ? `\r\x1b[K${event.message}\n` : `${event.message}\n`;
      if (event.type === 'trial_finished' && event.status !== 'passed') {
        const line = `${event.status.padEnd(15)} ${event.taskId} · ${event.modelId}${event.engine ? ` @ ${event.engine}` : ''}${event.error ? ` — ${event.error.slice(0, 160)}` : ''}`;
        text += options.tty ? `\r\x1b[K${line}\n` : `${line}\n`;
      }
      if (event.type === 'run_progress') {
        latest = { progress: event.progress, final: false };
        engines = event.engines ?? engines;
      }
      if (event.type === 'run_finished') latest = { progress: event.progress, final: true };
    }
    if (latest && options.tty) text += `\r\x1b[K${progressLine(latest.progress, Date.now(), engines, running.byEngine())}${latest.final ? '\n' : ''}`;
    // Without a terminal there is nothing to redraw: the final line only.
    else if (latest?.final) text += progressLine(latest.progress, Date.now(), engines) + '\n';
    if (text) process.stderr.write(text);
  });
  return { onEvent: (event) => batcher.push(event), close: () => batcher.dispose() };
}
