/**
 * `kilobench run` end to end: real Docker, the simulated provider behind the real metering proxy,
 * the built-in agent, the store — then resume after SIGKILL, cancel, and budgets.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Store, type TrialRecord } from '../../../src/core/store';
import { journalsDir } from '../../../src/core/store/journal';
import { FINAL_STATUSES } from '../../../src/core/domain';
import { CLI, kilobench } from '../../helpers/cli';
import { tempDir } from '../../helpers/task-fixtures';
import { containersOfRun, waitFor } from '../../helpers/docker';

const TASKS = 'access-log-report,csv-to-json-employees,stacktrace-extract';

async function trialsOf(db: string): Promise<{ runId: string; trials: TrialRecord[]; calls: number }> {
  const store = await Store.open(db);
  try {
    const [run] = store.listRuns();
    const trials = store.listTrials(run!.id);
    const calls = trials.reduce((n, t) => n + store.listLlmCalls(t.id).length, 0);
    return { runId: run!.id, trials, calls };
  } finally {
    await store.close();
  }
}

/** Journal lines of the (single) run in a store folder, parsed. */
function journal(db: string): { type: string; trialId?: string; patch?: { status?: string } }[] {
  const dir = journalsDir(db);
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('.jsonl')).flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean).flatMap((line) => {
    try {
      return [JSON.parse(line)];
    } catch {
      return [];
    }
  }));
}

function finishedInJournal(db: string): string[] {
  return journal(db).filter((e) => e.type === 'trial_updated' && e.patch?.status && FINAL_STATUSES.has(e.patch.status as never)).map((e) => e.trialId!);
}

describe('kilobench run (real engine, simulated provider)', function () {
  this.timeout(600_000);
  let root: string;
  before(() => { root = tempDir(); });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('runs 3 tasks × 2 simulated profiles × 2 trials and records every trial with its metered cost', async () => {
    const db = join(root, 'full', 'results.sqlite');
    const result = kilobench(['run', '--tasks', TASKS, '--models', 'sim/direct,sim/explorer', '--trials', '2', '--concurrency', '2', '--db', db]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /sim\/direct\s+6\s+6\s+0/);
    const { runId, trials, calls } = await trialsOf(db);
    assert.equal(trials.length, 12);
    assert.ok(trials.every((t) => t.status === 'passed'), trials.map((t) => `${t.id} ${t.status} ${t.error}`).join('\n'));
    assert.ok(trials.every((t) => (t.costUsd ?? 0) > 0 && t.tokens.input + t.tokens.cacheRead > 0));
    assert.ok(calls >= 24);
    // The profiles behave differently: the explorer reads more before it writes.
    const steps = (model: string) => trials.filter((t) => t.modelId === model).reduce((n, t) => n + t.tokens.output, 0);
    assert.notEqual(steps('sim/direct'), steps('sim/explorer'));
    assert.deepEqual(await containersOfRun(runId), []);

    // The report of that run, in each format.
    const json = kilobench(['report', '--db', db, '--format', 'json']);
    assert.equal(json.code, 0, json.stderr);
    const report = JSON.parse(json.stdout) as { models: Record<string, unknown>[]; run: { simulated: boolean } };
    assert.equal(report.run.simulated, true);
    assert.deepEqual(report.models.map((m) => m.model).sort(), ['sim/direct', 'sim/explorer']);
    for (const key of ['model', 'harness', 'attempts', 'passed', 'passRate', 'passRateCI', 'passAtK', 'costPerAttempt', 'costToComplete', 'tokens', 'fingerprint']) {
      assert.ok(key in report.models[0]!, key);
    }
    const table = kilobench(['report', '--db', db]);
    assert.match(table.stdout, /sim\/explorer\s+builtin\s+100\.0%/);
    const html = join(root, 'full', 'report.html');
    assert.equal(kilobench(['report', '--db', db, '--format', 'html', '--out', html]).code, 0);
    assert.match(readFileSync(html, 'utf8'), /data-charts="cost"/, 'the page has its chart sections (the bundled script draws the canvases)');
    const csv = kilobench(['report', '--db', db, '--format', 'csv']);
    assert.match(csv.stdout.split('\n')[0] ?? '', /^model,harness/);
    assert.equal(kilobench(['report', 'no-such-run', '--db', db]).code, 2);
  });

  it('resumes after SIGKILL: runs exactly the unfinished trials, none twice, none lost', async () => {
    const db = join(root, 'resume', 'results.sqlite');
    const child = spawn(process.execPath, [CLI, 'run', '--tasks', TASKS, '--models', 'sim/direct,sim/flaky', '--trials', '2', '--concurrency', '1', '--db', db, '--json'], { stdio: 'ignore', env: process.env });
    await waitFor('three finished trials', async () => finishedInJournal(db).length >= 3, 300_000);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const finishedBefore = new Set(finishedInJournal(db));
    assert.ok(finishedBefore.size >= 3 && finishedBefore.size < 12);

    const runId = journal(db).find((e) => e.type === 'run_created') as unknown as { runId: string };
    // The dead process's run is shown as interrupted (not running forever), with the way out.
    const listed = kilobench(['runs', '--json', '--db', db]);
    assert.equal((JSON.parse(listed.stdout) as { runs: { status: string }[] }).runs[0]?.status, 'interrupted');
    assert.match(listed.stderr, new RegExp(`run ${runId.runId} was interrupted .*kilobench run --resume ${runId.runId}`));
    const resumed = kilobench(['run', '--resume', runId.runId, '--db', db]);
    assert.equal(resumed.code, 0, resumed.stderr);
    const { trials } = await trialsOf(db);
    assert.equal(trials.length, 12);
    assert.ok(trials.every((t) => FINAL_STATUSES.has(t.status)), trials.map((t) => t.status).join(','));
    // Each trial ended exactly once: finished ones were not run again.
    const ends = finishedInJournal(db);
    assert.equal(ends.length, 12, 'one final status per trial');
    assert.equal(new Set(ends).size, 12);
    const starts = journal(db).filter((e) => e.type === 'trial_updated' && e.patch?.status === 'running').map((e) => e.trialId);
    for (const id of finishedBefore) assert.equal(starts.filter((s) => s === id).length, 1, `${id} started once`);
    assert.deepEqual(await containersOfRun(runId.runId), []);
  });

  it('cancels on Ctrl-C: containers removed, unfinished trials marked cancelled, exit 130', async () => {
    const db = join(root, 'cancel', 'results.sqlite');
    const child = spawn(process.execPath, [CLI, 'run', '--tasks', TASKS, '--models', 'sim/explorer', '--trials', '3', '--concurrency', '2', '--db', db, '--json'], { stdio: 'ignore', env: process.env });
    const runId = (): string | undefined => (journal(db).find((e) => e.type === 'run_created') as { runId?: string } | undefined)?.runId;
    await waitFor('a running trial container', async () => Boolean(runId()) && (await containersOfRun(runId() as string)).length > 0, 120_000);
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(code, 130);
    assert.deepEqual(await containersOfRun(runId() as string), []);
    const { trials } = await trialsOf(db);
    assert.ok(trials.every((t) => FINAL_STATUSES.has(t.status)));
    assert.ok(trials.some((t) => t.status === 'cancelled'));
  });

  it('stops at the budgets: a trial past its budget ends budget_exceeded, a spent run starts nothing more', async () => {
    const db = join(root, 'budget', 'results.sqlite');
    const result = kilobench(['run', '--tasks', 'access-log-report', '--models', 'sim/thinker', '--trials', '1', '--trial-budget-usd', '0.000001', '--db', db]);
    assert.equal(result.code, 0, result.stderr);
    const { trials } = await trialsOf(db);
    assert.equal(trials[0]?.status, 'budget_exceeded', trials[0]?.error ?? '');

    const runDb = join(root, 'run-budget', 'results.sqlite');
    const spent = kilobench(['run', '--tasks', TASKS, '--models', 'sim/direct', '--trials', '2', '--concurrency', '1', '--budget-usd', '0.000001', '--yes', '--db', runDb]);
    assert.equal(spent.code, 0, spent.stderr);
    const run = await trialsOf(runDb);
    assert.ok(run.trials.filter((t) => t.status === 'cancelled' && /run budget/.test(t.error ?? '')).length >= 4, run.trials.map((t) => `${t.status}:${t.error}`).join('\n'));
  });

  it('refuses unknown models and harnesses with exit code 2', () => {
    const model = kilobench(['run', '--models', 'no-such-model', '--db', join(root, 'x.sqlite')]);
    assert.equal(model.code, 2);
    assert.match(model.stderr, /unknown model: no-such-model/);
    const harness = kilobench(['run', '--harness', 'magic', '--models', 'sim/direct', '--db', join(root, 'y.sqlite')]);
    assert.equal(harness.code, 2);
    assert.match(harness.stderr, /unknown harness "magic"/);
  });
});
