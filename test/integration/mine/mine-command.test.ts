/**
 * `kilobench mine` end to end on real git repositories (Python + pytest, Node + node --test, C +
 * make) built in temporary folders: the kept tasks, the rejected commits with their reasons, each
 * kept task validated again by `kilobench validate`, and a run of the built-in agent with a simulated
 * model on the mined tasks (the model plays the patch-applying solve.sh) recorded like any other run.
 * KILOBENCH_MINE_LONG=1 adds a repository with 10 fix commits.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Store } from '../../../src/core/store';
import { CLI } from '../../helpers/cli';
import { tempDir } from '../../helpers/task-fixtures';
import { cHistory, makeRepo, nodeHistory, noTaskHistory, pythonHistory, tenFixHistory, type GeneratedRepo } from '../../helpers/mine-repos';
import type { MineJson } from '../../../src/cli/commands/mine';

function cli(args: string[], timeoutMs = 900_000): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: timeoutMs, env: process.env });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function mineJson(repo: GeneratedRepo, out: string): MineJson {
  const result = cli(['mine', '--repo', repo.dir, '--out', out, '--json']);
  assert.equal(result.code, 0, `mine failed:\n${result.stderr}\n${result.stdout}`);
  return JSON.parse(result.stdout) as MineJson;
}

/** Every commit of the history got the verdict it was written to get. */
function checkVerdicts(repo: GeneratedRepo, mined: MineJson): void {
  for (const commit of repo.commits) {
    const kept = mined.kept.find((k) => k.commit === commit.sha);
    const rejected = mined.rejected.find((r) => r.commit === commit.sha);
    if (commit.expect === 'kept') assert.ok(kept, `${commit.message.split('\n')[0]} should be kept, got: ${rejected?.reason}`);
    else {
      assert.ok(rejected, `${commit.message.split('\n')[0]} should be rejected (${commit.expect})`);
      assert.ok(rejected.reason.startsWith(commit.expect), `${commit.message.split('\n')[0]}: "${rejected.reason}" should start with "${commit.expect}"`);
    }
  }
}

function gitStatus(dir: string): string {
  return execFileSync('git', ['status', '--porcelain', '--ignored'], { cwd: dir, encoding: 'utf8' });
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe('kilobench mine (real git repositories, real engine)', function () {
  this.timeout(1_800_000);
  let root: string;
  const repos: GeneratedRepo[] = [];
  before(() => { root = tempDir(); });
  after(() => {
    rmSync(root, { recursive: true, force: true });
    repos.forEach((r) => r.remove());
  });

  it('mines a Python project: fixes kept with their fail→pass tests, the rest rejected with reasons, no secrets, repository untouched', async () => {
    const repo = makeRepo('pricing', pythonHistory());
    repos.push(repo);
    const out = join(root, 'python-tasks');
    const mined = mineJson(repo, out);
    checkVerdicts(repo, mined);
    assert.equal(mined.kept.length, 2);
    const discount = mined.kept.find((k) => k.subject.startsWith('Discount'))!;
    assert.deepEqual(discount.failToPass, ['tests/test_core.py::test_discount_never_negative']);
    assert.deepEqual(discount.passToPass.sort(), ['tests/test_core.py::test_discount', 'tests/test_core.py::test_subtotal']);
    // A test file that cannot import yet fails to collect; the other files' tests still count as passing before.
    const tax = mined.kept.find((k) => k.subject.startsWith('Add tax'))!;
    assert.deepEqual(tax.failToPass.sort(), ['tests/test_tax.py::test_no_tax', 'tests/test_tax.py::test_with_tax_rounds_half_up']);
    assert.ok(tax.passToPass.length >= 3, tax.passToPass.join(', '));

    const instruction = readFileSync(join(discount.path, 'instruction.md'), 'utf8');
    assert.match(instruction, /A 150% coupon gave customers money back/);
    assert.match(instruction, /test_discount_never_negative/);
    assert.doesNotMatch(instruction, /max\(0/, 'the instruction must not give the fix away');
    assert.match(readFileSync(join(discount.path, 'solution', 'solve.sh'), 'utf8'), /\+\s+return max\(0, total/);
    // The environment is the parent with the new test: the fix is not there yet.
    assert.doesNotMatch(readFileSync(join(discount.path, 'environment', 'repo', 'pricing', 'core.py'), 'utf8'), /max\(0/);
    assert.match(readFileSync(join(discount.path, 'environment', 'repo', 'tests', 'test_core.py'), 'utf8'), /test_discount_never_negative/);
    for (const file of filesUnder(out)) assert.doesNotMatch(readFileSync(file, 'latin1'), /super-secret-token/, `${file} holds the .env secret`);
    assert.equal(gitStatus(repo.dir), '', 'mining must not write into the repository');

    // Validated again, independently, and played by the built-in agent with a simulated model.
    const validate = cli(['validate', '--path', out, '--no-bundled', '--json', '--db', join(root, 'validate.sqlite')]);
    assert.equal(validate.code, 0, validate.stdout + validate.stderr);
    const db = join(root, 'run.sqlite');
    const run = cli(['run', '--path', out, '--no-bundled', '--models', 'sim/direct', '--trials', '1', '--db', db]);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const store = await Store.open(db);
    try {
      const [record] = store.listRuns();
      const trials = store.listTrials(record!.id);
      assert.deepEqual(trials.map((t) => t.taskId).sort(), mined.kept.map((k) => k.id).sort());
      assert.ok(trials.every((t) => t.status === 'passed'), trials.map((t) => `${t.taskId} ${t.status} ${t.error ?? ''}`).join('\n'));
      assert.ok(trials.every((t) => store.listLlmCalls(t.id).length > 0), 'every trial made metered model calls');
    } finally {
      await store.close();
    }
  });

  it('mines a Node project (package.json test script) and a C project (make test)', () => {
    for (const [name, history] of [['slugger', nodeHistory()], ['stats', cHistory()]] as const) {
      const repo = makeRepo(name, history);
      repos.push(repo);
      const mined = mineJson(repo, join(root, `${name}-tasks`));
      checkVerdicts(repo, mined);
      assert.equal(mined.kept.length, 1, `${name}: ${JSON.stringify(mined.rejected)}`);
      assert.equal(gitStatus(repo.dir), '');
    }
  });

  it('says which commits were rejected and why in the table, and exits 1 when nothing is kept', () => {
    const repo = makeRepo('no-tasks', noTaskHistory());
    repos.push(repo);
    const result = cli(['mine', '--repo', repo.dir, '--out', join(root, 'none')]);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stdout, /Kept 0 tasks/);
    assert.match(result.stdout, /tests already pass before the fix/);
    assert.match(result.stdout, /no test changes/);
    const notARepo = cli(['mine', '--repo', root]);
    assert.equal(notARepo.code, 2);
    assert.match(notARepo.stderr, /not inside a git repository/);
  });

  (process.env.KILOBENCH_MINE_LONG ? it : it.skip)('mines a repository with 10 fix commits (KILOBENCH_MINE_LONG=1)', () => {
    const repo = makeRepo('tenfix', tenFixHistory());
    repos.push(repo);
    const mined = mineJson(repo, join(root, 'tenfix-tasks'));
    checkVerdicts(repo, mined);
    assert.ok(existsSync(join(root, 'tenfix-tasks', 'mine-report.json')));
  });
});
