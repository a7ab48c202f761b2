/**
 * Task files cannot make KiloBench write outside its own folders. Hostile tasks are run for real
 * through the CLI (oracle harness, real Docker): a reward file that is a symlink to a host path, a
 * verifier and a solution that write to host-looking paths, a task name with `../` and absolute
 * paths in path-like fields, output far larger than any cap, a compose file asking for host mounts,
 * the Docker socket, privileges and host network. Tasks with symlinks leaving their folder
 * are refused before anything starts. A sentinel folder, the task folders and the working folder are
 * snapshotted before and after: nothing appears, changes or disappears outside the results folder.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store } from '../../../src/core/store';
import { kilobenchAsync, type CliRun } from '../../helpers/cli';
import { containersOfRun } from '../../helpers/docker';
import { tempDir, writeFiles, writeHarborTask, writeTb1Task } from '../../helpers/task-fixtures';

/** The CLI as a child process, without blocking this process (the upstream lives here). */
function cli(args: string[], cwd: string, env: NodeJS.ProcessEnv, onStart?: (pid: number) => void): Promise<CliRun> {
  return kilobenchAsync(args, { cwd, env, timeoutMs: 400_000, ...(onStart ? { onStart } : {}) });
}

/** Every entry under a folder with its type, size, mode, mtime and content hash (links not followed). */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      const info = lstatSync(path);
      let what: string;
      if (info.isSymbolicLink()) what = `link ${readlinkSync(path)}`;
      else if (info.isDirectory()) what = `dir ${info.mode}`;
      else what = `file ${info.mode} ${info.size} ${info.mtimeMs} ${createHash('sha256').update(readFileSync(path)).digest('hex')}`;
      out.set(path, what);
      if (info.isDirectory()) walk(path);
    }
  };
  walk(dir);
  return out;
}

function changes(before: Map<string, string>, after: Map<string, string>): string[] {
  const diff: string[] = [];
  for (const [path, what] of after) if (before.get(path) !== what) diff.push(`${before.has(path) ? 'changed' : 'new'}: ${path}`);
  for (const path of before.keys()) if (!after.has(path)) diff.push(`gone: ${path}`);
  return diff;
}

const TOML = (extra: string): string => [
  'version = "1.0"', '', '[metadata]', extra, 'difficulty = "easy"', '', '[verifier]', 'timeout_sec = 60.0', '',
  '[agent]', 'timeout_sec = 60.0', '', '[environment]', 'build_timeout_sec = 200.0', 'memory = "512M"', '',
].join('\n');

describe('security: task files cannot make KiloBench write outside its folders', function () {
  this.timeout(600_000);
  let root: string;
  let sentinel: string;
  before(() => {
    root = tempDir('kilobench-hostile-');
    sentinel = tempDir('kilobench-sentinel-');
    writeFiles(sentinel, { 'reward.txt': '1\n', 'secret.txt': 'host secret\n', 'sub/keep.txt': 'keep\n' });
  });
  after(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(sentinel, { recursive: true, force: true });
  });

  it('refuses tasks whose tests or solution are symlinks leaving the task folder, before any container starts', async () => {
    const tasks = join(root, 'escaping');
    writeHarborTask(tasks, 'tests-link-out');
    rmSync(join(tasks, 'tests-link-out', 'tests', 'test.sh'));
    symlinkSync(join(sentinel, 'secret.txt'), join(tasks, 'tests-link-out', 'tests', 'test.sh'));
    writeHarborTask(tasks, 'solution-dir-out');
    rmSync(join(tasks, 'solution-dir-out', 'solution'), { recursive: true });
    symlinkSync(sentinel, join(tasks, 'solution-dir-out', 'solution'));
    writeHarborTask(tasks, 'env-link-out');
    symlinkSync('/etc', join(tasks, 'env-link-out', 'environment', 'etc'));
    const before = snapshot(sentinel);
    const work = join(root, 'work-escaping');
    mkdirSync(work);
    for (const id of ['tests-link-out', 'solution-dir-out', 'env-link-out']) {
      const run = await cli(['run', '--no-bundled', '--path', tasks, '--tasks', id, '-H', 'oracle', '--trials', '1', '--db', join(work, 'results.sqlite')], work, {});
      assert.equal(run.code, 2, `${id}: ${run.stdout}${run.stderr}`);
      assert.match(run.stderr, new RegExp(`invalid task: ${id}`));
    }
    const listed = await cli(['tasks', '--no-bundled', '--path', tasks, '--json'], work, {});
    assert.equal(listed.code, 1);
    assert.match(listed.stdout, /outside the task folder|leaves the task folder/);
    assert.deepEqual(changes(before, snapshot(sentinel)), []);
    assert.deepEqual(readdirSync(work).filter((n) => !n.startsWith('results.')), [], 'only the (empty) results database for a refused run');
  });

  it('runs hostile tasks for real: a reward symlink to a host path, writes to host paths, ../ names, huge output — nothing lands outside', async () => {
    const tasks = join(root, 'hostile');
    // The verifier links its reward file to the host's sentinel (which says "1") and writes "into" the sentinel.
    writeHarborTask(tasks, 'reward-link', {
      'tests/test.sh': `#!/bin/bash\nmkdir -p /logs/verifier ${sentinel}\necho pwned > ${sentinel}/pwned.txt\necho 0 > ${sentinel}/reward.txt\nln -sf ${sentinel}/reward.txt /logs/verifier/reward.txt\nrm -f ${sentinel}/reward.txt\n`,
      'solution/solve.sh': `#!/bin/bash\nmkdir -p ${sentinel}/sub && echo pwned > ${sentinel}/sub/keep.txt && ln -s ${sentinel} /app/host\n`,
    });
    // A name and path-like fields meant to climb out (a workdir with ".." is refused at load: see the hostile-tasks corpus); a verifier that writes a reward through a chain of links.
    writeHarborTask(tasks, 'climbing-name', {
      'task.toml': TOML(`name = "../../../../${tmpdir().slice(1)}/kilobench-escaped-name"\ncategory = "../../../etc"`).replace('memory = "512M"', 'memory = "512M"\n[environment.env]\nHOME = "/../../.."\nTEST_DIR = "/../../tmp"'),
      'tests/test.sh': '#!/bin/bash\nmkdir -p /logs/verifier\necho 1 > /tmp/r\nln -s /tmp/r /logs/verifier/reward.txt\n',
    });
    // Far more output than any cap, on every stream, from the solution and the verifier.
    writeHarborTask(tasks, 'huge-output', {
      'solution/solve.sh': '#!/bin/bash\nhead -c 60000000 /dev/zero | tr "\\0" "x"\nhead -c 30000000 /dev/zero | tr "\\0" "y" >&2\nyes "line of output" | head -n 2000000\n',
      'tests/test.sh': '#!/bin/bash\nmkdir -p /logs/verifier\nhead -c 40000000 /dev/zero | tr "\\0" "z"\nhead -c 5000000 /dev/zero > /logs/verifier/reward.txt\necho 1 >> /logs/verifier/reward.txt\n',
    });
    // A TB 1.x compose file asking for the host: its folder and Docker socket mounted, privileged, host network, every capability.
    writeTb1Task(tasks, 'compose-asks-for-host', {
      'docker-compose.yaml': [
        'services:', '  client:', '    build:', '      dockerfile: Dockerfile', '    privileged: true', '    network_mode: host', '    cap_add: [ALL]',
        '    volumes:', `      - ${sentinel}:/mnt/host:rw`, '      - /var/run/docker.sock:/var/run/docker.sock', '      - /:/hostroot',
      ].join('\n') + '\n',
      'solution.sh': '#!/bin/bash\necho pwned > /mnt/host/pwned.txt 2>/dev/null\nfor s in /var/run/docker.sock /run/docker.sock; do test -S $s && touch /app/socket-found; done\ntest -d /hostroot && touch /app/hostroot-found\ntouch /app/done\n',
      'run-tests.sh': '#!/bin/bash\necho "=== short test summary info ==="\nif [ -f /app/done ] && [ ! -e /app/socket-found ] && [ ! -e /app/hostroot-found ] && [ ! -e /mnt/host/reward.txt ]; then echo "PASSED tests/test_outputs.py::test_confined"; else echo "FAILED tests/test_outputs.py::test_confined"; fi\n',
    });
    const work = join(root, 'work');
    const home = join(root, 'home');
    mkdirSync(work);
    mkdirSync(home);
    const watched = [sentinel, tasks];
    const before = watched.map(snapshot);
    const tmpBefore = new Set(readdirSync(tmpdir()));
    const db = join(work, 'results', 'results.sqlite');
    const run = await cli(['run', '--no-bundled', '--path', tasks, '--tasks', 'all', '-H', 'oracle', '--trials', '1', '--concurrency', '2', '--db', db], work, { HOME: home });
    assert.ok(run.code === 0 || run.code === 1, `exit ${run.code}\n${run.stdout}\n${run.stderr}`);
    assert.ok(run.stdout.length + run.stderr.length < 1_000_000, 'the CLI did not print the output flood');

    // Nothing changed outside: the sentinel, the task folders; nothing new in the system temp folder by those names.
    watched.forEach((dir, i) => assert.deepEqual(changes(before[i] as Map<string, string>, snapshot(dir)), [], dir));
    assert.equal(readFileSync(join(sentinel, 'reward.txt'), 'utf8'), '1\n');
    assert.ok(!existsSync(join(sentinel, 'pwned.txt')));
    const newInTmp = readdirSync(tmpdir()).filter((n) => !tmpBefore.has(n) && /escaped|pwned/.test(n));
    assert.deepEqual(newInTmp, []);
    assert.ok(!existsSync(join(tmpdir(), 'kilobench-escaped-name')));
    // The working folder holds the results folder only (HOME is separate); the results folder holds the database and journals.
    assert.deepEqual(readdirSync(work).sort(), ['results']);
    assert.deepEqual(readdirSync(join(work, 'results')).sort(), ['results.journals', 'results.sqlite']);
    assert.ok(statSync(db).size < 20 * 1024 * 1024, `database is ${statSync(db).size} bytes after 130 MB of output`);

    const store = await Store.open(db);
    try {
      const [r] = store.listRuns();
      assert.deepEqual(await containersOfRun(r!.id), [], 'no container left behind');
      const byTask = new Map(store.listTrials(r!.id).map((t) => [t.taskId, t]));
      // The reward the verifier linked to a host path was read inside the container, where that path does not exist.
      assert.notEqual(byTask.get('reward-link')?.status, 'passed', 'a link to the host sentinel (which says 1) must not pass');
      assert.equal(byTask.get('climbing-name')?.status, 'passed', byTask.get('climbing-name')?.error ?? '');
      // The compose file's mounts, privileges and capabilities are not honoured: the solution found no host inside.
      assert.equal(byTask.get('compose-asks-for-host')?.status, 'passed', byTask.get('compose-asks-for-host')?.error ?? '');
      // A 5 MB reward file is read up to a cap, never whole: it is not a number, so not a pass.
      assert.equal(byTask.get('huge-output')?.status, 'verifier_error');
      assert.match(byTask.get('huge-output')?.error ?? '', /reward\.txt does not hold a number/);
      assert.ok((byTask.get('huge-output')?.error ?? '').length < 1000);
    } finally {
      await store.close();
    }
    // The HTML report goes into the results folder too.
    const html = await cli(['report', '--db', db, '--format', 'html'], work, { HOME: home });
    assert.equal(html.code, 0, html.stderr);
    assert.deepEqual(readdirSync(join(work, 'results')).sort(), ['report.html', 'results.journals', 'results.sqlite']);
  });
});
