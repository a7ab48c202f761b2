/**
 * The results store and the analysis at scale: 10,000 trials and 1,000,000 metered LLM calls in a
 * real Store, against baselines measured in the same run.
 *
 *   node --require tsx/cjs bench/store-analysis/run.ts [trials] [callsPerTrial] [--bundled]
 *
 * `--bundled` runs this file from an esbuild bundle built as the shipped `dist/` is (minified,
 * node20, the sql.js wasm beside it), so the report code runs as users run it: under tsx every
 * imported binding is a getter and every named function is wrapped, which a bundle has not.
 *
 * Data: one run, 5 models × 100 tasks × 20 trials (defaults), statuses mixed like a real run
 * (passed, failed, timeouts, a few provider/infra errors), ~100 calls per trial whose context grows
 * step by step with cache reads, priced with KiloBench's own price list, a few tool calls per call,
 * and a small transcript (4 events) per trial.
 *
 * How the data gets in: the events are written as the run's journal (the JSONL file the store
 * itself writes, one `{seq, …event}` line each) and `Store.open` replays it, i.e. every event goes
 * through the store's own validation (`parseJournalLine`) and apply code in one transaction. That is
 * the store's bulk path (the one recovery uses); `append` would fsync-free write the same lines one
 * by one and is only slower by the write(2) per event.
 *
 * Figures, each with its baseline:
 *   report build (`reportFromStore` as the dashboard and `kilobench report` call it, 5 builds in one
 *   process: the first computes, the rest reuse the analysis of the unchanged store), wall and CPU,
 *   vs `listTrials` of the same run; the paired comparisons, computed on their first read (HTML,
 *   JSON, the dashboard; a table or CSV never reads them), timed apart; the same build with the
 *   cache off (every build computes everything);
 *   database save (`flush`: export + temp file + fsync + rename) vs writeFileSync + fsync of as many bytes;
 *   database file size vs the run's JSONL journal.
 */
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, mkdirSync, fsyncSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { priceCall } from '../../src/core/pricing';
import { mulberry32 } from '../../src/core/random';
import { reportFromStore } from '../../src/core/report/from-store';
import { Store } from '../../src/core/store';
import { journalPath, journalsDir } from '../../src/core/store/journal';
import { findSqlWasm } from '../../src/core/store/sqljs';

const BUNDLED = process.argv.includes('--bundled');
const ARGS = process.argv.slice(2).filter((a) => a !== '--bundled');
const TRIALS = Number(ARGS[0] ?? 10_000);
const CALLS_PER_TRIAL = Number(ARGS[1] ?? 100);
const ROUNDS = 5;
const RUN_ID = 'bench-run';
const MODELS = ['anthropic/claude-sonnet-4-5', 'openai/gpt-5', 'openai/gpt-5-mini', 'google/gemini-2.5-pro', 'deepseek/deepseek-chat'];
const TRIALS_PER_PAIR = 20;
const TOOLS = ['bash', 'read_file', 'write_file', 'grep', 'todowrite'];


const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

const unitCache = new Map<string, number[]>();
/**
 * Per-token prices of a model (input, cache read, cache write, output) from KiloBench's own price
 * list, looked up once: pricing a million calls one by one would make the set-up, not the store, slow.
 */
function unitPrices(model: string): number[] {
  let prices = unitCache.get(model);
  if (!prices) {
    const at = new Date('2026-11-01T00:00:00.000Z');
    const per = (usage: Partial<{ input: number; cacheRead: number; cacheWrite: number; output: number }>) =>
      (priceCall({ input: 0, cacheRead: 0, cacheWrite: 0, output: 0, reasoning: 0, ...usage }, model, { at }).costUsd ?? Number.NaN) / 1e6;
    prices = [per({ input: 1e6 }), per({ cacheRead: 1e6 }), per({ cacheWrite: 1e6 }), per({ output: 1e6 })];
    if (prices.some((p) => Number.isNaN(p))) throw new Error(`no price for ${model} in the price list`);
    unitCache.set(model, prices);
  }
  return prices;
}

/** Writes the run's journal: every event as the store would have written it. Returns counts. */
function writeJournal(path: string): { lines: number; calls: number; bytes: number } {
  const random = mulberry32(42);
  const fd = openSync(path, 'w');
  let seq = 0;
  let calls = 0;
  let bytes = 0;
  let chunk: string[] = [];
  const emit = (event: object) => {
    chunk.push(JSON.stringify({ seq: ++seq, ...event }));
    if (chunk.length >= 5000) flushChunk();
  };
  const flushChunk = () => {
    const text = `${chunk.join('\n')}\n`;
    bytes += writeSync(fd, text);
    chunk = [];
  };
  const taskCount = Math.max(1, Math.ceil(TRIALS / (MODELS.length * TRIALS_PER_PAIR)));
  const tasks = Array.from({ length: taskCount }, (_, i) => `task-${String(i).padStart(3, '0')}`);
  const t0 = Date.parse('2026-11-01T00:00:00.000Z');
  emit({
    type: 'run_created', runId: RUN_ID,
    run: { name: 'store-analysis bench', createdAt: new Date(t0).toISOString(), status: 'running', plan: { tasks, models: MODELS, harness: 'kilo', trialsPerPair: TRIALS_PER_PAIR }, settings: {} },
  });
  let made = 0;
  for (const task of tasks) {
    for (const model of MODELS) {
      for (let index = 0; index < TRIALS_PER_PAIR && made < TRIALS; index++, made++) {
        const trialId = `${task}.${model.replace('/', '_')}.${index}`;
        const started = t0 + made * 60_000;
        emit({ type: 'trial_created', runId: RUN_ID, trial: { id: trialId, taskId: task, modelId: model, harness: 'kilo', trialIndex: index } });
        emit({ type: 'trial_updated', runId: RUN_ID, trialId, patch: { status: 'running', startedAt: new Date(started).toISOString() } });
        let context = 2000 + Math.floor(random() * 2000);
        let at = started;
        for (let c = 1; c <= CALLS_PER_TRIAL; c++) {
          const fresh = 200 + Math.floor(random() * 1500);
          const output = 50 + Math.floor(random() * 600);
          const reasoning = model.includes('gpt-5') ? Math.floor(output * random() * 0.5) : 0;
          const usage = { input: fresh, cacheRead: c === 1 ? 0 : context, cacheWrite: 0, output, reasoning };
          const cost = unitPrices(model).reduce((sum, perToken, k) => sum + perToken * [usage.input, usage.cacheRead, usage.cacheWrite, usage.output][k]!, 0);
          const latency = 300 + random() * 4000;
          const tool = TOOLS[Math.floor(random() * TOOLS.length)]!;
          emit({
            type: 'llm_call', runId: RUN_ID,
            call: {
              id: `${trialId}.c${c}`, trialId, seq: c, startedAt: new Date(at).toISOString(), protocol: 'openai', requestedModel: model,
              servedModel: model, streaming: true, httpStatus: 200, latencyMs: Math.round(latency), ttftMs: Math.round(latency / 5),
              usageRaw: { prompt_tokens: fresh + usage.cacheRead, completion_tokens: output },
              usage, estimated: false,
              toolCalls: [{ name: tool, id: `call_${c}`, arguments: tool === 'bash' ? { command: 'ls -la && cat README.md' } : { path: 'src/main.py' } }],
              costUsd: cost, costSource: 'computed',
            },
          });
          context += fresh + output;
          at += Math.round(latency) + 500;
          calls += 1;
        }
        const roll = random();
        const status = roll < 0.45 ? 'passed' : roll < 0.85 ? 'failed' : roll < 0.93 ? 'timeout' : roll < 0.97 ? 'provider_error' : 'infra_error';
        for (let e = 1; e <= 4; e++) {
          const kind = e % 2 === 1 ? 'tool_call' : 'tool_result';
          emit({
            type: 'transcript_event', runId: RUN_ID,
            entry: { trialId, seq: e, at: new Date(started + e * 1000).toISOString(), kind, toolCategory: kind === 'tool_call' ? 'exec' : null, payload: kind === 'tool_call' ? { command: 'pytest -q' } : { output: '3 passed' } },
          });
        }
        const duration = at - started;
        emit({
          type: 'trial_updated', runId: RUN_ID, trialId,
          patch: {
            status, finishedAt: new Date(at + 10_000).toISOString(), durationMs: duration + 10_000, agentDurationMs: duration, testDurationMs: 8000,
            testsPassed: status === 'passed' ? 3 : 1, testsFailed: status === 'passed' ? 0 : 2,
          },
        });
      }
    }
  }
  emit({ type: 'run_updated', runId: RUN_ID, patch: { status: 'finished', finishedAt: new Date(t0 + made * 60_000).toISOString() } });
  flushChunk();
  fsyncSync(fd);
  closeSync(fd);
  return { lines: seq, calls, bytes };
}

/** Baseline for a save: the same number of bytes written to a new file and fsynced. */
function plainWrite(path: string, bytes: Uint8Array): void {
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, bytes);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kb-bench-store-'));
  const dbPath = join(dir, 'results.sqlite');
  try {
    console.log(`machine: ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    const jdir = journalsDir(dbPath);
    mkdirSync(jdir, { recursive: true });
    let t = performance.now();
    const journal = writeJournal(journalPath(jdir, RUN_ID));
    const writeMs = performance.now() - t;
    console.log(`synthesised ${TRIALS} trials, ${journal.calls} LLM calls, ${journal.lines} journal lines (${mb(journal.bytes)}) in ${(writeMs / 1000).toFixed(1)} s`);

    t = performance.now();
    let store = await Store.open(dbPath);
    const loadMs = performance.now() - t;
    console.log(`Store.open replayed the journal into the database and saved it in ${(loadMs / 1000).toFixed(1)} s (${Math.round(journal.lines / (loadMs / 1000))} events/s)`);
    await store.close();

    t = performance.now();
    store = await Store.open(dbPath);
    const reopenMs = performance.now() - t;
    console.log(`reopen (read + integrity check, nothing to replay): ${reopenMs.toFixed(0)} ms`);

    const build: number[] = [];
    const query: number[] = [];
    // CPU time of the same steps: on a shared machine the wall clock also counts the time other
    // processes held the cores, the CPU time much less.
    const buildCpu: number[] = [];
    const queryCpu: number[] = [];
    const cold: number[] = [];
    const coldCpu: number[] = [];
    const compare: number[] = [];
    const compareCpu: number[] = [];
    const coldCompare: number[] = [];
    const cpuMs = (since: NodeJS.CpuUsage) => {
      const used = process.cpuUsage(since);
      return (used.user + used.system) / 1000;
    };
    let c0 = process.cpuUsage();
    const digest = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);
    const generatedAt = '2026-11-26T00:00:00.000Z';
    let warmDigest = '';
    for (let round = 0; round < ROUNDS; round++) {
      t = performance.now();
      c0 = process.cpuUsage();
      const trials = store.listTrials(RUN_ID);
      query.push(performance.now() - t);
      queryCpu.push(cpuMs(c0));
      if (trials.length !== TRIALS) throw new Error(`expected ${TRIALS} trials, read ${trials.length}`);
      t = performance.now();
      c0 = process.cpuUsage();
      const report = reportFromStore(store, [RUN_ID], { generatedAt });
      build.push(performance.now() - t);
      buildCpu.push(cpuMs(c0));
      // The paired comparisons are computed on their first read (HTML, JSON, the dashboard's
      // comparisons; the table and CSV never read them); in older code this read is free.
      t = performance.now();
      c0 = process.cpuUsage();
      if (!Array.isArray(report.comparisons)) throw new Error('no comparisons');
      compare.push(performance.now() - t);
      compareCpu.push(cpuMs(c0));
      t = performance.now();
      c0 = process.cpuUsage();
      const fresh = reportFromStore(store, [RUN_ID], { generatedAt, cache: false });
      cold.push(performance.now() - t);
      coldCpu.push(cpuMs(c0));
      t = performance.now();
      if (!Array.isArray(fresh.comparisons)) throw new Error('no comparisons');
      coldCompare.push(performance.now() - t);
      // The digest lets two versions of KiloBench be checked to build the very same report, and
      // a reused analysis to give the very same report as a fresh one.
      if (digest(report) !== digest(fresh)) throw new Error('a report from the cached analysis differs from a fresh one');
      if (round === 0) {
        warmDigest = digest(report);
        console.log(`report: ${report.models.length} models, ${report.tasks.length} tasks, ${report.comparisons.length} comparisons, sha256 ${warmDigest}`);
      } else if (digest(report) !== warmDigest) {
        throw new Error('the report changed between rounds');
      }
    }

    const saves: number[] = [];
    const writes: number[] = [];
    let size = 0;
    for (let round = 0; round < ROUNDS; round++) {
      store.append({ type: 'run_updated', runId: RUN_ID, patch: { name: `store-analysis bench ${round}` } });
      t = performance.now();
      await store.flush();
      saves.push(performance.now() - t);
      size = statSync(dbPath).size;
      const bytes = new Uint8Array(size).fill(7);
      t = performance.now();
      plainWrite(join(dir, 'baseline.bin'), bytes);
      writes.push(performance.now() - t);
    }
    await store.close();
    const journalBytes = statSync(journalPath(jdir, RUN_ID)).size;

    const b = median(build);
    const q = median(query);
    const first = build[0]!;
    console.log(`\nFIRST BUILD (reportFromStore on a store it has not analysed: what the table, CSV and a first paint wait for)`);
    console.log(`  wall ${first.toFixed(1)} ms   CPU ${buildCpu[0]!.toFixed(1)} ms   goal < 200 ms: ${first < 200 ? 'met' : 'NOT met'} (wall), ${buildCpu[0]! < 200 ? 'met' : 'NOT met'} (CPU)`);
    console.log(`  + paired comparisons on their first read (2,000 resamples, every model pair): wall ${compare[0]!.toFixed(1)} ms   CPU ${compareCpu[0]!.toFixed(1)} ms`);
    console.log(`  = everything, comparisons included: wall ${(first + compare[0]!).toFixed(1)} ms   CPU ${(buildCpu[0]! + compareCpu[0]!).toFixed(1)} ms`);
    console.log(`  baseline: listTrials (same rows), median: wall ${q.toFixed(1)} ms   CPU ${median(queryCpu).toFixed(1)} ms   ratio first build ÷ listTrials ${(first / q).toFixed(2)}× wall, ${(buildCpu[0]! / median(queryCpu)).toFixed(2)}× CPU`);
    console.log(`\n${ROUNDS} rounds (median)`);
    console.log(`report build, reopened (cached)    ${b.toFixed(1)} ms   (CPU ${median(buildCpu).toFixed(1)} ms)`);
    const c = median(cold);
    console.log(`report build, cache off            ${c.toFixed(1)} ms wall, ${median(coldCpu).toFixed(1)} ms CPU   ratio ${(median(coldCpu) / median(queryCpu)).toFixed(2)}× listTrials CPU`);
    console.log(`  + its comparisons on first read  ${median(coldCompare).toFixed(1)} ms wall (median; first round ${coldCompare[0]!.toFixed(1)} ms)`);
    console.log(`database save (flush)              ${median(saves).toFixed(1)} ms`);
    console.log(`  baseline: write + fsync ${mb(size)}  ${median(writes).toFixed(1)} ms   ratio ${(median(saves) / median(writes)).toFixed(2)}×`);
    console.log(`database file size                 ${mb(size)}`);
    console.log(`  baseline: JSONL journal          ${mb(journalBytes)}   ratio ${(size / journalBytes).toFixed(2)}×`);
    console.log(`machine: load average at the end ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  } finally {
    // KILOBENCH_BENCH_KEEP=1 keeps the database (printed) for profiling a build on it.
    if (process.env.KILOBENCH_BENCH_KEEP === '1') console.log(`kept ${dbPath}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

/** Builds this file as the shipped bundle is built and runs it with the same arguments. */
function runBundled(): number {
  const dir = mkdtempSync(join(tmpdir(), 'kb-bench-store-bundle-'));
  const file = join(dir, 'run.js');
  try {
    buildSync({
      entryPoints: [__filename], outfile: file, bundle: true, platform: 'node', target: 'node20', format: 'cjs', minify: true,
      logLevel: 'warning', external: ['vscode', 'cpu-features', '*.node'],
    });
    copyFileSync(findSqlWasm(), join(dir, 'sql-wasm.wasm'));
    console.log('report code bundled as shipped (esbuild, minified, node20)');
    return spawnSync(process.execPath, [file, ...ARGS], { stdio: 'inherit' }).status ?? 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (BUNDLED) {
  process.exit(runBundled());
} else {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
