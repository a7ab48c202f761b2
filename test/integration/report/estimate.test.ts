/**
 * `kilobench estimate` / `run --dry-run` against real runs: real Docker, the built-in agent, the
 * simulated provider behind the metering proxy. A first run gives the database its history; the
 * forecast of a second run (another seed) must hold the second run's actual spend.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Forecast } from '../../../src/core/analysis/forecast';
import { Store } from '../../../src/core/store';
import { kilobench, kilobenchAsync } from '../../helpers/cli';
import { tempDir } from '../../helpers/task-fixtures';

const PLAN = ['--tasks', 'csv-to-json-employees', '--models', 'sim/direct,sim/flaky', '--harness', 'builtin', '--trials', '3', '--concurrency', '2'];

async function runSpend(db: string, runId: string): Promise<number> {
  const store = await Store.open(db);
  try {
    return store.listTrials(runId).reduce((sum, t) => sum + (t.costUsd ?? Number.NaN), 0);
  } finally {
    await store.close();
  }
}

async function newestRun(db: string): Promise<string> {
  const store = await Store.open(db);
  try {
    return store.listRuns()[0]!.id;
  } finally {
    await store.close();
  }
}

describe('kilobench estimate (real engine, simulated provider)', function () {
  this.timeout(900_000);
  let root: string;
  before(() => { root = tempDir(); });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('forecasts from prices with no history, then from the first run; the second run spends within the interval', async () => {
    const db = join(root, 'results.sqlite');
    const cold = kilobench(['estimate', ...PLAN, '--db', db, '--json']);
    assert.equal(cold.code, 0, cold.stderr);
    const prior = JSON.parse(cold.stdout) as Forecast;
    assert.ok(prior.pairs.every((p) => p.source === 'prices'), cold.stdout);
    assert.ok(prior.costUsd && prior.costUsd.high / prior.costUsd.low >= 100, 'no history: a wide interval');

    const first = await kilobenchAsync(['run', ...PLAN, '--seed', '11', '--db', db], { timeoutMs: 800_000 });
    assert.equal(first.code, 0, first.stderr);

    const text = kilobench(['estimate', ...PLAN, '--db', db]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /spend {6}\$[\d.]+ expected, 95% interval \$[\d.]+–\$[\d.]+/);
    assert.match(text.stdout, /2 pairs: earlier trials of this task, model and harness/);
    const dry = kilobench(['run', ...PLAN, '--seed', '12', '--db', db, '--dry-run', '--json']);
    assert.equal(dry.code, 0, dry.stderr);
    const forecast = JSON.parse(dry.stdout) as Forecast;
    assert.ok(forecast.pairs.every((p) => p.source === 'history' && p.pastTrials === 3));
    assert.equal(await newestRun(db), await newestRun(db)); // dry run recorded nothing new
    const runsBefore = await newestRun(db);

    // A budget the forecast says the run will cross: refused without --yes, nothing started.
    const expected = forecast.costUsd!.expected;
    const refused = kilobench(['run', ...PLAN, '--seed', '12', '--db', db, '--budget-usd', String(expected / 2)]);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /LIKELY CROSS/);
    assert.match(refused.stderr, /add --yes to start it anyway/);
    assert.equal(await newestRun(db), runsBefore);

    const second = await kilobenchAsync(['run', ...PLAN, '--seed', '12', '--db', db], { timeoutMs: 800_000 });
    assert.equal(second.code, 0, second.stderr);
    const runId = await newestRun(db);
    assert.notEqual(runId, runsBefore);
    const actual = await runSpend(db, runId);
    const { low, high } = forecast.costUsd!;
    console.log(`      forecast $${expected.toFixed(5)} [${low.toFixed(5)}–${high.toFixed(5)}], actual $${actual.toFixed(5)}`);
    assert.ok(actual >= low && actual <= high, `actual spend ${actual} outside the forecast [${low}, ${high}]`);
  });
});
