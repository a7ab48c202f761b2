/**
 * Load: eight trials at a time on the real Docker engine, through the real metering proxy, against
 * the simulated provider paced like a real model (the built-in agent; each call takes about 0.6 s),
 * for KILOBENCH_LOAD_MINUTES minutes (default 2, the CI form). The full form:
 *
 *   KILOBENCH_LOAD_MINUTES=30 node test/run.mjs test/integration/hardening/load.test.ts
 *
 * One big plan keeps eight trials going the whole time and is cancelled at the deadline. It checks
 * what a user running a long benchmark would notice: no errors (every trial ends passed or failed
 * by the agent, save the few cancelled at the deadline), nothing left running or behind in Docker,
 * memory that does not keep growing (sampled after a full GC), database saves that do not slow
 * down as the database grows, and a bounded rate of updates to the UI (through the same batcher
 * the editor uses) while the raw event rate is far higher, with no event lost. It ends with a
 * summary table of the figures.
 */
import assert from 'node:assert/strict';
import { loadavg } from 'node:os';
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { builtinHarness } from '../../../src/core/harness/builtin/agent';
import { startMeteringProxy, type MeteringProxy } from '../../../src/core/meter';
import { builtinModels } from '../../../src/core/models/models-file';
import { startSimProvider, type SimProvider } from '../../../src/core/providers/sim';
import { EventBatcher, UI_BATCH_INTERVAL_MS } from '../../../src/core/run/event-batcher';
import type { RunEvent } from '../../../src/core/run/events';
import { DEFAULT_SETTINGS, type RunPlan } from '../../../src/core/run/plan';
import { startRun, type RunSummary } from '../../../src/core/run/scheduler';
import { Store } from '../../../src/core/store';
import { bundledTasksDir, loadTask } from '../../../src/core/tasks';
import { applyRunEvent, startingStatus } from '../../../src/vscode/run-status';
import { containersOfRun, dockerRuntime } from '../../helpers/docker';
import { tempDir } from '../../helpers/task-fixtures';

function loadMinutes(): number {
  const raw = process.env.KILOBENCH_LOAD_MINUTES;
  if (raw === undefined || raw === '') return 2;
  const minutes = Number(raw);
  if (!Number.isFinite(minutes) || minutes <= 0) throw new Error(`KILOBENCH_LOAD_MINUTES must be a positive number of minutes, not "${raw}"`);
  return minutes;
}

const MINUTES = loadMinutes();
const DURATION_MS = MINUTES * 60_000;
const CONCURRENCY = 8;
/** Memory is sampled this often, after a full garbage collection. */
const SAMPLE_MS = 5_000;
/** Event loop lag is measured with a timer this often. */
const LOOP_RESOLUTION_MS = 10;
/** Memory and save times are judged after this warm-up (images, caches, JIT, first pages of the database). */
const WARMUP_MS = Math.min(3 * 60_000, Math.max(30_000, DURATION_MS / 4));
/** The simulated provider's pace: a non-streamed answer after this long (the built-in agent does not stream). */
const SIM_LATENCY = { firstTokenMs: 600, chunkMs: 15 };
/** Quick bundled tasks (a few seconds each) and models of both protocols; flaky fails half its trials on purpose. */
const TASK_IDS = ['access-log-report', 'csv-to-json-employees', 'invoice-rounding-bugfix', 'stacktrace-extract', 'backup-rotation-script', 'sqlite-shop-repair'];
const MODEL_IDS = ['sim/direct', 'sim/explorer', 'sim-anthropic/explorer', 'sim/flaky'];
/** Batches per wall-clock second the UI may get: one per interval, plus the run's end delivered at once. */
const MAX_BATCHES_PER_SECOND = Math.floor(1000 / UI_BATCH_INTERVAL_MS) + 1;

/** Memory bounds after the warm-up (the reasons are in the test). */
const HEAP_GROWTH_BOUND = { fixedMb: 24, perTrialKb: 8 };
const RSS_GROWTH_BOUND = { fixedMb: 96, perDbMb: 4 };

// A full GC before each sample, so heap figures are what is live, not what waits to be collected.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** `ran`: trials that had run to their end (passed or failed) by then. */
interface MemorySample { atMs: number; rss: number; heap: number; external: number; ran: number }
interface SaveSample { atMs: number; bytes: number; ms: number }

const MB = 1024 * 1024;
const mb = (bytes: number) => `${(bytes / MB).toFixed(1)} MB`;
const quantile = (values: number[], q: number): number => {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
};
const median = (values: number[]) => quantile(values, 0.5);

describe(`load: ${CONCURRENCY} trials at a time for ${MINUTES} min (real engine, metering proxy, simulated provider)`, function () {
  this.timeout(DURATION_MS + 15 * 60_000);
  let root: string;
  let store: Store | undefined;
  let meter: MeteringProxy | undefined;
  let sim: SimProvider | undefined;
  const saves: SaveSample[] = [];
  let t0 = 0;

  before(async () => {
    root = tempDir('kilobench-load-');
    store = await Store.open(join(root, 'results.sqlite'), { onSave: (s) => saves.push({ atMs: performance.now() - t0, ...s }) });
    meter = await startMeteringProxy();
    sim = await startSimProvider({ latency: SIM_LATENCY });
  });

  after(async () => {
    await Promise.allSettled([meter?.close(), sim?.close()]);
    await store?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('keeps 8 trials going without an error, with bounded memory, steady saves and a bounded UI event rate', async () => {
    const tasks = await Promise.all(TASK_IDS.map((id) => loadTask(join(bundledTasksDir(), id))));
    const models = builtinModels().filter((m) => MODEL_IDS.includes(m.id));
    assert.equal(models.length, MODEL_IDS.length);
    // More trials than can run before the deadline (60-80 a minute on two cores); the rest are cancelled unstarted.
    const pairs = tasks.length * models.length;
    const plan: RunPlan = {
      runId: `load-${Date.now().toString(36)}`, name: 'load', tasks, models, harness: 'builtin',
      settings: { ...DEFAULT_SETTINGS, concurrency: CONCURRENCY, trialsPerPair: Math.ceil((MINUTES * 150 + 50) / pairs) },
    };

    // What the run emits, per second since the start, and what the UI gets through the batcher.
    const second = () => Math.floor((performance.now() - t0) / 1000);
    const rawPerSecond: number[] = [];
    const batchesPerSecond: number[] = [];
    const rawByType = new Map<string, number>();
    const uiByType = new Map<string, number>();
    let status = startingStatus(plan.runId, plan.name, 0);
    let largestBatch = 0;
    const batcher = new EventBatcher((batch) => {
      const s = second();
      batchesPerSecond[s] = (batchesPerSecond[s] ?? 0) + 1;
      largestBatch = Math.max(largestBatch, batch.length);
      for (const event of batch) {
        uiByType.set(event.type, (uiByType.get(event.type) ?? 0) + 1);
        status = applyRunEvent(status, event); // as the status bar and the sidebar fold them
      }
    });
    const startedAt = new Map<string, number>();
    const finishedEvents: Extract<RunEvent, { type: 'trial_finished' }>[] = [];
    let ran = 0;
    const onEvent = (event: RunEvent) => {
      const s = second();
      rawPerSecond[s] = (rawPerSecond[s] ?? 0) + 1;
      rawByType.set(event.type, (rawByType.get(event.type) ?? 0) + 1);
      if (event.type === 'trial_started') startedAt.set(event.trialId, performance.now() - t0);
      if (event.type === 'trial_finished') {
        finishedEvents.push(event);
        if (event.status !== 'cancelled') ran++;
      }
      batcher.push(event);
    };

    const memory: MemorySample[] = [];
    const loads: number[] = [];
    const sample = () => {
      gc();
      const m = process.memoryUsage();
      memory.push({ atMs: performance.now() - t0, rss: m.rss, heap: m.heapUsed, external: m.external + m.arrayBuffers, ran });
      loads.push(loadavg()[0]!);
    };

    // How late timers run (what synchronous work such as a database export costs the rest of the
    // process): between the warm-up and the deadline, and over the whole run (planning, cancel).
    const steadyLoop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
    const wholeLoop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
    // The histogram holds the time between its timer's runs: lateness is that minus the resolution.
    const late = (nanoseconds: number) => `${Math.max(0, nanoseconds / 1e6 - LOOP_RESOLUTION_MS).toFixed(0)} ms`;
    wholeLoop.enable();
    const warmedUp = setTimeout(() => steadyLoop.enable(), WARMUP_MS);
    const abort = new AbortController();
    t0 = performance.now();
    sample();
    const sampler = setInterval(sample, SAMPLE_MS);
    let abortedAt = 0;
    const deadline = setTimeout(() => {
      abortedAt = performance.now();
      steadyLoop.disable();
      abort.abort();
    }, DURATION_MS);
    let summary: RunSummary;
    try {
      summary = await startRun(plan, { runtime: dockerRuntime(), store: store!, meter: meter!, sim: sim!, harness: builtinHarness }, { signal: abort.signal, onEvent });
    } finally {
      clearTimeout(deadline);
      clearTimeout(warmedUp);
      clearInterval(sampler);
      steadyLoop.disable();
      wholeLoop.disable();
      batcher.dispose();
    }
    const stoppedMs = performance.now() - t0;
    const cancelMs = abortedAt ? performance.now() - abortedAt : 0;
    sample();
    await store!.flush();
    const dbBytes = statSync(store!.path).size;

    // ── every trial accounted for ──────────────────────────────────────────────────────────────
    const trials = store!.listTrials(plan.runId);
    const byStatus = new Map<string, number>();
    for (const t of trials) byStatus.set(t.status, (byStatus.get(t.status) ?? 0) + 1);
    const finishedInTime = finishedEvents.filter((e) => e.status !== 'cancelled');
    const cancelledRunning = trials.filter((t) => t.status === 'cancelled' && startedAt.has(t.id));
    const cancelledUnstarted = trials.filter((t) => t.status === 'cancelled' && !startedAt.has(t.id));
    const problems = trials
      .filter((t) => t.status !== 'passed' && t.status !== 'failed' && t.status !== 'cancelled')
      .map((t) => `${t.id}: ${t.status} ${t.error ?? ''}`);
    const retried = trials.filter((t) => t.findings.some((f) => f.kind === 'infra_retry' || f.kind === 'rate_limited'))
      .map((t) => `${t.id}: ${JSON.stringify(t.findings)}`);

    // ── memory after the warm-up ───────────────────────────────────────────────────────────────
    const measured = memory.filter((m) => m.atMs >= WARMUP_MS);
    const base = measured[0] ?? memory[0]!;
    const end = memory.at(-1)!;
    const peak = (key: 'rss' | 'heap') => Math.max(...memory.map((m) => m[key]));
    const trialsSinceBase = end.ran - base.ran;
    const savesMeasured = saves.filter((s) => s.atMs >= WARMUP_MS && s.atMs <= stoppedMs);
    const dbAtBase = savesMeasured[0]?.bytes ?? saves[0]?.bytes ?? 0;
    const dbGrowth = Math.max(0, dbBytes - dbAtBase);
    const heapBound = HEAP_GROWTH_BOUND.fixedMb * MB + trialsSinceBase * HEAP_GROWTH_BOUND.perTrialKb * 1024;
    const rssBound = RSS_GROWTH_BOUND.fixedMb * MB + RSS_GROWTH_BOUND.perDbMb * dbGrowth;

    // ── saves: time per MB early vs late in the measured window ────────────────────────────────
    const third = Math.max(1, Math.floor(savesMeasured.length / 3));
    const msPerMb = (list: SaveSample[]) => median(list.map((s) => s.ms / (s.bytes / MB)));
    const earlySaves = savesMeasured.slice(0, third);
    const lateSaves = savesMeasured.slice(-third);
    const saveBusy = saves.filter((s) => s.atMs <= stoppedMs).reduce((sum, s) => sum + s.ms, 0) / stoppedMs;

    // ── UI event rate ──────────────────────────────────────────────────────────────────────────
    const seconds = Math.ceil(stoppedMs / 1000);
    const rawRates = Array.from({ length: seconds }, (_, i) => rawPerSecond[i] ?? 0);
    const batchRates = Array.from({ length: seconds }, (_, i) => batchesPerSecond[i] ?? 0);
    const steady = (rates: number[]) => rates.slice(Math.floor(WARMUP_MS / 1000));
    const mean = (rates: number[]) => rates.reduce((a, b) => a + b, 0) / Math.max(1, rates.length);
    const durations = finishedInTime.map((e) => e.durationMs / 1000);

    const rows: [string, string][] = [
      ['duration', `${(stoppedMs / 60_000).toFixed(2)} min (load ${MINUTES} min, warm-up ${(WARMUP_MS / 1000).toFixed(0)} s, cancel ${(cancelMs / 1000).toFixed(1)} s), concurrency ${CONCURRENCY}`],
      ['trials', `${finishedInTime.length} finished (${byStatus.get('passed') ?? 0} passed, ${byStatus.get('failed') ?? 0} failed), ${cancelledRunning.length} cancelled running at the deadline, ${cancelledUnstarted.length} never started, ${problems.length} errors`],
      ['trials/min', (finishedInTime.length / (DURATION_MS / 60_000)).toFixed(1)],
      ['trial time', `p50 ${quantile(durations, 0.5).toFixed(1)} s, p95 ${quantile(durations, 0.95).toFixed(1)} s`],
      ['LLM calls', `${rawByType.get('llm_call') ?? 0} (${((rawByType.get('llm_call') ?? 0) / (stoppedMs / 1000)).toFixed(1)}/s)`],
      ['RSS', `start ${mb(memory[0]!.rss)}, after warm-up ${mb(base.rss)}, peak ${mb(peak('rss'))}, end ${mb(end.rss)}; growth ${mb(end.rss - base.rss)} (bound ${mb(rssBound)})`],
      ['heap (after GC)', `start ${mb(memory[0]!.heap)}, after warm-up ${mb(base.heap)}, peak ${mb(peak('heap'))}, end ${mb(end.heap)}; growth ${mb(end.heap - base.heap)} over ${trialsSinceBase} trials (bound ${mb(heapBound)})`],
      ['external+buffers', `after warm-up ${mb(base.external)}, end ${mb(end.external)}`],
      ['raw events/s', `mean ${mean(steady(rawRates)).toFixed(1)}, peak ${Math.max(...rawRates)} (${[...rawByType].map(([k, v]) => `${k} ${v}`).join(', ')})`],
      ['UI batches/s', `mean ${mean(steady(batchRates)).toFixed(2)}, peak ${Math.max(...batchRates)} (bound ${MAX_BATCHES_PER_SECOND}); largest batch ${largestBatch} events`],
      ['database', `${mb(dbBytes)} (${(dbBytes / 1024 / Math.max(1, trials.length - cancelledUnstarted.length)).toFixed(1)} KB per trial run), ${saves.length} saves`],
      ['save time', `median ${median(savesMeasured.map((s) => s.ms)).toFixed(1)} ms; per MB early ${msPerMb(earlySaves).toFixed(1)} ms, late ${msPerMb(lateSaves).toFixed(1)} ms; last ${saves.at(-1)?.ms.toFixed(1)} ms for ${mb(saves.at(-1)?.bytes ?? 0)}; saving busy ${(saveBusy * 100).toFixed(1)}% of the time`],
      ['event loop lag', `after warm-up p50 ${late(steadyLoop.percentile(50))}, p99 ${late(steadyLoop.percentile(99))}, max ${late(steadyLoop.max)} (incl. the sampler's full GCs); whole run max ${late(wholeLoop.max)}`],
      ['load average', `mean ${mean(loads).toFixed(2)}, peak ${Math.max(...loads).toFixed(2)} (2 cores, shared)`],
    ];
    console.log(`\n      load summary\n${rows.map(([k, v]) => `      ${k.padEnd(18)} ${v}`).join('\n')}\n`);

    // No errors: every trial that ran to its end was judged on the agent's work.
    assert.deepEqual(problems, [], 'no infrastructure, provider, harness or verifier errors');
    assert.deepEqual(retried, [], 'no trial needed a retry');
    assert.ok(finishedInTime.length >= CONCURRENCY, `trials ran to their end (${finishedInTime.length})`);
    assert.ok((byStatus.get('passed') ?? 0) > 0 && (byStatus.get('failed') ?? 0) > 0, 'passes and (flaky) fails both seen');
    assert.ok(cancelledRunning.length <= CONCURRENCY, `at most ${CONCURRENCY} trials were running at the deadline (${cancelledRunning.length})`);
    assert.ok(cancelledUnstarted.every((t) => /cancelled before it started/.test(t.error ?? '')), 'the rest never started');
    assert.equal(summary.status, 'cancelled');

    // Nothing left running: no trial without a final status, no container of the run.
    assert.deepEqual(store!.unfinishedTrials(plan.runId).map((t) => t.id), []);
    assert.equal(trials.length, summary.progress.total);
    assert.deepEqual(await containersOfRun(plan.runId), [], 'no labelled container left');

    // No event lost: the UI saw every trial end, and its folded status agrees with the store.
    assert.equal(uiByType.get('trial_finished'), trials.length, 'one trial_finished per trial, through the batcher');
    assert.equal(rawByType.get('trial_finished'), trials.length);
    assert.equal(uiByType.get('trial_started'), rawByType.get('trial_started'));
    assert.equal(uiByType.get('llm_call'), rawByType.get('llm_call'));
    assert.equal(uiByType.get('run_finished'), 1);
    assert.equal(status.state, 'cancelled');
    assert.equal(status.done, trials.length);
    assert.equal(status.passed, byStatus.get('passed') ?? 0);

    // A bounded UI rate while the run emits far more.
    assert.ok(Math.max(...batchRates) <= MAX_BATCHES_PER_SECOND, `UI batches per second ${JSON.stringify(batchRates)}`);
    assert.ok(mean(steady(rawRates)) >= 2 * mean(steady(batchRates)), 'the raw event rate is far above the UI rate');

    // Memory: the heap holds the run's small per-trial bookkeeping only; RSS also holds sql.js's
    // WebAssembly memory (the in-memory database, which grows with the data, and room for each
    // export), hence a bound in database bytes.
    assert.ok(end.heap - base.heap <= heapBound, `heap grew ${mb(end.heap - base.heap)} after the warm-up (bound ${mb(heapBound)})`);
    assert.ok(end.rss - base.rss <= rssBound, `RSS grew ${mb(end.rss - base.rss)} after the warm-up (bound ${mb(rssBound)})`);

    // A save writes the whole database, so it takes longer as the database grows; the store spaces
    // saves by their cost (SAVE_SPACING), so saving never takes a large share of the time. A save
    // getting slower per MB by far more than the machine's noise would be a new problem.
    assert.ok(saveBusy < 0.10, `saving the database took ${(saveBusy * 100).toFixed(1)}% of the time`);
    if (earlySaves.length >= 3 && lateSaves.length >= 3) {
      assert.ok(msPerMb(lateSaves) <= 5 * msPerMb(earlySaves) + 20, `save time per MB went from ${msPerMb(earlySaves).toFixed(1)} to ${msPerMb(lateSaves).toFixed(1)} ms`);
    }
  });
});
