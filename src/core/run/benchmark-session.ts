/**
 * Everything a benchmark run needs, started together and stopped together: the container runtime,
 * the results store, the metering proxy and (for simulated models) the simulated provider. The CLI
 * and the editor both start runs through this, so neither duplicates the wiring.
 */
import type { ContainerRuntime } from '../runtime/container-runtime';
import { DockerRuntime } from '../runtime/docker/docker-runtime';
import { startMeteringProxy, type MeteringProxy } from '../meter';
import { startSimProvider, type SimProvider } from '../providers/sim';
import { Store, type StoreWarning } from '../store';
import type { Harness } from '../harness/harness';
import type { RunEvent } from './events';
import { planHarnesses, type RunPlan } from './plan';
import { getHarness } from '../harness/registry';
import { markInterruptedRuns } from './interrupted-runs';
import { resumeRun, startRun, type RunSummary, type SchedulerDeps } from './scheduler';
import { prebuildTaskImages } from './image-prebuild';
import type { EngineEntry } from '../runtime/engines-config';
import { engineError, openEngines, type OpenedEngine } from '../runtime/docker/docker-engines';
import { InfraError } from '../errors';
import { ImageRegistry, probeRegistry } from '../runtime/docker/image-registry';

export interface SessionOptions {
  dbPath: string;
  dockerHost?: string;
  /**
   * A pool of engines (`--docker-host` repeated, `--engines FILE`): trials are placed on them; the
   * first also serves what needs one engine. Capacities left out take the run's concurrency.
   */
  engines?: readonly EngineEntry[];
  /**
   * A registry (HOST:PORT) the pool's engines share task images through: each image is built once,
   * by the first engine that needs it, pushed, and pulled by the others. Checked to answer at open.
   */
  registry?: string;
  onStoreWarning?: (warning: StoreWarning) => void;
  /** Lines from the metering proxy (keys are redacted there). */
  log?: (line: string) => void;
  /**
   * A store the caller already holds open on `dbPath` (a process may hold only one): the session
   * uses it and leaves it open on close. The editor keeps one store for its views and its runs.
   */
  store?: Store;
}

export class BenchmarkSession {
  private sim: SimProvider | undefined;
  private readonly opened: OpenedEngine[] = [];

  private constructor(
    readonly runtime: ContainerRuntime,
    readonly store: Store,
    readonly meter: MeteringProxy,
    private readonly ownsStore: boolean,
    private readonly dockerHost: string | undefined,
    private readonly engineEntries: readonly EngineEntry[] = [],
    private readonly registry?: ImageRegistry,
  ) {}

  static async open(options: SessionOptions): Promise<BenchmarkSession> {
    const pool = options.engines?.length ? options.engines : undefined;
    const dockerHost = pool ? pool[0]?.host : options.dockerHost;
    // With a pool, the first engine also serves what needs one engine: with its own credentials.
    const first = pool?.[0];
    const runtime = new DockerRuntime(dockerHost, first?.tlsCertDir ? { credentials: { tlsCertDir: first.tlsCertDir } } : {});
    await runtime.ping().catch((e: Error) => {
      throw first ? new InfraError(engineError(first, e), undefined, { cause: e }) : e;
    });
    if (options.registry) await probeRegistry(options.registry);
    const store = options.store ?? await Store.open(options.dbPath, options.onStoreWarning ? { onWarning: options.onStoreWarning } : {});
    try {
      // A store it opened itself may still show runs of a process that died as running.
      if (!options.store) markInterruptedRuns(store);
      const meter = await startMeteringProxy(options.log ? { log: options.log } : {});
      return new BenchmarkSession(runtime, store, meter, !options.store, dockerHost, pool ?? [], options.registry ? new ImageRegistry(options.registry) : undefined);
    } catch (e) {
      if (!options.store) await store.close();
      throw e;
    }
  }

  /** The run's engines, opened for it (each asked what it offers); none when the session has one engine. */
  private async openPool(plan: RunPlan): Promise<OpenedEngine[]> {
    if (this.engineEntries.length === 0) return [];
    return openEngines(this.engineEntries, Math.max(1, plan.settings.concurrency), () => this.meter.url, this.registry ? { registry: this.registry } : {});
  }

  private async deps(plan: RunPlan, harness: Harness, extra: Partial<SchedulerDeps>, onEvent?: (e: RunEvent) => void): Promise<SchedulerDeps> {
    if (plan.models.some((m) => m.provider === 'sim') && !this.sim) this.sim = await startSimProvider();
    // A harness that needs something on the host first (the Kilo binary) gets it now, once per run;
    // every harness of a run of several (versions) does, before any trial, so a bad version fails early.
    const prepare = (h: Harness) => h.prepare
      ? h.prepare({ ...(this.dockerHost ? { dockerHost: this.dockerHost } : {}), ...(this.runtime instanceof DockerRuntime ? { engineVersion: () => (this.runtime as DockerRuntime).engineVersion() } : {}), onProgress: (message) => onEvent?.({ type: 'harness_prepare', runId: plan.runId, message }) })
      : Promise.resolve(undefined);
    const prepared = await prepare(harness);
    const others = new Map<string, { harness: Harness; mounts?: { hostPath: string; containerPath: string }[] }>();
    for (const name of planHarnesses(plan).filter((n) => n !== harness.name)) {
      const other = getHarness(name);
      const mounts = (await prepare(other))?.mounts;
      others.set(name, { harness: other, ...(mounts?.length ? { mounts } : {}) });
    }
    const engines = await this.openPool(plan);
    this.opened.push(...engines);
    return {
      runtime: this.runtime, store: this.store, meter: this.meter, harness,
      ...(engines.length ? { engines } : {}),
      ...(this.sim ? { sim: this.sim } : {}),
      ...(prepared?.mounts.length ? { harnessMounts: prepared.mounts } : {}),
      ...(others.size ? { harnesses: others } : {}),
      ...extra,
    };
  }

  async start(plan: RunPlan, harness: Harness, options: { signal?: AbortSignal; onEvent?: (e: RunEvent) => void; extra?: Partial<SchedulerDeps> } = {}): Promise<RunSummary> {
    // Later tasks' images are built while the harness is prepared and the first trials run; the
    // builds stop with the run (cancelled, finished or failed to start). A pool's engines each build
    // their own once they are open (scheduler.ts): this runtime is not theirs.
    const prebuild = new AbortController();
    const stop = () => prebuild.abort();
    options.signal?.addEventListener('abort', stop, { once: true });
    if (this.engineEntries.length === 0) void prebuildTaskImages(this.runtime, plan.tasks, { ...(plan.settings.buildImages ? { buildImages: true } : {}), signal: prebuild.signal });
    try {
      return await startRun(plan, await this.deps(plan, harness, options.extra ?? {}, options.onEvent), options);
    } finally {
      options.signal?.removeEventListener('abort', stop);
      stop();
    }
  }

  async resume(plan: RunPlan, harness: Harness, options: { signal?: AbortSignal; onEvent?: (e: RunEvent) => void; extra?: Partial<SchedulerDeps> } = {}): Promise<RunSummary> {
    return resumeRun(plan, await this.deps(plan, harness, options.extra ?? {}, options.onEvent), options);
  }

  async close(): Promise<void> {
    for (const engine of this.opened.splice(0)) engine.close();
    await Promise.allSettled([this.meter.close(), this.sim?.close()]);
    if (this.ownsStore) await this.store.close();
  }
}
