import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { kilobench } from '../../helpers/cli';
import { tempDir, writeHarborTask, writeTb1Task } from '../../helpers/task-fixtures';

describe('kilobench tasks', () => {
  let root: string;
  before(() => {
    root = tempDir();
    writeTb1Task(join(root, 'good'), 'alpha');
    writeHarborTask(join(root, 'good'), 'beta');
    writeTb1Task(join(root, 'bad'), 'gamma', { 'task.yaml': 'instruction: x\ndifficulty: extreme\n' });
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('lists the bundled tasks: at least 12, at least 3 in Harbor format, every one valid', () => {
    const result = kilobench(['tasks', '--json']);
    assert.equal(result.code, 0, result.stderr + result.stdout);
    const { tasks } = JSON.parse(result.stdout) as { tasks: { id: string; format: string; errors: string[] }[] };
    assert.ok(tasks.length >= 12, `${tasks.length} bundled tasks`);
    assert.ok(tasks.filter((t) => t.format === 'harbor').length >= 3);
    assert.ok(tasks.filter((t) => t.format === 'tb1').length >= 9);
    for (const task of tasks) assert.deepEqual(task.errors, [], `${task.id}: ${task.errors.join('; ')}`);
  });

  it('prints exactly one JSON object with the documented fields', () => {
    const result = kilobench(['tasks', '--no-bundled', '--path', join(root, 'good'), '--json']);
    assert.equal(result.code, 0, result.stderr);
    const parsed = JSON.parse(result.stdout) as { tasks: Record<string, unknown>[] };
    assert.deepEqual(Object.keys(parsed), ['tasks']);
    assert.deepEqual(parsed.tasks.map((t) => [t.id, t.name, t.format, t.difficulty, t.category, t.path, t.errors]), [
      ['alpha', 'Alpha', 'tb1', 'easy', 'file-operations', join(root, 'good', 'alpha'), []],
      ['beta', 'Beta', 'harbor', 'medium', 'data-processing', join(root, 'good', 'beta'), []],
    ]);
  });

  it('exits 1 and names the file, field and problem when a task is invalid', () => {
    const json = kilobench(['tasks', '--no-bundled', '--path', join(root, 'good'), '--path', join(root, 'bad'), '--json']);
    assert.equal(json.code, 1);
    const gamma = (JSON.parse(json.stdout) as { tasks: { id: string; errors: string[] }[] }).tasks.find((t) => t.id === 'gamma');
    assert.deepEqual(gamma?.errors, ['task.yaml:2 (difficulty): must be one of easy, medium, hard, unknown, found "extreme"']);
    const text = kilobench(['tasks', '--no-bundled', '--path', join(root, 'bad')]);
    assert.equal(text.code, 1);
    assert.match(text.stdout, /gamma .*\n\s+error: task\.yaml:2 \(difficulty\)/);
    assert.match(text.stdout, /1 task, 1 with errors/);
  });

  it('exits 2 with a clear message on bad usage', () => {
    const missing = kilobench(['tasks', '--path', join(root, 'nope')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /task folder not found: .*nope/);
    const flag = kilobench(['tasks', '--frobnicate']);
    assert.equal(flag.code, 2);
    assert.match(flag.stderr, /unknown option '--frobnicate'/);
    assert.equal(kilobench(['no-such-command']).code, 2);
  });

  it('answers --help on the program and on every command with exit 0', () => {
    for (const args of [['--help'], ['tasks', '--help'], ['help', 'tasks']]) {
      const result = kilobench(args);
      assert.equal(result.code, 0, args.join(' '));
      assert.match(result.stdout, /Usage: kilobench/);
    }
  });
});
