/** The report's engines section: only for runs on several engines; per engine counts and the median trial time; each trial's engine. */
import assert from 'node:assert/strict';
import { engineSection, enginesCsv, enginesHtml, formatEngines } from '../../../src/core/report/engines';
import type { TrialRecord } from '../../../src/core/store';

function trial(id: string, engine: string | null, status: string, durationMs: number | null): TrialRecord {
  return { id, runId: 'r', taskId: `task-${id}`, modelId: 'sim/direct', harness: 'builtin', trialIndex: 0, engine, status, durationMs } as unknown as TrialRecord;
}

describe('report: engines section', () => {
  it('is left out when every trial ran on one engine', () => {
    assert.equal(engineSection([trial('a', 'main', 'passed', 1000), trial('b', 'main', 'failed', 2000), trial('c', null, 'cancelled', null)]), undefined);
    assert.equal(formatEngines(undefined), '');
    assert.equal(enginesHtml(undefined), '');
    assert.equal(enginesCsv({}), '');
  });

  it('counts trials, passes and infra failures per engine, with the median time of the trials that ran, and lists each trial\'s engine', () => {
    const section = engineSection([
      trial('a', 'main', 'passed', 60_000), trial('b', 'main', 'infra_error', 0), trial('c', 'main', 'passed', 120_000),
      trial('d', 'tcp', 'failed', 30_000), trial('e', null, 'cancelled', null),
    ]);
    assert.deepEqual(section?.engines, [
      { engine: 'main', trials: 3, passed: 2, infraFailures: 1, medianTrialMs: 90_000 },
      { engine: 'tcp', trials: 1, passed: 0, infraFailures: 0, medianTrialMs: 30_000 },
    ]);
    assert.deepEqual(section?.trialEngines.map((t) => [t.trial, t.engine]), [['a', 'main'], ['b', 'main'], ['c', 'main'], ['d', 'tcp'], ['e', null]]);
    const table = formatEngines(section?.engines);
    assert.ok(table.startsWith('Engines\nengine  trials  passed  infra failures  median trial time\n'), table);
    assert.match(table, /\nmain {9}3 {7}2 {15}1 {9}1 min 30 s\ntcp {10}1 {7}0 {15}0 {15}30 s\n$/);
    const csv = enginesCsv(section!);
    assert.match(csv, /^engine,trials,passed,infra_failures,median_trial_ms\r\nmain,3,2,1,90000\r\ntcp,1,0,0,30000\r\n\ntrial,task,model,harness,engine,status,duration_ms\r\na,task-a,sim\/direct,builtin,main,passed,60000\r\n/);
    assert.match(enginesHtml(section?.engines), /<h2 id="engines">Engines<\/h2>.*<td>tcp<\/td><td class="num">1<\/td>/s);
  });
});
