import * as assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadTask } from '../../../src/core/tasks';
import { checkTaskId, scaffoldTask, scaffoldWorkspaceTask, snapshotFiles, type ScaffoldFile } from '../../../src/vscode/task-scaffold';

function write(dir: string, files: readonly ScaffoldFile[]): void {
  for (const f of files) {
    mkdirSync(dirname(join(dir, f.path)), { recursive: true });
    writeFileSync(join(dir, f.path), f.content);
    if (f.executable) chmodSync(join(dir, f.path), 0o755);
  }
}

describe('new task scaffolds', () => {
  let root: string;
  beforeEach(() => { root = mkdtempSync(join(tmpdir(), 'kilobench-scaffold-')); });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  for (const format of ['tb1', 'harbor'] as const) {
    it(`a ${format} skeleton loads as a valid task of that format`, async () => {
      const dir = join(root, 'fix-dates');
      write(dir, scaffoldTask(format, 'fix-dates', 'Fix the date parsing.\nIt must accept "Jun 8, 2021".'));
      const task = await loadTask(dir);
      assert.deepEqual(task.errors, []);
      assert.equal(task.format, format);
      assert.equal(task.instruction.trim(), 'Fix the date parsing.\nIt must accept "Jun 8, 2021".');
      assert.notEqual(task.solution.kind, 'none');
    });
  }

  it('a workspace task: Harbor, the snapshot copied onto the chosen base image, the user\'s verifier command', async () => {
    const dir = join(root, 'my-repo-task');
    const files = ['package.json', 'src/index.ts'];
    write(dir, scaffoldWorkspaceTask({ id: 'my-repo-task', instruction: 'Make the tests pass.', verifierCommand: 'npm test -- --ci', baseImage: 'node:20-bookworm', files }));
    const task = await loadTask(dir);
    assert.deepEqual(task.errors, []);
    assert.equal(task.format, 'harbor');
    const dockerfile = scaffoldWorkspaceTask({ id: 'x', instruction: 'y', verifierCommand: 'make check', baseImage: 'debian:bookworm-slim', setup: 'RUN apt-get install -y make', files }).find((f) => f.path === 'environment/Dockerfile')!.content;
    assert.match(dockerfile, /^FROM debian:bookworm-slim$/m);
    assert.match(dockerfile, /^RUN apt-get install -y make$/m);
    assert.match(dockerfile, /^COPY workspace\/ \/app\/$/m);
    const test = scaffoldWorkspaceTask({ id: 'x', instruction: 'y', verifierCommand: 'make check', baseImage: 'b', files }).find((f) => f.path === 'tests/test.sh')!;
    assert.ok(test.executable);
    assert.match(test.content, /\( make check \)/);
    assert.match(test.content, /echo 1 > \/logs\/verifier\/reward\.txt/);
  });

  it('the snapshot leaves out the task folders and KiloBench\'s results, and nothing outside the workspace gets in', () => {
    assert.deepEqual(snapshotFiles(['a.ts', 'kilobench-tasks/t/task.toml', 'kilobench-tasks', '.kilobench/results.sqlite', '../etc/passwd', '/abs', 'src/b.ts'], ['kilobench-tasks']), ['a.ts', 'src/b.ts']);
  });

  it('task ids are folder-safe', () => {
    assert.equal(checkTaskId('fix-date-parsing'), null);
    for (const bad of ['Fix', 'a', '../x', 'x y', '-x', 'x-']) assert.ok(checkTaskId(bad), bad);
  });
});
