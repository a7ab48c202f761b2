/**
 * Which engine a trial runs on. Each engine has a capacity (trials at once) and, when it said so, the
 * cpus and memory it offers a container; a trial goes to a live engine with a free slot that fits its
 * task, the one with the most free slots first, in the order trials asked. An engine that is lost
 * (its daemon does not answer) takes no trials; it is probed with back-off and rejoins when it
 * answers. When every engine is lost the run pauses (waiting trials keep waiting) and says so once.
 */
import { setMaxListeners } from 'node:events';
import { InfraError } from '../errors';
import type { TrialEngine } from './trial-attempt';
import type { EngineLoad } from './events';

export interface PoolEngine extends TrialEngine {
  /** Trials at once. */
  capacity: number;
  /** What the engine offers one container (its CPUs, its memory); undefined when unknown. */
  cpus?: number;
  memoryMb?: number;
  labels: Readonly<Record<string, string>>;
  /** Whether the engine answers right now. */
  alive(): Promise<boolean>;
  /** Before it takes trials again after being lost: clean what the loss left and reopen its channel. */
  rejoin?(): Promise<void>;
}

/** What a task asks of an engine. */
export interface TaskNeeds {
  cpus: number;
  memoryMb: number;
}

export interface PlacementEvents {
  lost?(engine: PoolEngine, error: string): void;
  rejoined?(engine: PoolEngine): void;
  /** Every engine is lost: the run waits for one to answer again. */
  paused?(engines: PoolEngine[]): void;
}

interface EngineState {
  engine: PoolEngine;
  running: number;
  down: boolean;
  probe?: NodeJS.Timeout;
}

interface Waiter {
  needs: TaskNeeds;
  resolve(engine: PoolEngine | undefined): void;
}

/** Back-off of the probes of a lost engine: 1 s, 2 s, 4 s … up to 30 s. */
export const PROBE_DELAYS_MS = { first: 1000, max: 30_000 };

export function fits(engine: PoolEngine, needs: TaskNeeds): boolean {
  return (engine.cpus === undefined || needs.cpus <= engine.cpus) && (engine.memoryMb === undefined || needs.memoryMb <= engine.memoryMb);
}

export class EnginePlacement {
  private readonly states: EngineState[];
  private readonly waiters: Waiter[] = [];
  private stopped = false;
  private pausedSaid = false;

  constructor(engines: PoolEngine[], private readonly events: PlacementEvents = {}, private readonly probeDelays = PROBE_DELAYS_MS) {
    if (engines.length === 0) throw new InfraError('a run needs at least one Docker engine');
    this.states = engines.map((engine) => ({ engine, running: 0, down: false }));
  }

  get engines(): PoolEngine[] {
    return this.states.map((s) => s.engine);
  }

  /** Slots in use and whether it is lost, per engine (for progress lines). */
  snapshot(): EngineLoad[] {
    return this.states.map((s) => ({ name: s.engine.name, running: s.running, capacity: s.engine.capacity, down: s.down }));
  }

  /**
   * A slot on an engine that fits the task, waiting for one when none is free; undefined when the
   * signal aborted or placement stopped. Throws when no engine of the pool could ever fit the task.
   */
  acquire(needs: TaskNeeds, signal?: AbortSignal): Promise<PoolEngine | undefined> {
    if (!this.states.some((s) => fits(s.engine, needs))) {
      const offered = this.states.map((s) => `${s.engine.name}: ${s.engine.cpus ?? '?'} cpus, ${s.engine.memoryMb ?? '?'} MiB`).join('; ');
      return Promise.reject(new InfraError(`no engine of the run can hold this task (${needs.cpus} cpus, ${needs.memoryMb} MiB); engines offer ${offered}`));
    }
    if (signal?.aborted || this.stopped) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const waiter: Waiter = { needs, resolve };
      const onAbort = () => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        resolve(undefined);
      };
      // One listener per waiting trial on the run's signal: hundreds are expected in a big run, not a leak.
      if (signal) setMaxListeners(0, signal);
      signal?.addEventListener('abort', onAbort, { once: true });
      waiter.resolve = (engine) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(engine);
      };
      this.waiters.push(waiter);
      this.grant();
    });
  }

  release(engine: PoolEngine): void {
    const state = this.state(engine);
    state.running = Math.max(0, state.running - 1);
    this.grant();
  }

  /** Whether the engine still answers; when it does not, it takes no trials until it does again. */
  async checkLost(engine: PoolEngine, error: string): Promise<boolean> {
    const state = this.state(engine);
    if (state.down) return true;
    if (await engine.alive().catch(() => false)) return false;
    if (state.down) return true;
    state.down = true;
    this.events.lost?.(engine, error);
    this.scheduleProbe(state, this.probeDelays.first);
    this.sayIfPaused();
    return true;
  }

  /** Stop probing and hand every waiting trial `undefined`. */
  stop(): void {
    this.stopped = true;
    for (const state of this.states) clearTimeout(state.probe);
    for (const waiter of this.waiters.splice(0)) waiter.resolve(undefined);
  }

  private state(engine: PoolEngine): EngineState {
    const state = this.states.find((s) => s.engine === engine);
    if (!state) throw new Error(`engine ${engine.name} is not in this pool`);
    return state;
  }

  private scheduleProbe(state: EngineState, delay: number): void {
    if (this.stopped) return;
    state.probe = setTimeout(() => {
      void (async () => {
        if (this.stopped) return;
        const alive = await state.engine.alive().catch(() => false);
        const rejoined = alive && await (state.engine.rejoin?.() ?? Promise.resolve()).then(() => true, () => false);
        if (this.stopped) return;
        if (!rejoined) return this.scheduleProbe(state, Math.min(delay * 2, this.probeDelays.max));
        state.down = false;
        this.pausedSaid = false;
        this.events.rejoined?.(state.engine);
        this.grant();
      })();
    }, delay);
    state.probe.unref?.();
  }

  private sayIfPaused(): void {
    if (this.pausedSaid || this.states.some((s) => !s.down)) return;
    this.pausedSaid = true;
    this.events.paused?.(this.engines);
  }

  /** Hand free slots to waiting trials, in the order they asked. */
  private grant(): void {
    for (let i = 0; i < this.waiters.length;) {
      const waiter = this.waiters[i] as Waiter;
      const free = this.states
        .filter((s) => !s.down && s.running < s.engine.capacity && fits(s.engine, waiter.needs))
        .sort((a, b) => (b.engine.capacity - b.running) - (a.engine.capacity - a.running))[0];
      if (!free) {
        i++;
        continue;
      }
      free.running++;
      this.waiters.splice(i, 1);
      waiter.resolve(free.engine);
    }
  }
}
