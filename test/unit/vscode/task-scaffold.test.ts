import * as assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadTask } from '../../../src/core/tasks';
import { checkTaskId, scaffoldTask, type ScaffoldFile } from '../../../src/vscode/task-scaffold';

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

  it('task ids are folder-safe', () => {
    assert.equal(checkTaskId('fix-date-parsing'), null);
    for (const bad of ['Fix', 'a', '../x', 'x y', '-x', 'x-']) assert.ok(checkTaskId(bad), bad);
  });
});
