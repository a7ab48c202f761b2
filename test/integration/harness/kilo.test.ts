/**
 * The real Kilo CLI (fetched once through npm into the user cache, mounted read-only) on the real
 * engine, against the simulated provider through the real metering proxy, driven by the scheduler.
 * Between the proxy and the simulator sits a small tap that keeps the usage each response reported,
 * so the proxy's records are checked against what the provider said, not against themselves.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { startMeteringProxy, type MeteredCall, type MeteringProxy } from '../../../src/core/meter';
import { startSimProvider, type SimProvider, type SimProviderOptions } from '../../../src/core/providers/sim';
import { buildPlan } from '../../../src/core/providers/sim/policy';
import { Store } from '../../../src/core/store';
import { loadTasks } from '../../../src/core/tasks';
import type { Task } from '../../../src/core/tasks/task';
import { builtinModels } from '../../../src/core/models/models-file';
import { DEFAULT_SETTINGS, trialId, trialSeed, type RunSettings } from '../../../src/core/run/plan';
import { startRun, type RunSummary } from '../../../src/core/run/scheduler';
import type { RunEvent } from '../../../src/core/run/events';
import type { RunStatusView } from '../../../src/protocol';
import { applyRunEvent, startingStatus, type TrialInfo } from '../../../src/vscode/run-status';
import type { Harness, HarnessContext, HarnessOutcome } from '../../../src/core/harness/harness';
import { ensureRipgrep, RIPGREP_MOUNT } from '../../../src/core/harness/kilo/ripgrep';
import { kiloHarness, prepareKilo, reconcileKiloSteps, isKiloSteps, type PreparedKilo } from '../../../src/core/harness/kilo';
import type { DockerRuntime } from '../../../src/core/runtime/docker/docker-runtime';
import { containersOfRun, dockerRuntime } from '../../helpers/docker';
import { tempDir } from '../../helpers/task-fixtures';

const TASKS = join(__dirname, '../../../tasks');
const FOUR = ['access-log-report', 'csv-to-json-employees', 'sqlite-shop-repair', 'stacktrace-extract'];

/** A pass-through in front of the simulator that keeps every response's usage as the provider sent it. */
async function startUsageTap(target: () => string): Promise<{ url: string; usages: unknown[]; requests: number; close(): Promise<void> }> {
  const tap = { url: '', usages: [] as unknown[], requests: 0, close: async () => undefined as void };
  const usageOf = (body: string): unknown => {
    if (!body.startsWith('data:') && !body.includes('\ndata:')) {
      try {
        return (JSON.parse(body) as { usage?: unknown }).usage ?? undefined;
      } catch {
        return undefined;
      }
    }
    let usage: unknown;
    for (const line of body.split('\n')) {
      if (!line.startsWith('data:') || line.includes('[DONE]')) continue;
      try {
        const event = JSON.parse(line.slice(5)) as { usage?: unknown };
        if (event.usage) usage = event.usage;
      } catch {
        // not JSON
      }
    }
    return usage;
  };
  const server = http.createServer((req, res) => {
    tap.requests++;
    const upstream = http.request(`${target()}${req.url}`, { method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      const chunks: Buffer[] = [];
      up.on('data', (c: Buffer) => {
        chunks.push(c);
        res.write(c);
      });
      up.on('end', () => {
        res.end();
        const usage = usageOf(Buffer.concat(chunks).toString('utf8'));
        if (usage) tap.usages.push(usage);
      });
    });
    upstream.on('error', () => res.destroy());
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  tap.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  tap.close = () => new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
  return tap;
}

interface KiloRun {
  summary: RunSummary;
  /** Harness outcomes by trial id. */
  outcomes: Map<string, HarnessOutcome>;
  /** Metered calls by trial id. */
  calls: Map<string, MeteredCall[]>;
}

describe('kilo harness: real Kilo CLI, real engine, simulated provider (integration)', function () {
  this.timeout(900_000);
  let prepared: PreparedKilo;
  let runtime: DockerRuntime;
  let meter: MeteringProxy;
  let sim: SimProvider;
  let tap: Awaited<ReturnType<typeof startUsageTap>>;
  let store: Store;
  let dir: string;
  let tasks: Map<string, Task>;
  const runIds: string[] = [];
  const prefix = `kilo-it-${process.pid}`;

  before(async () => {
    const started = Date.now();
    prepared = await prepareKilo();
    console.log(`      Kilo ${prepared.version} ready in ${Date.now() - started} ms (${prepared.binaries.map((b) => `${b.platform} ${b.fetched ? 'fetched' : 'cached'}`).join(', ')})`);
    runtime = dockerRuntime();
    meter = await startMeteringProxy();
    sim = await startSimProvider();
    tap = await startUsageTap(() => sim.url);
    dir = tempDir('kilobench-kilo-it-');
    store = await Store.open(join(dir, 'results.sqlite'));
    tasks = new Map((await loadTasks([TASKS])).map((t) => [t.id, t]));
  });

  after(async () => {
    for (const runId of runIds) assert.deepEqual(await containersOfRun(runId), [], `no container of ${runId} outlives its trials`);
    await store?.close();
    await tap?.close();
    await meter?.close();
    await sim?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The simulator as the scheduler sees it, reached through the tap. */
  function tapped(provider: SimProvider): SimProvider {
    return {
      get url() { return tap.url; },
      registerSession: (s) => provider.registerSession(s),
      unregisterSession: (id) => provider.unregisterSession(id),
      setFaults: (f) => provider.setFaults(f),
      setRandomFaults: (o) => provider.setRandomFaults(o),
      get injectedFaults() { return provider.injectedFaults; },
      get requestCount() { return provider.requestCount; },
      close: () => provider.close(),
    };
  }

  async function runKilo(name: string, taskIds: string[], modelIds: string[], settings: Partial<RunSettings> = {}, options: { sim?: SimProvider; mounts?: PreparedKilo['mounts'] | false; afterRun?: (ctx: HarnessContext) => Promise<void>; onEvent?: (event: RunEvent) => void } = {}): Promise<KiloRun> {
    const runId = `${prefix}-${name}`;
    runIds.push(runId);
    const outcomes = new Map<string, HarnessOutcome>();
    const calls = new Map<string, MeteredCall[]>();
    const onCall = (c: MeteredCall) => calls.set(c.trialId, [...(calls.get(c.trialId) ?? []), c]);
    const capturing: Harness = {
      ...kiloHarness,
      async run(ctx) {
        const outcome = await kiloHarness.run(ctx);
        await options.afterRun?.(ctx);
        outcomes.set(trialId(runId, ctx.task.id, ctx.model?.id ?? 'kilo', 0), outcome);
        return outcome;
      },
    };
    const models = builtinModels().filter((m) => modelIds.includes(m.id));
    meter.on('call', onCall);
    try {
      const summary = await startRun(
        { runId, name, tasks: taskIds.map((id) => tasks.get(id) as Task), models, harness: 'kilo', settings: { ...DEFAULT_SETTINGS, trialsPerPair: 1, concurrency: 2, ...settings } },
        { runtime, store, meter, sim: options.sim ?? tapped(sim), harness: capturing, ...(options.mounts === false ? {} : { harnessMounts: options.mounts ?? prepared.mounts }) },
        options.onEvent ? { onEvent: options.onEvent } : {},
      );
      return { summary, outcomes, calls };
    } finally {
      meter.off('call', onCall);
    }
  }

  it('passes four bundled tasks with sim/direct: metered usage equals the provider’s, Kilo reconciles, tool calls have categories', async () => {
    const usagesBefore = tap.usages.length;
    const requestsBefore = sim.requestCount;
    const started = Date.now();
    // The editor's live status, folded from the run's events as the sidebar does: Kilo's spend must
    // show while its agent works, call by call, not jump when the trial ends.
    const info: TrialInfo = new Map();
    let live: RunStatusView | undefined;
    const spentWhileAgentRan = new Set<string>();
    const onEvent = (event: RunEvent) => {
      live = applyRunEvent(live ?? startingStatus(event.runId, 'kilo', 0), event, Date.now(), info);
      if (event.type !== 'llm_call') return;
      const trial = live.trials.find((t) => t.trialId === event.trialId);
      if (trial?.phase === 'agent' && trial.spendUsd > 0 && live.spendUsd > 0) spentWhileAgentRan.add(event.trialId);
    };
    const { summary, outcomes, calls } = await runKilo('direct', FOUR, ['sim/direct'], {}, { onEvent });
    const trials = store.listTrials(summary.runId);
    assert.equal(spentWhileAgentRan.size, FOUR.length, `the live spend grew during the agent phase of ${spentWhileAgentRan.size} of ${FOUR.length} trials`);
    console.log(`      4 trials in ${((Date.now() - started) / 1000).toFixed(1)} s: ${trials.map((t) => `${t.taskId} ${t.status} ${((t.agentDurationMs ?? 0) / 1000).toFixed(1)} s`).join(', ')}`);
    assert.deepEqual(trials.map((t) => [t.taskId, t.status, t.error]), FOUR.map((id) => [id, 'passed', null]));

    const allCalls = [...calls.values()].flat();
    // Nothing but LLM calls: every request the simulator got came through the proxy, and vice versa.
    assert.equal(sim.requestCount - requestsBefore, allCalls.length);
    // The proxy's usage is exactly what the provider reported, call for call.
    const reported = tap.usages.slice(usagesBefore).map((u) => JSON.stringify(u)).sort();
    assert.deepEqual(allCalls.map((c) => JSON.stringify(c.usageRaw)).sort(), reported);
    for (const c of allCalls) {
      const raw = c.usageRaw as { prompt_tokens: number; completion_tokens: number; prompt_tokens_details?: { cached_tokens?: number }; completion_tokens_details?: { reasoning_tokens?: number } };
      const cached = raw.prompt_tokens_details?.cached_tokens ?? 0;
      assert.deepEqual(c.usage, { input: raw.prompt_tokens - cached, cacheRead: cached, cacheWrite: 0, output: raw.completion_tokens, reasoning: raw.completion_tokens_details?.reasoning_tokens ?? 0 });
    }

    for (const trial of trials) {
      assert.equal(trial.harnessVersion, '7.7.7');
      assert.ok((trial.costUsd ?? 0) > 0, 'metered cost recorded');
      const outcome = outcomes.get(trial.id);
      assert.ok(outcome && isKiloSteps(outcome.steps), `steps returned for ${trial.id}`);
      const steps = outcome.steps;
      const r = reconcileKiloSteps(steps, calls.get(trial.id) ?? []);
      assert.equal(r.mismatches, 0, JSON.stringify(r.findings));
      assert.equal(r.pairs.length, steps.length);
      assert.ok(r.findings.every((f) => f.kind === 'kilo_extra_call' && f.explained === true));
      assert.equal(store.listLlmCalls(trial.id).length, (calls.get(trial.id) ?? []).length);
      const kept = trial.findings.find((f) => f.kind === 'kilo_reconciliation');
      assert.ok(kept, 'the harness kept its reconciliation on the trial');
      assert.equal(kept.mismatches, 0);
      assert.equal(kept.matched, steps.length);

      const transcript = store.listTranscript(trial.id);
      const toolCalls = transcript.filter((e) => e.kind === 'tool_call');
      assert.ok(toolCalls.length >= 2, 'explore and apply');
      assert.ok(toolCalls.every((e) => e.toolCategory !== null && (e.payload as { tool?: string }).tool === 'bash'));
      assert.ok(toolCalls.some((e) => e.toolCategory === 'write'), 'the solution heredoc is a write');
      assert.equal(transcript.filter((e) => e.kind === 'tool_result').length, toolCalls.length);
      assert.equal(transcript.filter((e) => e.kind === 'model_message' && (e.payload as { kiloStep?: unknown }).kiloStep).length, steps.length);
      assert.ok(transcript.some((e) => e.kind === 'test_result'));
    }
    printSummary(trials[0]!.id, outcomes, calls);
  });

  function printSummary(id: string, outcomes: Map<string, HarnessOutcome>, calls: Map<string, MeteredCall[]>): void {
    const trial = store.getTrial(id)!;
    const steps = outcomes.get(id)?.steps;
    const transcript = store.listTranscript(id);
    const byCategory: Record<string, number> = {};
    for (const e of transcript) if (e.kind === 'tool_call') byCategory[e.toolCategory ?? 'other'] = (byCategory[e.toolCategory ?? 'other'] ?? 0) + 1;
    const r = isKiloSteps(steps) ? reconcileKiloSteps(steps, calls.get(id) ?? []) : undefined;
    console.log(`      ${id}: ${trial.status}, ${isKiloSteps(steps) ? steps.length : '?'} Kilo steps, ${(calls.get(id) ?? []).length} metered calls, tools ${JSON.stringify(byCategory)}`);
    console.log(`        Kilo tokens ${JSON.stringify(r?.kiloTotals)} (Kilo cost $${r?.kiloCost})`);
    console.log(`        findings: ${trial.findings.filter((f) => String(f.kind).startsWith('kilo_')).map((f) => f.text ?? f.note).join(' | ')}`);
    console.log(`        proxy tokens ${JSON.stringify(r?.proxyTotals)} cost $${trial.costUsd?.toFixed(6)} · agent ${((trial.agentDurationMs ?? 0) / 1000).toFixed(1)} s, tests ${((trial.testDurationMs ?? 0) / 1000).toFixed(1)} s`);
  }

  it('passes a task over the Anthropic protocol (sim-anthropic/direct)', async () => {
    const { summary, outcomes, calls } = await runKilo('anthropic', ['stacktrace-extract'], ['sim-anthropic/direct']);
    const [trial] = store.listTrials(summary.runId);
    assert.equal(trial?.status, 'passed', trial?.error ?? '');
    assert.ok(calls.get(trial.id)?.every((c) => c.protocol === 'anthropic-messages'));
    const steps = outcomes.get(trial.id)?.steps;
    assert.ok(isKiloSteps(steps));
    assert.equal(reconcileKiloSteps(steps, calls.get(trial.id) ?? []).mismatches, 0);
    printSummary(trial.id, outcomes, calls);
  });

  it('fails cleanly with a failing sim/flaky trial: failed, not an error', async () => {
    const task = 'access-log-report';
    const runId = `${prefix}-flaky`;
    // A run seed whose trial the flaky profile gets wrong on purpose.
    const seed = [...Array(500).keys()].find((s) => buildPlan({ seed: trialSeed(s, trialId(runId, task, 'sim/flaky', 0)), solution: { commands: [] } }, 'flaky', []).failure !== 'none');
    assert.ok(seed !== undefined);
    const { summary, outcomes } = await runKilo('flaky', [task], ['sim/flaky'], { seed });
    const [trial] = store.listTrials(summary.runId);
    assert.equal(trial?.status, 'failed', trial?.error ?? '');
    assert.equal(trial.error, null);
    assert.equal(outcomes.get(trial.id)?.status, 'completed');
    assert.ok((trial.testsFailed ?? 0) > 0);
  });

  it('kills a Kilo run past its timeout and still runs the verifier', async () => {
    // Every response of this simulator waits 25 s; the agent gets 12 s (600 s × 0.02).
    const slowOptions: SimProviderOptions = { latency: { firstTokenMs: 25_000 } };
    const slow = await startSimProvider(slowOptions);
    try {
      const started = Date.now();
      const { summary, outcomes } = await runKilo('timeout', ['access-log-report'], ['sim/direct'], { agentTimeoutMultiplier: 0.02 }, { sim: slow });
      const [trial] = store.listTrials(summary.runId);
      assert.equal(trial?.status, 'timeout', trial?.error ?? '');
      assert.match(trial.error ?? '', /ran past its 12 s limit/);
      assert.equal(outcomes.get(trial.id)?.status, 'timeout');
      assert.ok((trial.agentDurationMs ?? 0) >= 12_000 && (trial.agentDurationMs ?? 0) < 60_000, `agent time ${trial.agentDurationMs}`);
      assert.ok((trial.testsFailed ?? 0) > 0, 'the verifier ran');
      assert.ok(store.listTranscript(trial.id).some((e) => e.kind === 'test_result'));
      assert.ok(Date.now() - started < 25_000, 'the slow response was not waited for');
    } finally {
      await slow.close();
    }
  });

  it('fetches a build the mount lacks when a trial needs it, into the mounted cache', async () => {
    const cacheRoot = join(dir, 'lazy-cache');
    const empty = await prepareKilo({ cacheRoot, platforms: [] });
    assert.deepEqual(empty.binaries, []);
    const { summary } = await runKilo('lazy', ['stacktrace-extract'], ['sim/direct'], {}, { mounts: empty.mounts });
    const [trial] = store.listTrials(summary.runId);
    assert.equal(trial?.status, 'passed', trial?.error ?? '');
    assert.ok(store.listTranscript(trial.id).some((e) => e.kind === 'output' && /fetched the Kilo build linux-x64/.test(String((e.payload as { text?: string }).text))));
    rmSync(cacheRoot, { recursive: true, force: true });
  });

  it("Kilo's grep and glob tools find real matches with the mounted static ripgrep, in an image without rg, downloading nothing", async () => {
    const ripgrep = await ensureRipgrep();
    console.log(`      ripgrep ${ripgrep.version} (${ripgrep.fetched ? 'fetched' : 'cached'}) at ${ripgrep.dir}`);
    let inside = '';
    const { summary } = await runKilo('search-tools', ['access-log-report'], ['sim/explorer'], {}, {
      mounts: [...prepared.mounts, ripgrep.mount],
      // What Kilo's bin folder holds after the run: the link, and no downloaded ripgrep archive.
      afterRun: async (ctx) => {
        inside = (await ctx.sandbox.exec(['sh', '-c', 'command -v rg || echo "no rg on PATH"; ls -la /tmp/kilobench-home/.cache/kilo/bin'])).stdout;
      },
    });
    const [trial] = store.listTrials(summary.runId);
    assert.equal(trial?.status, 'passed', trial?.error ?? '');
    const results = store.listTranscript(trial.id).filter((e) => e.kind === 'tool_result').map((e) => e.payload as { tool?: string; status?: string; output?: string });
    const glob = results.find((r) => r.tool === 'glob');
    const grep = results.find((r) => r.tool === 'grep');
    console.log(`      glob: ${glob?.status}, ${JSON.stringify(glob?.output?.slice(0, 120))}`);
    console.log(`      grep: ${grep?.status}, ${JSON.stringify(grep?.output?.slice(0, 160))}`);
    console.log(`      in the container after the run:\n${inside.trim().replace(/^/gm, '        ')}`);
    assert.equal(glob?.status, 'completed');
    assert.match(glob.output ?? '', /logs\/access\.log/, 'glob lists the task file');
    assert.equal(grep?.status, 'completed');
    assert.match(grep.output ?? '', /Found \d+ match/, 'grep found matches');
    assert.match(grep.output ?? '', /access\.log/);
    assert.match(inside, /no rg on PATH/, 'the image has no rg of its own');
    assert.match(inside, new RegExp(`rg -> ${RIPGREP_MOUNT}/x64-linux/rg`));
    assert.doesNotMatch(inside, /ripgrep-/, 'no ripgrep archive was downloaded');
  });

  it('fails clearly when the Kilo binary is not mounted', async () => {
    const { summary } = await runKilo('unmounted', ['stacktrace-extract'], ['sim/direct'], {}, { mounts: false });
    const [trial] = store.listTrials(summary.runId);
    assert.equal(trial?.status, 'harness_error');
    assert.match(trial.error ?? '', /not mounted at \/opt\/kilobench\/kilo/);
  });
});
