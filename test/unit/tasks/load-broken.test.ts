/**
 * Broken task folders: each defect must produce exactly one precise error (file, field, line where
 * known, and what is wrong), never a crash and never a silently skipped task.
 */
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadTasks, type TaskError } from '../../../src/core/tasks';
import { tempDir, writeFiles, writeHarborTask, writeTb1Task } from '../../helpers/task-fixtures';

interface Case {
  name: string;
  make: (parent: string, id: string) => void;
  expect: { file: string; field?: string; line?: number; message: RegExp };
}

const tb1 = (overrides: Record<string, string>, after?: (dir: string) => void) => (parent: string, id: string) => {
  const dir = writeTb1Task(parent, id, overrides);
  after?.(dir);
};
const harbor = (overrides: Record<string, string>, after?: (dir: string) => void) => (parent: string, id: string) => {
  const dir = writeHarborTask(parent, id, overrides);
  after?.(dir);
};

const CASES: Case[] = [
  {
    name: 'malformed YAML',
    make: tb1({ 'task.yaml': 'instruction: fine\ndifficulty: easy\ntags: [a, b\ncategory: x\n' }),
    expect: { file: 'task.yaml', line: 4, message: /malformed YAML/ },
  },
  {
    name: 'task.yaml that is a list, not a mapping',
    make: tb1({ 'task.yaml': '- instruction: x\n' }),
    expect: { file: 'task.yaml', message: /must be a YAML mapping/ },
  },
  {
    name: 'missing instruction',
    make: tb1({ 'task.yaml': 'difficulty: easy\n' }),
    expect: { file: 'task.yaml', field: 'instruction', message: /missing instruction/ },
  },
  {
    name: 'empty instruction',
    make: tb1({ 'task.yaml': 'instruction: "   "\n' }),
    expect: { file: 'task.yaml', field: 'instruction', line: 1, message: /instruction is empty/ },
  },
  {
    name: 'instruction that is not text',
    make: tb1({ 'task.yaml': 'instruction:\n  - one\n  - two\n' }),
    expect: { file: 'task.yaml', field: 'instruction', message: /must be text, found a list/ },
  },
  {
    name: 'bad difficulty',
    make: tb1({ 'task.yaml': 'instruction: x\nauthor_name: a\ndifficulty: impossible\n' }),
    expect: { file: 'task.yaml', field: 'difficulty', line: 3, message: /must be one of easy, medium, hard, unknown, found "impossible"/ },
  },
  {
    name: 'agent timeout not a number',
    make: tb1({ 'task.yaml': 'instruction: x\nmax_agent_timeout_sec: soon\n' }),
    expect: { file: 'task.yaml', field: 'max_agent_timeout_sec', line: 2, message: /must be a number, found "soon"/ },
  },
  {
    name: 'negative test timeout',
    make: tb1({ 'task.yaml': 'instruction: x\nmax_test_timeout_sec: -5\n' }),
    expect: { file: 'task.yaml', field: 'max_test_timeout_sec', line: 2, message: /greater than 0, found -5/ },
  },
  {
    name: 'tags that are not a list of strings',
    make: tb1({ 'task.yaml': 'instruction: x\ntags: {a: 1}\n' }),
    expect: { file: 'task.yaml', field: 'tags', line: 2, message: /list of strings, found a table/ },
  },
  {
    name: 'unknown parser',
    make: tb1({ 'task.yaml': 'instruction: x\nparser_name: junit\n' }),
    expect: { file: 'task.yaml', field: 'parser_name', line: 2, message: /parser "junit" is not one of Terminal-Bench's \(pytest, swebench, mlebench\)/ },
  },
  {
    name: 'compose memory limit that is not a size',
    make: tb1({ 'docker-compose.yaml': 'services:\n  client:\n    build: .\n    mem_limit: lots\n' }),
    expect: { file: 'docker-compose.yaml', field: 'services.client.mem_limit', message: /must be a size such as "4g" or "512m" \(at least 1 MB\), found "lots"/ },
  },
  {
    name: 'compose cpu limit that is not a number',
    make: tb1({ 'docker-compose.yaml': 'services:\n  client:\n    deploy:\n      resources:\n        limits:\n          cpus: many\n' }),
    expect: { file: 'docker-compose.yaml', field: 'services.client.deploy.resources.limits.cpus', message: /must be a positive number of CPUs/ },
  },
  {
    name: 'missing Dockerfile',
    make: tb1({}, (dir) => rmSync(join(dir, 'Dockerfile'))),
    expect: { file: 'Dockerfile', message: /missing: every task needs a Dockerfile/ },
  },
  {
    name: 'missing test entry',
    make: tb1({}, (dir) => {
      rmSync(join(dir, 'run-tests.sh'));
      rmSync(join(dir, 'tests'), { recursive: true });
    }),
    expect: { file: 'run-tests.sh', message: /missing test entry/ },
  },
  {
    name: 'missing task.yaml in a folder that is clearly a task',
    make: tb1({}, (dir) => rmSync(join(dir, 'task.yaml'))),
    expect: { file: 'task.yaml', message: /missing/ },
  },
  {
    name: 'symlink that escapes the task folder',
    make: tb1({}, (dir) => symlinkSync('/etc', join(dir, 'tests', 'host-etc'))),
    expect: { file: 'tests/host-etc', message: /symlink points outside the task folder/ },
  },
  {
    name: 'test entry that is a symlink out of the folder',
    make: tb1({}, (dir) => {
      rmSync(join(dir, 'run-tests.sh'));
      symlinkSync('../../../../../../bin/true', join(dir, 'run-tests.sh'));
    }),
    expect: { file: 'run-tests.sh', message: /leaves the task folder/ },
  },
  {
    name: 'binary garbage in task.yaml',
    make: tb1({}, (dir) => writeFileSync(join(dir, 'task.yaml'), Buffer.from([0x69, 0x6e, 0x00, 0xff, 0xfe, 0x13, 0x37, 0x00]))),
    expect: { file: 'task.yaml', message: /not UTF-8 text/ },
  },
  {
    name: 'huge instruction',
    make: tb1({ 'task.yaml': `instruction: "${'a'.repeat(150_000)}"\n` }),
    expect: { file: 'task.yaml', field: 'instruction', message: /too long \(150000 characters/ },
  },
  {
    name: 'solution.yaml that is not a list of commands',
    make: tb1({ 'solution.yaml': 'command: echo hi\n' }, (dir) => rmSync(join(dir, 'solution.sh'))),
    expect: { file: 'solution.yaml', message: /non-empty list of commands/ },
  },
  {
    name: 'malformed TOML',
    make: harbor({ 'task.toml': 'version = "1.0"\n[metadata]\ndifficulty = "easy\n' }),
    expect: { file: 'task.toml', line: 3, message: /malformed TOML/ },
  },
  {
    name: 'Harbor task without instruction.md',
    make: harbor({}, (dir) => rmSync(join(dir, 'instruction.md'))),
    expect: { file: 'instruction.md', message: /missing instruction/ },
  },
  {
    name: 'Harbor agent timeout not a number',
    make: harbor({ 'task.toml': 'version = "1.0"\n\n[agent]\ntimeout_sec = "ten"\n' }),
    expect: { file: 'task.toml', field: 'agent.timeout_sec', line: 4, message: /must be a number, found "ten"/ },
  },
  {
    name: 'Harbor bad difficulty',
    make: harbor({ 'task.toml': '[metadata]\ndifficulty = "trivial"\n' }),
    expect: { file: 'task.toml', field: 'metadata.difficulty', line: 2, message: /must be one of/ },
  },
  {
    name: 'Harbor [metadata] that is not a table',
    make: harbor({ 'task.toml': 'metadata = "none"\n' }),
    expect: { file: 'task.toml', field: 'metadata', line: 1, message: /must be a table/ },
  },
  {
    name: 'Harbor memory that is not a size',
    make: harbor({ 'task.toml': '[environment]\nmemory = "lots"\n' }),
    expect: { file: 'task.toml', field: 'environment.memory', line: 2, message: /must be a size such as "2G"/ },
  },
  {
    name: 'Harbor environment without a Dockerfile',
    make: harbor({}, (dir) => rmSync(join(dir, 'environment', 'Dockerfile'))),
    expect: { file: 'environment/Dockerfile', message: /environment\/ has no Dockerfile/ },
  },
  {
    name: 'Harbor task without tests/test.sh',
    make: harbor({}, (dir) => rmSync(join(dir, 'tests', 'test.sh'))),
    expect: { file: 'tests/test.sh', message: /missing test entry/ },
  },
  {
    name: 'Harbor instruction.md that is a symlink out of the folder',
    make: harbor({}, (dir) => {
      rmSync(join(dir, 'instruction.md'));
      symlinkSync('/etc/hostname', join(dir, 'instruction.md'));
    }),
    expect: { file: 'instruction.md', message: /leaves the task folder/ },
  },
  {
    name: 'Harbor instruction.md that is a folder',
    make: harbor({}, (dir) => {
      rmSync(join(dir, 'instruction.md'));
      mkdirSync(join(dir, 'instruction.md'));
    }),
    expect: { file: 'instruction.md', message: /is a folder/ },
  },
];

describe('task loading: broken tasks get one precise error each', () => {
  let root: string;
  before(() => {
    root = tempDir();
    CASES.forEach((c, i) => c.make(root, `case-${String(i).padStart(2, '0')}`));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it(`covers at least 15 distinct defects (${CASES.length})`, () => {
    assert.ok(CASES.length >= 15);
  });

  CASES.forEach((c, i) => {
    it(c.name, async () => {
      const [task] = await loadTasks([join(root, `case-${String(i).padStart(2, '0')}`)]);
      assert.ok(task, 'the broken task is still listed');
      assert.equal(task.errors.length, 1, `expected one error, got: ${JSON.stringify(task.errors)}`);
      const error = task.errors[0] as TaskError;
      assert.equal(error.file, c.expect.file);
      if (c.expect.field) assert.equal(error.field, c.expect.field);
      if (c.expect.line) assert.equal(error.line, c.expect.line);
      assert.match(error.message, c.expect.message);
    });
  });

  it('lists every broken task of a folder, none skipped', async () => {
    const tasks = await loadTasks([root]);
    assert.equal(tasks.length, CASES.length);
    assert.ok(tasks.every((t) => t.errors.length === 1));
  });

  it('reports a duplicate task id across two folders', async () => {
    const a = tempDir();
    const b = tempDir();
    try {
      writeTb1Task(a, 'same');
      writeHarborTask(b, 'same');
      const tasks = await loadTasks([a, b]);
      assert.deepEqual(tasks[0]?.errors, []);
      assert.match(tasks[1]?.errors[0]?.message ?? '', /duplicate task id "same"/);
    } finally {
      rmSync(a, { recursive: true, force: true });
      rmSync(b, { recursive: true, force: true });
    }
  });

  it('refuses a path that does not exist or holds no task, with a message naming it', async () => {
    await assert.rejects(loadTasks(['/definitely/not/here']), /task folder not found: \/definitely\/not\/here/);
    const empty = writeFiles(tempDir(), { 'notes.txt': 'hi' });
    await assert.rejects(loadTasks([empty]), /no tasks in .*task\.yaml.*task\.toml/);
    rmSync(empty, { recursive: true, force: true });
  });
});
