/**
 * The scheduler and provider trouble, on the real engine with the built-in agent and the simulated
 * provider: rate limits are backed off and retried (never an agent's fail), persistent provider
 * errors end as provider_error (excluded from pass rates), and billed calls are still recorded.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { startMeteringProxy, type MeteringProxy } from '../../../src/core/meter';
import { startSimProvider, type SimProvider } from '../../../src/core/providers/sim';
import { builtinHarness } from '../../../src/core/harness/builtin/agent';
import { builtinModels } from '../../../src/core/models/models-file';
import { DEFAULT_SETTINGS, type RunPlan } from '../../../src/core/run/plan';
import { startRun } from '../../../src/core/run/scheduler';
import { Store } from '../../../src/core/store';
import { bundledTasksDir, loadTask } from '../../../src/core/tasks';
import { tempDir } from '../../helpers/task-fixtures';
import { dockerRuntime } from '../../helpers/docker';

describe('scheduler: provider rate limits and errors (real engine)', function () {
  this.timeout(300_000);
  let root: string;
  let store: Store;
  let meter: MeteringProxy;
  let sim: SimProvider;
  before(async () => {
    root = tempDir();
    store = await Store.open(join(root, 'results.sqlite'));
    meter = await startMeteringProxy();
    sim = await startSimProvider();
  });
  after(async () => {
    await Promise.all([meter.close(), sim.close()]);
    await store.close();
    rmSync(root, { recursive: true, force: true });
  });

  const plan = async (runId: string): Promise<RunPlan> => ({
    runId, name: runId,
    tasks: [await loadTask(join(bundledTasksDir(), 'access-log-report'))],
    models: builtinModels().filter((m) => m.id === 'sim/direct'),
    harness: 'builtin',
    settings: { ...DEFAULT_SETTINGS, trialsPerPair: 1, concurrency: 1 },
  });
  const deps = () => ({ runtime: dockerRuntime(), store, meter, sim, harness: builtinHarness });

  it('backs off after rate limits the agent could not ride out, then runs the trial again and it passes', async () => {
    // The SDK retries twice by itself; three 429s in a row end its first attempt.
    sim.setFaults([{ kind: 'rate_limit', retryAfterSeconds: 0 }, { kind: 'rate_limit', retryAfterSeconds: 0 }, { kind: 'rate_limit', retryAfterSeconds: 0 }]);
    const summary = await startRun(await plan('rate-limited'), deps(), { rateLimitDelayMs: 200 });
    const [trial] = store.listTrials(summary.runId);
    assert.equal(trial?.status, 'passed', trial?.error ?? '');
    assert.ok(trial!.findings.some((f) => f.kind === 'rate_limited'), JSON.stringify(trial!.findings));
    const calls = store.listLlmCalls(trial!.id);
    assert.equal(calls.filter((c) => c.httpStatus === 429).length, 3, 'the refused calls are recorded too');
    assert.deepEqual(calls.map((c) => c.seq), calls.map((_, i) => i + 1), 'calls of both attempts numbered in order');
  });

  it('ends as provider_error when the provider keeps failing, and keeps the billed calls', async () => {
    sim.setFaults(Array.from({ length: 12 }, () => ({ kind: 'server_error' as const })));
    const summary = await startRun(await plan('provider-down'), deps(), { rateLimitDelayMs: 200 });
    sim.setFaults([]);
    const [trial] = store.listTrials(summary.runId);
    assert.equal(trial?.status, 'provider_error');
    assert.match(trial?.error ?? '', /provider failed: 500/);
    assert.ok(store.listLlmCalls(trial!.id).every((c) => c.httpStatus === 500));
    assert.equal(summary.progress.errors, 1);
    assert.equal(summary.progress.failed, 0, 'not counted as an agent fail');
  });
});
