/**
 * The `command` harness end to end: the real Claude Code CLI (npm @anthropic-ai/claude-code),
 * installed into a bundled task's image by its preset's install script (npm from the container,
 * image built with the host network), run by the scheduler against the simulated provider
 * (Anthropic Messages) through the real metering proxy, on the real engine.
 *
 * Only the first test may pay for the install (about a minute on an empty engine): it builds the
 * derived image `kilobench-task/cmd-claude-code:<hash>` that every later trial of that task starts
 * from.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { startMeteringProxy, type MeteredCall, type MeteringProxy } from '../../../src/core/meter';
import { startSimProvider, type SimProvider } from '../../../src/core/providers/sim';
import { Store } from '../../../src/core/store';
import { loadTasks } from '../../../src/core/tasks';
import type { Task } from '../../../src/core/tasks/task';
import { builtinModels } from '../../../src/core/models/models-file';
import { DEFAULT_SETTINGS, type RunSettings } from '../../../src/core/run/plan';
import { startRun, type RunSummary } from '../../../src/core/run/scheduler';
import { getHarness } from '../../../src/core/harness/registry';
import { summarizeCalls } from '../../../src/core/harness/command/transcript';
import type { DockerRuntime } from '../../../src/core/runtime/docker/docker-runtime';
import { containersOfRun, dockerRuntime, rawDocker } from '../../helpers/docker';
import { tempDir } from '../../helpers/task-fixtures';

const TASKS = join(__dirname, '../../../tasks');
const TASK = 'access-log-report';

describe('command harness: Claude Code on the real engine (simulated provider)', function () {
  this.timeout(1_200_000);
  let runtime: DockerRuntime;
  let meter: MeteringProxy;
  let sim: SimProvider;
  let store: Store;
  let dir: string;
  let tasks: Map<string, Task>;
  const runIds: string[] = [];
  const prefix = `command-it-${process.pid}`;

  before(async () => {
    runtime = dockerRuntime();
    meter = await startMeteringProxy();
    sim = await startSimProvider();
    dir = tempDir('kilobench-command-it-');
    store = await Store.open(join(dir, 'results.sqlite'));
    tasks = new Map((await loadTasks([TASKS])).map((t) => [t.id, t]));
  });

  after(async () => {
    for (const runId of runIds) assert.deepEqual(await containersOfRun(runId), [], `no container of ${runId} outlives its trials`);
    await store?.close();
    await meter?.close();
    await sim?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function run(name: string, settings: Partial<RunSettings> = {}): Promise<{ summary: RunSummary; calls: Map<string, MeteredCall[]>; ms: number }> {
    const runId = `${prefix}-${name}`;
    runIds.push(runId);
    const calls = new Map<string, MeteredCall[]>();
    const onCall = (c: MeteredCall) => calls.set(c.trialId, [...(calls.get(c.trialId) ?? []), c]);
    meter.on('call', onCall);
    const started = Date.now();
    try {
      const summary = await startRun(
        { runId, name, tasks: [tasks.get(TASK) as Task], models: builtinModels().filter((m) => m.id === 'sim-anthropic/direct'), harness: 'command:claude-code', settings: { ...DEFAULT_SETTINGS, trialsPerPair: 1, concurrency: 1, ...settings } },
        { runtime, store, meter, sim, harness: getHarness('command:claude-code') },
      );
      return { summary, calls, ms: Date.now() - started };
    } finally {
      meter.off('call', onCall);
    }
  }

  it('installs Claude Code once into a derived image of the task (the only test that may pay for it)', async () => {
    const { summary, ms } = await run('install');
    const [trial] = store.listTrials(summary.runId);
    console.log(`      first trial (install unless the engine had the image already): ${(ms / 1000).toFixed(1)} s, ${trial?.status}`);
    assert.equal(trial?.status, 'passed', `${trial?.status}: ${trial?.error}`);
    const images = await rawDocker().listImages({ filters: { label: ['kilobench.command-preset=claude-code'] } });
    assert.ok(images.some((i) => (i.RepoTags ?? []).some((t) => t.startsWith('kilobench-task/cmd-claude-code:'))), 'the derived image is tagged');
    assert.ok(images.some((i) => i.Id === trial?.imageDigest), 'the trial ran on the derived image');
  });

  it('passes a bundled task with metered calls, a categorised transcript, and Claude Code’s own usage reconciled', async () => {
    const { summary, calls, ms } = await run('pass', { trialsPerPair: 2 });
    const trials = store.listTrials(summary.runId);
    console.log(`      2 cached trials in ${(ms / 1000).toFixed(1)} s: ${trials.map((t) => `${t.status} ${(t.durationMs ?? 0) / 1000} s (agent ${(t.agentDurationMs ?? 0) / 1000} s)`).join(', ')}`);
    assert.deepEqual(trials.map((t) => [t.status, t.error]), [['passed', null], ['passed', null]]);
    for (const trial of trials) {
      assert.match(trial.harnessVersion ?? '', /^2\.1\.\d+ \(Claude Code\)$/);
      assert.ok((trial.durationMs ?? Infinity) < 60_000, 'no install in a cached trial');

      // Every call the CLI made went through the proxy and is in the store.
      const mine = calls.get(trial.id) ?? [];
      assert.ok(mine.length >= 2, 'explore, then apply');
      assert.ok(mine.every((c) => c.protocol === 'anthropic-messages' && c.httpStatus === 200 && c.requestedModel === 'sim/direct'));
      const stored = store.listLlmCalls(trial.id);
      assert.equal(stored.length, mine.length);
      assert.ok((trial.costUsd ?? 0) > 0, 'metered cost recorded');

      // The transcript: the command, an llm_call per call (the scheduler), and tool calls derived from them.
      const transcript = store.listTranscript(trial.id);
      assert.equal(transcript.filter((e) => e.kind === 'llm_call').length, mine.length);
      assert.equal(transcript.filter((e) => e.kind === 'command').length, 1);
      const toolCalls = transcript.filter((e) => e.kind === 'tool_call');
      assert.equal(toolCalls.length, mine.reduce((n, c) => n + c.toolCalls.length, 0));
      assert.ok(toolCalls.every((e) => e.toolCategory !== null && (e.payload as { tool?: string }).tool === 'Bash'));
      assert.ok(toolCalls.some((e) => e.toolCategory === 'read'), 'the look around is a read');
      assert.ok(toolCalls.some((e) => e.toolCategory === 'write'), 'the solution heredoc is a write');
      assert.equal(transcript.filter((e) => e.kind === 'tool_result').length, toolCalls.length);
      assert.ok(transcript.filter((e) => e.kind === 'test_result').length > 0);
      assert.ok(!JSON.stringify(transcript).includes('/t/'), 'no trial URL with its token in the transcript');

      // Claude Code's own figures (its result event) against the proxy's.
      const reconciled = trial.findings.find((f) => f.kind === 'harness_reported_usage') as Record<string, unknown> | undefined;
      assert.ok(reconciled, JSON.stringify(trial.findings));
      assert.equal(reconciled.tokensMatch, true, String(reconciled.note));
      assert.deepEqual(reconciled.diff, {});
      assert.equal(reconciled.reportedTurns, mine.length);
      assert.equal(reconciled.explained, true, String(reconciled.note));
      const summaryOfCalls = summarizeCalls(mine);
      assert.deepEqual(reconciled.proxy, { ...summaryOfCalls.tokens });
      if (trial === trials[0]) {
        console.log(`      transcript: ${summaryOfCalls.steps} steps, tool calls ${JSON.stringify(summaryOfCalls.byCategory)}, tokens ${JSON.stringify(summaryOfCalls.tokens)}, $${summaryOfCalls.costUsd?.toFixed(4)}; ${reconciled.note}`);
      }
    }
  });

  it('kills Claude Code at the agent timeout; the verifier still runs', async () => {
    // The task's limit × 0.0005 is well under a second: Claude Code is still starting.
    const { summary } = await run('timeout', { agentTimeoutMultiplier: 0.0005 });
    const [trial] = store.listTrials(summary.runId);
    assert.equal(trial?.status, 'timeout', `${trial?.status}: ${trial?.error}`);
    assert.match(trial?.error ?? '', /ran past its/);
    assert.ok((trial?.testsFailed ?? 0) > 0, 'the verifier ran and failed the untouched task');
  });
});
