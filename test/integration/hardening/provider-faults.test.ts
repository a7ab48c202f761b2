/**
 * Provider faults, end to end: 48 trials of the built-in agent on the real engine, through the real
 * metering proxy, against the simulated provider faulting 20% of LLM requests (seeded, all six
 * kinds), plus two short outages (six 500s in a row, six malformed bodies in a row) so that a
 * provider error after retries certainly happens: with two trials running, one of them meets three
 * in a row, more than the agent's retries ride out. What a user must be able to trust afterwards: every trial ended with a status that says
 * what happened, no fault became an agent's fail, every faulted call is on record with its billed
 * usage, the spend adds up, and pass rates leave provider errors out while the report shows them.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { builtinHarness } from '../../../src/core/harness/builtin/agent';
import { kiloHarness, prepareKilo } from '../../../src/core/harness/kilo';
import { startMeteringProxy, type MeteringProxy } from '../../../src/core/meter';
import { builtinModels } from '../../../src/core/models/models-file';
import { FAULT_KINDS, startSimProvider, type FaultKind, type SimProvider } from '../../../src/core/providers/sim';
import { buildPlan } from '../../../src/core/providers/sim/policy';
import { formatLeaderboard, reportFromStore, type Report } from '../../../src/core/report';
import type { RunEvent } from '../../../src/core/run/events';
import { DEFAULT_SETTINGS } from '../../../src/core/run/plan';
import { startRun, type RunSummary } from '../../../src/core/run/scheduler';
import { EXCLUDED_FROM_PASS_RATE, FINAL_STATUSES } from '../../../src/core/domain';
import { Store, type LlmCallRecord, type TrialRecord } from '../../../src/core/store';
import { bundledTasksDir, loadTask } from '../../../src/core/tasks';
import { containersOfRun, dockerRuntime } from '../../helpers/docker';
import { tempDir } from '../../helpers/task-fixtures';

const TASKS = ['access-log-report', 'csv-to-json-employees', 'invoice-rounding-bugfix', 'stacktrace-extract'];
/** Both protocols, and one profile that fails half its trials on purpose (so real fails are in the mix). */
const MODELS = ['sim/direct', 'sim-anthropic/explorer', 'sim/flaky'];
const TRIALS_PER_PAIR = 4;
const SLOW_FIRST_TOKEN_MS = 1500;
/** When the nth trial starts, the next six LLM requests (whoever sends them) get this fault. */
const OUTAGES = new Map<number, 'server_error' | 'malformed_json'>([[12, 'server_error'], [30, 'malformed_json']]);

describe('hardening: provider faults — 48 builtin trials, 20% injected faults (real engine, proxy, sim)', function () {
  this.timeout(900_000);
  let root: string;
  let store: Store;
  let meter: MeteringProxy;
  let sim: SimProvider;
  let summary: RunSummary;
  let trials: TrialRecord[];
  let calls: LlmCallRecord[];
  let injected: Readonly<Record<FaultKind, number>>;
  let report: Report;
  const runId = `provider-faults-${process.pid}`;
  let seconds = 0;

  before(async () => {
    root = tempDir('kilobench-provider-faults-');
    store = await Store.open(join(root, 'results.sqlite'));
    meter = await startMeteringProxy();
    sim = await startSimProvider({ randomFaults: { rate: 0.2, seed: 20260601, retryAfterSeconds: 1, slowFirstTokenMs: SLOW_FIRST_TOKEN_MS } });
    const tasks = await Promise.all(TASKS.map((id) => loadTask(join(bundledTasksDir(), id))));
    const started = Date.now();
    let trialsStarted = 0;
    const onEvent = (event: RunEvent): void => {
      if (event.type !== 'trial_started') return;
      const outage = OUTAGES.get(++trialsStarted);
      if (outage) sim.setFaults(Array.from({ length: 6 }, () => ({ kind: outage })));
    };
    summary = await startRun({
      runId, name: runId, tasks,
      models: builtinModels().filter((m) => MODELS.includes(m.id)),
      harness: 'builtin',
      settings: { ...DEFAULT_SETTINGS, trialsPerPair: TRIALS_PER_PAIR, concurrency: 2 },
    }, { runtime: dockerRuntime(), store, meter, sim, harness: builtinHarness }, { rateLimitDelayMs: 500, retryDelayMs: 500, onEvent });
    seconds = (Date.now() - started) / 1000;
    trials = store.listTrials(runId);
    calls = trials.flatMap((t) => store.listLlmCalls(t.id));
    injected = sim.injectedFaults;
    report = reportFromStore(store, [runId]);
    const statuses: Record<string, number> = {};
    for (const t of trials) statuses[t.status] = (statuses[t.status] ?? 0) + 1;
    console.log(`      ${trials.length} trials in ${seconds.toFixed(0)} s, ${calls.length} LLM calls; faults injected ${JSON.stringify(injected)}`);
    console.log(`      statuses ${JSON.stringify(statuses)}; spend $${summary.progress.spendUsd.toFixed(6)}`);
    console.log(formatLeaderboard(report).replace(/^/gm, '      '));
  });

  after(async () => {
    await Promise.all([meter?.close(), sim?.close()]);
    await store?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('injected about 20% faults of all six kinds into the run', () => {
    const total = FAULT_KINDS.reduce((sum, k) => sum + injected[k], 0);
    for (const kind of FAULT_KINDS) assert.ok(injected[kind] >= 1, `${kind} injected ${injected[kind]} times`);
    const share = (total - 6 * OUTAGES.size) / (calls.length - 6 * OUTAGES.size);
    assert.ok(share > 0.12 && share < 0.28, `faulted ${total} of ${calls.length} calls, outages included`);
  });

  it('ends the trials the outages hit as provider_error after retries, saying what the provider did', () => {
    // An attempt that also met a 429 is backed off and run again by the scheduler (a `rate_limited`
    // finding keeps its provider error); otherwise the provider error is the trial's status.
    const errors = trials.flatMap((t) => [
      ...(t.status === 'provider_error' ? [t.error ?? ''] : []),
      ...t.findings.filter((f) => f.kind === 'rate_limited').map((f) => String(f.error)),
    ]);
    assert.ok(errors.some((e) => /the model provider failed: 500/.test(e)), `an SDK-retried 500: ${JSON.stringify(errors)}`);
    assert.ok(errors.some((e) => /the model provider failed 3 times in a row: response was not valid JSON/.test(e)), `retried malformed bodies: ${JSON.stringify(errors)}`);
    assert.ok(trials.some((t) => t.status === 'provider_error'));
  });

  it('ends every trial with a final status; each non-pass names what happened and why', async () => {
    assert.equal(summary.status, 'finished');
    assert.equal(store.getRun(runId)?.status, 'finished');
    assert.equal(trials.length, TASKS.length * MODELS.length * TRIALS_PER_PAIR);
    assert.deepEqual(store.unfinishedTrials(runId), []);
    for (const t of trials) {
      assert.ok(FINAL_STATUSES.has(t.status) && t.status !== 'cancelled', `${t.id}: ${t.status}`);
      assert.ok(['passed', 'failed', 'provider_error'].includes(t.status), `${t.id} ended ${t.status}: ${t.error}`);
      if (t.status === 'failed') assert.ok((t.testsFailed ?? 0) > 0, `${t.id} failed: its failing tests say why`);
      if (t.status === 'provider_error') assert.match(t.error ?? '', /the model provider failed/, t.id);
      // A provider fault is never mistaken for an infrastructure error (which would run the trial again).
      assert.ok(!t.findings.some((f) => f.kind === 'infra_retry'), `${t.id}: ${JSON.stringify(t.findings)}`);
      assert.ok(t.finishedAt && t.costUsd !== null, `${t.id} has an end and a cost`);
    }
    assert.deepEqual(await containersOfRun(runId), [], 'no container outlives its trial');
  });

  it('no fault turns into an agent fail: a trial fails only when the simulated model meant to', () => {
    for (const t of trials.filter((x) => x.status === 'passed' || x.status === 'failed')) {
      const profile = t.modelId.split('/')[1] as 'direct' | 'explorer' | 'flaky';
      const meant = buildPlan({ seed: t.seed as number, solution: { commands: [] } }, profile, []).failure !== 'none';
      assert.equal(t.status, meant ? 'failed' : 'passed', `${t.id} (${profile}, seed ${t.seed}) after calls ${JSON.stringify(store.listLlmCalls(t.id).map((c) => c.httpStatus ?? c.error))}`);
    }
  });

  it('slow first tokens and malformed or cut responses do not fail a trial', () => {
    const byTrial = new Map<string, LlmCallRecord[]>();
    for (const c of calls) byTrial.set(c.trialId, [...(byTrial.get(c.trialId) ?? []), c]);
    const slow = calls.filter((c) => (c.ttftMs ?? 0) >= SLOW_FIRST_TOKEN_MS - 100);
    assert.ok(slow.length >= injected.slow_first_token, `${slow.length} slow calls seen for ${injected.slow_first_token} injected`);
    const passedAfterSlow = trials.filter((t) => t.status === 'passed' && (byTrial.get(t.id) ?? []).some((c) => slow.includes(c)));
    assert.ok(passedAfterSlow.length > 0, 'some trial met a slow first token and still passed');
    const unreadable = calls.filter((c) => c.httpStatus === 200 && c.error !== null);
    assert.equal(unreadable.length, injected.malformed_json + injected.cut_stream);
    for (const c of unreadable) {
      const trial = trials.find((t) => t.id === c.trialId) as TrialRecord;
      // The agent tried the turn again (a later call follows the broken one), or gave up on the provider.
      const retried = (byTrial.get(c.trialId) ?? []).some((later) => later.seq > c.seq);
      assert.ok(retried || trial.status === 'provider_error', `${c.trialId} #${c.seq} was retried (${trial.status})`);
      const events = store.listTranscript(trial.id).filter((e) => e.kind === 'error');
      assert.ok(events.some((e) => /not valid JSON|cut off|could not be read/.test(JSON.stringify(e.payload))), `${trial.id}: the transcript names the broken response`);
      assert.notEqual(trial.status, 'harness_error');
      assert.notEqual(trial.status, 'infra_error');
    }
  });

  it('records every faulted call with its status and error, and still counts billed usage', () => {
    assert.equal(calls.length, sim.requestCount, 'every request the provider got is on record, and nothing else');
    assert.equal(calls.filter((c) => c.httpStatus === 429).length, injected.rate_limit);
    assert.equal(calls.filter((c) => c.httpStatus === 500).length, injected.server_error);
    assert.equal(calls.filter((c) => c.httpStatus === null).length, injected.reset);
    for (const c of calls.filter((x) => x.httpStatus !== 200)) {
      assert.ok(c.error, `call ${c.trialId} #${c.seq} (${c.httpStatus}) says what went wrong`);
      assert.equal(c.costUsd, 0, 'a refused or reset call bills nothing');
    }
    const cut = calls.filter((c) => /cut off/.test(c.error ?? ''));
    const malformed = calls.filter((c) => /not valid JSON/.test(c.error ?? ''));
    assert.equal(cut.length, injected.cut_stream);
    assert.equal(malformed.length, injected.malformed_json);
    for (const c of [...cut, ...malformed]) {
      // The provider accepted these and was paid for reading the prompt: estimated, flagged, never $0.
      assert.equal(c.estimated, true, `${c.trialId} #${c.seq}`);
      assert.ok(c.usage.input > 100, `${c.trialId} #${c.seq} input ${c.usage.input}`);
      assert.ok((c.costUsd ?? 0) > 0, `${c.trialId} #${c.seq} cost ${c.costUsd}`);
    }
    for (const t of trials) {
      if (store.listLlmCalls(t.id).some((c) => c.estimated)) assert.ok(t.costFlags.includes('estimated'), `${t.id} flags ${t.costFlags}`);
    }
  });

  it("the run's spend is the sum of its recorded call costs, in the store, the progress and the report", () => {
    const callSum = calls.reduce((sum, c) => sum + (c.costUsd ?? Number.NaN), 0);
    const trialSum = trials.reduce((sum, t) => sum + (t.costUsd ?? Number.NaN), 0);
    assert.ok(callSum > 0);
    assert.ok(Math.abs(trialSum - callSum) < 1e-9, `trials $${trialSum} vs calls $${callSum}`);
    assert.ok(Math.abs(summary.progress.spendUsd - callSum) < 1e-9, `progress $${summary.progress.spendUsd} vs calls $${callSum}`);
    assert.ok(Math.abs((report.run.totals.spendUsd ?? Number.NaN) - callSum) < 1e-9, `report $${report.run.totals.spendUsd} vs calls $${callSum}`);
    const perModel = report.models.reduce((sum, m) => sum + (m.spendUsd ?? Number.NaN) + (m.excludedSpendUsd ?? Number.NaN), 0);
    assert.ok(Math.abs(perModel - callSum) < 1e-9, 'attempts plus excluded trials account for all of it');
  });

  it('pass rates leave provider errors out and show how many were left out', () => {
    const leaderboard = formatLeaderboard(report);
    for (const m of report.models) {
      const mine = trials.filter((t) => t.modelId === m.model);
      const excluded = mine.filter((t) => EXCLUDED_FROM_PASS_RATE.has(t.status));
      const passed = mine.filter((t) => t.status === 'passed').length;
      assert.equal(m.excluded, excluded.length, m.model);
      assert.equal(m.attempts, mine.length - excluded.length, m.model);
      assert.equal(m.passed, passed, m.model);
      assert.equal(m.passRate, passed / (mine.length - excluded.length), m.model);
      assert.deepEqual(m.excludedByStatus, excluded.length ? { provider_error: excluded.length } : {}, m.model);
      if (excluded.length > 0) assert.ok(leaderboard.includes(`${m.model} (builtin): ${excluded.length} trial(s) not counted in pass rates (provider_error ${excluded.length})`), leaderboard);
    }
    assert.equal(report.run.totals.excluded, trials.filter((t) => t.status === 'provider_error').length);
    assert.equal(summary.progress.errors, report.run.totals.excluded);
    assert.equal(summary.progress.failed, trials.filter((t) => t.status === 'failed').length);
  });
});

/**
 * The same invariants through the real Kilo CLI (the harness KiloBench is named for): four trials,
 * streaming OpenAI-compatible calls, 20% faults of all kinds. Kilo retries on its own; whatever it
 * does, the record must say what happened and the money must add up.
 */
describe('hardening: provider faults — 4 Kilo CLI trials, 20% injected faults (real engine, proxy, sim)', function () {
  this.timeout(900_000);
  let root: string;
  let store: Store;
  let meter: MeteringProxy;
  let sim: SimProvider;
  const runId = `provider-faults-kilo-${process.pid}`;

  before(async () => {
    root = tempDir('kilobench-provider-faults-kilo-');
    store = await Store.open(join(root, 'results.sqlite'));
    meter = await startMeteringProxy();
    sim = await startSimProvider({ randomFaults: { rate: 0.2, seed: 77, retryAfterSeconds: 1, slowFirstTokenMs: SLOW_FIRST_TOKEN_MS } });
  });

  after(async () => {
    await Promise.all([meter?.close(), sim?.close()]);
    await store?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('ends every trial with a named status, records every faulted call, and the spend and pass rate add up', async () => {
    const prepared = await prepareKilo();
    const tasks = await Promise.all(['access-log-report', 'stacktrace-extract'].map((id) => loadTask(join(bundledTasksDir(), id))));
    const started = Date.now();
    const summary = await startRun({
      runId, name: runId, tasks,
      models: builtinModels().filter((m) => m.id === 'sim/direct'),
      harness: 'kilo',
      settings: { ...DEFAULT_SETTINGS, trialsPerPair: 2, concurrency: 2 },
    }, { runtime: dockerRuntime(), store, meter, sim, harness: kiloHarness, harnessMounts: prepared.mounts }, { rateLimitDelayMs: 500, retryDelayMs: 500 });
    const trials = store.listTrials(runId);
    const calls = trials.flatMap((t) => store.listLlmCalls(t.id));
    const injected = sim.injectedFaults;
    const report = reportFromStore(store, [runId]);
    const statuses: Record<string, number> = {};
    for (const t of trials) statuses[t.status] = (statuses[t.status] ?? 0) + 1;
    console.log(`      ${trials.length} Kilo trials in ${((Date.now() - started) / 1000).toFixed(0)} s, ${calls.length} LLM calls; faults injected ${JSON.stringify(injected)}`);
    console.log(`      statuses ${JSON.stringify(statuses)}; spend $${summary.progress.spendUsd.toFixed(6)}`);
    for (const t of trials) console.log(`      ${t.id}: ${t.status} in ${((t.durationMs ?? 0) / 1000).toFixed(0)} s (agent ${((t.agentDurationMs ?? 0) / 1000).toFixed(0)} s)${t.error ? `: ${t.error.split('\n')[0]}` : ''}`);
    console.log(formatLeaderboard(report).replace(/^/gm, '      '));

    assert.ok(FAULT_KINDS.reduce((sum, k) => sum + injected[k], 0) > 0, 'some faults were injected');
    assert.equal(trials.length, 4);
    assert.deepEqual(store.unfinishedTrials(runId), []);
    for (const t of trials) {
      // sim/direct never means to fail: a trial passes, or ends as a provider error that says so.
      assert.ok(t.status === 'passed' || t.status === 'provider_error', `${t.id} ended ${t.status}: ${t.error}`);
      if (t.status === 'provider_error') assert.match(t.error ?? '', /the model provider failed/);
      assert.ok(!t.findings.some((f) => f.kind === 'infra_retry'), `${t.id}: ${JSON.stringify(t.findings)}`);
    }
    assert.deepEqual(await containersOfRun(runId), []);

    assert.equal(calls.length, sim.requestCount, 'every request the provider got is on record');
    assert.equal(calls.filter((c) => c.httpStatus === 429).length, injected.rate_limit);
    assert.equal(calls.filter((c) => c.httpStatus === 500).length, injected.server_error);
    assert.equal(calls.filter((c) => c.httpStatus === null).length, injected.reset);
    const broken = calls.filter((c) => c.httpStatus === 200 && c.error !== null);
    assert.equal(broken.length, injected.cut_stream + injected.malformed_json);
    for (const c of broken) assert.ok(c.estimated && c.usage.input > 0 && (c.costUsd ?? 0) > 0, `${c.trialId} #${c.seq}: ${JSON.stringify(c)}`);

    const callSum = calls.reduce((sum, c) => sum + (c.costUsd ?? Number.NaN), 0);
    assert.ok(Math.abs(summary.progress.spendUsd - callSum) < 1e-9);
    assert.ok(Math.abs((report.run.totals.spendUsd ?? Number.NaN) - callSum) < 1e-9);
    const [model] = report.models;
    const excluded = trials.filter((t) => t.status === 'provider_error').length;
    assert.equal(model?.excluded, excluded);
    assert.equal(model?.passRate, excluded === trials.length ? null : trials.filter((t) => t.status === 'passed').length / (trials.length - excluded));
  });
});
