import assert from 'node:assert/strict';
import {
  compareVersions, harnessBase, harnessVersionOf, parseHarnessList, parseHarnessName, versionMatches,
} from '../../../src/core/harness/harness-spec';
import { getHarness, isKnownHarness } from '../../../src/core/harness/registry';
import { KILO_TESTED_VERSIONS, kiloOutputIncludesReasoning, kiloVersionRefusal } from '../../../src/core/harness/kilo/versions';
import { installedKiloVersions } from '../../../src/core/harness/kilo/binary';
import { planTrials, type RunPlan } from '../../../src/core/run/plan';
import { buildPlan, PlanError } from '../../../src/core/run/new-plan';
import { reconcileKiloSteps } from '../../../src/core/harness/kilo/reconcile';
import { DEFAULT_SETTINGS } from '../../../src/core/run/plan';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Task } from '../../../src/core/tasks/task';

describe('harness versions: names', () => {
  it('reads kilo@7.7.9, command:claude-code@2.1.x and plain names', () => {
    assert.deepEqual(parseHarnessName('kilo@7.7.9'), { name: 'kilo@7.7.9', base: 'kilo', version: '7.7.9' });
    assert.deepEqual(parseHarnessName('command:claude-code@2.1.x'), { name: 'command:claude-code@2.1.x', base: 'command:claude-code', version: '2.1.x' });
    assert.deepEqual(parseHarnessName('kilo'), { name: 'kilo', base: 'kilo' });
    assert.equal(harnessBase('kilo@7.7.2'), 'kilo');
    assert.equal(harnessVersionOf('kilo@7.7.2'), '7.7.2');
    assert.equal(harnessVersionOf('kilo'), undefined);
  });

  it('refuses what is not a version, empty lists and a name given twice, saying what to write', () => {
    assert.throws(() => parseHarnessName('kilo@latest'), /"latest" is not a version \(write it as 7\.7\.9/);
    assert.throws(() => parseHarnessName('@7.7.9'), /has a version but no name/);
    assert.throws(() => parseHarnessList(' , '), /no harness named/);
    assert.throws(() => parseHarnessList('kilo@7.7.2,kilo@7.7.2'), /kilo@7\.7\.2 is named twice/);
    assert.deepEqual(parseHarnessList('kilo@7.7.2, kilo@7.7.9').map((s) => s.name), ['kilo@7.7.2', 'kilo@7.7.9']);
  });

  it('a printed version matches what was asked: exact as a whole version, ranges by their fixed parts', () => {
    assert.ok(versionMatches('7.7.9', '7.7.9\n'));
    assert.ok(!versionMatches('7.7.9', '7.7.7'));
    assert.ok(!versionMatches('7.7.1', '7.7.17'));
    assert.ok(versionMatches('2.1.x', '2.1.332 (Claude Code)'));
    assert.ok(!versionMatches('2.1.x', '2.2.0 (Claude Code)'));
    assert.ok(versionMatches('2.x', '2.9.1'));
  });

  it('orders releases numerically, a pre-release before its release', () => {
    assert.deepEqual(['7.7.9', '7.0.33', '7.7.10', '7.7.2', '7.7.10-beta.1'].sort(compareVersions), ['7.0.33', '7.7.2', '7.7.9', '7.7.10-beta.1', '7.7.10']);
  });

  it('the registry builds one Kilo harness per version, and refuses versions where there are none', () => {
    const h = getHarness('kilo@7.7.9');
    assert.equal(h.name, 'kilo@7.7.9');
    assert.equal(getHarness('kilo@7.7.9'), h);
    assert.equal(getHarness('kilo').name, 'kilo');
    assert.equal(getHarness('command:claude-code@2.1.x').name, 'command:claude-code@2.1.x');
    assert.throws(() => getHarness('builtin@1.0.0'), /builtin has no versions/);
    assert.throws(() => getHarness('kilo@7.x'), /needs an exact version/);
    assert.throws(() => getHarness('command:aider@0.86.x'), /not installed with npm, so it needs an exact version/);
    assert.ok(isKnownHarness('kilo@7.7.2'));
    assert.ok(!isKnownHarness('nope@1.2.3'));
  });
});

describe('harness versions: which Kilo releases are driven, and how', () => {
  it('refuses releases older than the oldest one read, naming the version and the tried ones', () => {
    assert.equal(kiloVersionRefusal('7.7.9'), undefined);
    assert.equal(kiloVersionRefusal('7.0.33'), undefined);
    assert.match(kiloVersionRefusal('0.26.0') ?? '', /Kilo CLI 0\.26\.0 is older than 7\.0\.33.*7\.0\.33, 7\.7\.2, 7\.7\.7, 7\.7\.9/);
    assert.deepEqual([...KILO_TESTED_VERSIONS], ['7.0.33', '7.7.2', '7.7.7', '7.7.9']);
  });

  it('7.0.x reports output with reasoning inside, 7.7.x apart: the reconciliation follows the release', () => {
    assert.equal(kiloOutputIncludesReasoning('7.0.33'), true);
    assert.equal(kiloOutputIncludesReasoning('7.7.2'), false);
    assert.equal(kiloOutputIncludesReasoning('7.7.9'), false);
    // Figures of a real 7.0.33 step (output 47 includes reasoning 22) against its metered call.
    const step = { index: 1, tokens: { input: 11042, output: 47, reasoning: 22, cacheRead: 0, cacheWrite: 0, total: 11089 }, cost: 0, startedAt: null, endedAt: null };
    const call = { seq: 1, usage: { input: 11042, cacheRead: 0, cacheWrite: 0, output: 47, reasoning: 22 }, httpStatus: 200, startedAt: new Date().toISOString(), error: null };
    assert.equal(reconcileKiloSteps([step as never], [call]).mismatches, 1);
    assert.equal(reconcileKiloSteps([step as never], [call], { outputIncludesReasoning: true }).mismatches, 0);
  });

  it('lists the versions in the cache that hold a usable build, in release order', async () => {
    const root = mkdtempSync(join(tmpdir(), 'kb-kilo-cache-'));
    try {
      for (const v of ['7.7.9', '7.7.2', '7.0.33']) {
        const dir = join(root, v, 'linux-x64');
        mkdirSync(join(dir, 'bin'), { recursive: true });
        writeFileSync(join(dir, 'bin', 'kilo'), '#!/bin/sh\n', { mode: 0o755 });
        if (v !== '7.0.33') writeFileSync(join(dir, 'kilobench-package.json'), JSON.stringify({ platform: 'linux-x64', version: v }));
      }
      mkdirSync(join(root, 'not-a-version'));
      assert.deepEqual(await installedKiloVersions(root), ['7.7.2', '7.7.9']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('harness versions: a plan of several harnesses', () => {
  const task = { id: 't1', errors: [], path: '/x' } as unknown as Task;
  const model = { id: 'sim/direct', provider: 'sim', model: 'sim/direct', protocol: 'openai', simulated: true } as never;

  it('one trial per (task, model, harness, index); the same seed for every harness of a (task, model, index)', () => {
    const plan: RunPlan = { runId: 'r', name: 'n', tasks: [task], models: [model], harness: 'kilo@7.7.2', harnesses: ['kilo@7.7.2', 'kilo@7.7.9'], settings: { ...DEFAULT_SETTINGS, trialsPerPair: 2 } };
    const trials = planTrials(plan);
    assert.deepEqual(trials.map((t) => t.id), [
      'r.t1.sim_direct_kilo_7.7.2.1', 'r.t1.sim_direct_kilo_7.7.9.1', 'r.t1.sim_direct_kilo_7.7.2.2', 'r.t1.sim_direct_kilo_7.7.9.2',
    ]);
    assert.deepEqual(trials.map((t) => t.harness), ['kilo@7.7.2', 'kilo@7.7.9', 'kilo@7.7.2', 'kilo@7.7.9']);
    assert.equal(trials[0]?.seed, trials[1]?.seed);
    assert.notEqual(trials[0]?.seed, trials[2]?.seed);
    // One harness: trial ids as they always were.
    assert.deepEqual(planTrials({ ...plan, harnesses: undefined }).map((t) => t.id), ['r.t1.sim_direct.1', 'r.t1.sim_direct.2']);
  });

  it('buildPlan takes a comma-separated list and refuses mixing harnesses with and without a model', () => {
    const plan = buildPlan({ tasks: [task], models: [model], harness: 'kilo@7.7.2,kilo@7.7.9', settings: {} });
    assert.equal(plan.harness, 'kilo@7.7.2');
    assert.deepEqual(plan.harnesses, ['kilo@7.7.2', 'kilo@7.7.9']);
    assert.equal(buildPlan({ tasks: [task], models: [model], harness: 'kilo', settings: {} }).harnesses, undefined);
    assert.throws(() => buildPlan({ tasks: [task], models: [model], harness: 'kilo@7.7.2,oracle', settings: {} }), (e: unknown) => e instanceof PlanError && /cannot share a run/.test((e as Error).message));
    assert.throws(() => buildPlan({ tasks: [task], models: [model], harness: 'kilo@next', settings: {} }), PlanError);
  });
});
