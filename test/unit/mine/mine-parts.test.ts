/** The pure parts of mining: which files are tests or secrets, toolchain detection, the written scripts. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isSecretPath, isTestPath } from '../../../src/core/mine/classify';
import { detectToolchain } from '../../../src/core/mine/toolchain';
import { solveScript, testScript, verifierCommand, dockerfile, type TaskFiles } from '../../../src/core/mine/task-writer';
import { writeInstructionText } from '../../../src/core/mine/instruction';
import { defaultMineDir, ignoreInsideRepo, sample } from '../../../src/core/mine/mine';
import { heredocCommand } from '../../../src/core/providers/sim/policy';
import { tempDir } from '../../helpers/task-fixtures';
import { changedFiles, listCommits } from '../../../src/core/mine/git';
import { makeRepo, tenFixHistory } from '../../helpers/mine-repos';

const reader = (files: Record<string, string>) => async (path: string) => files[path];

describe('mining: files, toolchains and task scripts', () => {
  it('tells test files from code by the usual names', () => {
    for (const path of ['tests/test_core.py', 'test/slug.test.js', 'src/__tests__/a.ts', 'pkg/x_test.go', 'lib/a.spec.ts', 'test_cli.py', 'conftest.py']) assert.ok(isTestPath(path), path);
    for (const path of ['src/core.py', 'pricing/tax.py', 'Makefile', 'src/testing_utils_helper.c', 'latest.js']) assert.ok(!isTestPath(path), path);
  });

  it('never copies the usual secret files', () => {
    for (const path of ['.env', 'config/.env.production', 'certs/server.pem', 'keys/id_rsa', 'deploy/id_ed25519.pub', 'credentials.json', '.npmrc', '.aws/credentials', 'gcp-service-account.json']) assert.ok(isSecretPath(path), path);
    for (const path of ['src/env.py', 'environment.yml', 'docs/keys.md', 'src/credential_check.py']) assert.ok(!isSecretPath(path), path);
  });

  it('detects pytest, a package.json test script and a Makefile test target; asks for the rest', async () => {
    const py = await detectToolchain(['pytest.ini', 'pkg/a.py'], reader({}));
    assert.ok(py.ok && py.toolchain.name === 'python' && py.toolchain.granularity === 'per-test');
    const node = await detectToolchain(['package.json'], reader({ 'package.json': '{"scripts":{"test":"node --test"}}' }));
    assert.ok(node.ok && node.toolchain.name === 'node' && node.toolchain.testCommand.includes("'node --test'"));
    const deps = await detectToolchain(['package.json'], reader({ 'package.json': '{"scripts":{"test":"jest"},"devDependencies":{"jest":"^29"}}' }));
    assert.ok(!deps.ok && /dependencies \(jest/.test(deps.reason) && /--image/.test(deps.reason));
    const make = await detectToolchain(['Makefile', 'src/a.c'], reader({ Makefile: 'all:\n\tcc a.c\ncheck: all\n\t./t\n' }));
    assert.ok(make.ok && make.toolchain.testCommand === 'make check');
    const unknown = await detectToolchain(['main.go', 'go.mod'], reader({}));
    assert.ok(!unknown.ok && /toolchain not detected.*--image and --test-command/.test(unknown.reason));
    const custom = await detectToolchain(['main.go'], reader({}), { testCommand: 'go test ./...', image: 'golang:1.22' });
    assert.ok(custom.ok && custom.toolchain.baseImage === 'golang:1.22' && custom.toolchain.aptLayers.length === 0);
  });

  const files = (patch: string): TaskFiles => ({
    id: 't', repoName: 'r', commit: { sha: 'a'.repeat(40), subject: 'Fix "it"' },
    toolchain: { name: 'python', baseImage: 'debian:bookworm-slim', aptLayers: [['python3', 'python3-pytest'], ['git']], testCommand: 'python3 -m pytest -rA', granularity: 'per-test', evidence: 'pytest.ini' },
    testFiles: [], deletedTests: ['tests/old_test.py'], patch,
  });

  it('the solution carries its patch inside solve.sh, and it still applies when the simulated model replays it through its own heredoc', () => {
    assert.match(solveScript(files('a\nKILOBENCH_PATCH\n')), /<<'KILOBENCH_PATCH_1'/, 'a delimiter that is not a line of the text');
    const patch = 'diff --git a/x.txt b/x.txt\n--- a/x.txt\n+++ b/x.txt\n@@ -1,2 +1,2 @@\n-old\n+new\n KILOBENCH_PATCH\n';
    const script = solveScript(files(patch));
    // Played the way the sim provider plays a reference solution, in a real shell, in a scratch folder.
    const dir = tempDir();
    try {
      writeFileSync(join(dir, 'x.txt'), 'old\nKILOBENCH_PATCH\n');
      const played = heredocCommand(script.replace('cd /app', `cd ${dir}`), dir);
      execFileSync('bash', ['-c', played]);
      assert.equal(readFileSync(join(dir, 'x.txt'), 'utf8'), 'new\nKILOBENCH_PATCH\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the verifier restores the tests, names the chosen ids quoted, and writes the reward', () => {
    const f = files('');
    const script = testScript(f, verifierCommand(f.toolchain, ['tests/a.py::test_x[1 2]', "tests/a.py::it's"]), 'two tests');
    assert.match(script, /cp -a \/tests\/files\/\. \/app\//);
    assert.match(script, /rm -f 'tests\/old_test\.py'/);
    assert.match(script, /'tests\/a\.py::test_x\[1 2\]' 'tests\/a\.py::it'\\''s'/);
    assert.match(script, /reward\.txt/);
    assert.match(dockerfile(f.toolchain), /^FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends python3 python3-pytest && rm -rf \/var\/lib\/apt\/lists\/\*\n/);
  });

  it('the instruction comes from the commit message and the failing tests, and says nothing of the fix', () => {
    const text = writeInstructionText({ subject: 'Discount never negative', body: 'A coupon gave money back.', toolchain: files('').toolchain, failing: [{ name: 'tests/t.py::test_neg', message: 'assert -50 == 0' }] });
    assert.match(text, /^# Discount never negative\n\nA coupon gave money back\./);
    assert.match(text, /`tests\/t\.py::test_neg`: assert -50 == 0/);
    assert.doesNotMatch(text, /diff|patch/i);
  });

  it('samples passing tests evenly and the same way every time; tasks go outside the repository unless asked', async () => {
    assert.deepEqual(sample(['a', 'b', 'c', 'd', 'e', 'f'], 3), ['a', 'c', 'e']);
    assert.deepEqual(sample(['a'], 3), ['a']);
    const dir = defaultMineDir('/home/me/src/my repo', { KILOBENCH_DATA_DIR: '/data' });
    assert.match(dir, /^\/data\/mined\/my-repo-[0-9a-f]{10}$/);
    const root = tempDir();
    try {
      mkdirSync(join(root, 'inside'));
      await ignoreInsideRepo(root, join(root, 'inside'));
      assert.equal(readFileSync(join(root, 'inside', '.gitignore'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#')).join(), '*');
      await ignoreInsideRepo(join(root, 'inside'), root);
      assert.ok(!existsSync(join(root, '.gitignore')), 'a folder outside the repository gets none');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('walks first parents newest first, narrowed by --since and --paths, with each commit\'s changed files', async () => {
    const repo = makeRepo('walk', tenFixHistory());
    try {
      const all = await listCommits(repo.dir);
      assert.equal(all.length, 11);
      assert.equal(all[0]!.sha, repo.commits.at(-1)!.sha);
      assert.equal(all.at(-1)!.parent, undefined, 'the root commit has no parent');
      assert.deepEqual((await listCommits(repo.dir, { paths: 'mathkit/scale_1*.py' })).map((c) => c.subject), ['scale_10 forgets to add one', 'scale_1 forgets to add one', 'mathkit: scaling helpers']);
      assert.deepEqual((await listCommits(repo.dir, { since: '2026-01-09' })).map((c) => c.subject), ['scale_10 forgets to add one', 'scale_9: add one', 'scale_8 forgets to add one']);
      const fix = all[0]!;
      assert.deepEqual((await changedFiles(repo.dir, fix.parent!, fix.sha)).map((c) => `${c.kind} ${c.path}`), ['modified mathkit/scale_10.py', 'added tests/test_scale_10.py']);
    } finally {
      repo.remove();
    }
  });
});
