import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadTask, loadTasks } from '../../../src/core/tasks';
import { parseMegabytes } from '../../../src/core/tasks/harbor-loader';
import { tempDir, writeFiles, writeHarborTask, writeTb1Task } from '../../helpers/task-fixtures';

describe('task loading: valid tasks', () => {
  let root: string;
  beforeEach(() => { root = tempDir(); });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('reads a Terminal-Bench 1.x task into the common Task shape', async () => {
    const task = await loadTask(writeTb1Task(root, 'hello-file'));
    assert.deepEqual(task.errors, []);
    assert.equal(task.id, 'hello-file');
    assert.equal(task.name, 'Hello file');
    assert.equal(task.format, 'tb1');
    assert.equal(task.instruction, 'Create /app/hello.txt containing the word hello.');
    assert.equal(task.difficulty, 'easy');
    assert.equal(task.category, 'file-operations');
    assert.deepEqual(task.tags, ['files', 'basics']);
    assert.deepEqual(task.author, { name: 'Test Author', email: 'test@example.com' });
    assert.equal(task.agentTimeoutSec, 120);
    assert.equal(task.testTimeoutSec, 30);
    assert.equal(task.environment.contextDir, join(root, 'hello-file'));
    assert.equal(task.verifier.entry, 'run-tests.sh');
    assert.deepEqual(task.solution, { kind: 'script', path: join(root, 'hello-file', 'solution.sh') });
  });

  it('fills the TB 1.x defaults when optional fields are absent', async () => {
    const dir = writeTb1Task(root, 'minimal', { 'task.yaml': 'instruction: Do the thing.\n' });
    const task = await loadTask(dir);
    assert.deepEqual(task.errors, []);
    assert.equal(task.difficulty, 'unknown');
    assert.equal(task.category, 'software_engineering');
    assert.deepEqual(task.tags, []);
    assert.deepEqual(task.author, { name: 'unknown', email: 'unknown' });
    assert.equal(task.agentTimeoutSec, 360);
    assert.equal(task.testTimeoutSec, 60);
    assert.equal(task.verifier.parser, 'pytest');
  });

  it('tolerates unknown fields and keeps them', async () => {
    const dir = writeTb1Task(root, 'forked', { 'task.yaml': 'instruction: x\nour_team_owner: alice\nestimated_duration_sec: null\n' });
    const task = await loadTask(dir);
    assert.deepEqual(task.errors, []);
    assert.equal(task.extra.our_team_owner, 'alice');
  });

  it('prefers solution.sh over solution.yaml, and reads solution.yaml commands with their defaults', async () => {
    const both = await loadTask(writeTb1Task(root, 'both', { 'solution.yaml': '- command: echo hi\n' }));
    assert.equal(both.solution.kind, 'script');
    const dir = writeTb1Task(root, 'yaml-only', { 'solution.yaml': '- command: echo hi > /app/a\n- command: cat /app/a\n  max_timeout_sec: 5\n  block: true\n' });
    rmSync(join(dir, 'solution.sh'));
    const task = await loadTask(dir);
    assert.deepEqual(task.errors, []);
    assert.deepEqual(task.solution, {
      kind: 'commands',
      commands: [
        { command: 'echo hi > /app/a', minTimeoutSec: 0, maxTimeoutSec: 180, block: false, appendEnter: true },
        { command: 'cat /app/a', minTimeoutSec: 0, maxTimeoutSec: 5, block: true, appendEnter: true },
      ],
    });
  });

  it('accepts the early `descriptions` list when `instruction` is absent, using the base one, with a warning', async () => {
    const dir = writeTb1Task(root, 'old', { 'task.yaml': 'descriptions:\n  - key: hard\n    description: Harder.\n  - key: base\n    description: Old style.\n' });
    const task = await loadTask(dir);
    assert.deepEqual(task.errors, []);
    assert.equal(task.instruction, 'Old style.');
    const warning = task.warnings.find((w) => w.field === 'descriptions');
    assert.match(warning?.message ?? '', /old instruction form: the "base" description is used \(1 other ignored\); write it as "instruction:" instead/);
  });

  it('takes cpu and memory limits from docker-compose.yaml (deploy.resources.limits first, then cpus/mem_limit)', async () => {
    const deploy = writeTb1Task(root, 'compose-deploy', {
      'docker-compose.yaml': 'services:\n  client:\n    build:\n      dockerfile: Dockerfile\n    deploy:\n      resources:\n        limits:\n          cpus: "1.5"\n          memory: 3g\n',
    });
    assert.deepEqual(pick(await loadTask(deploy)), { cpus: 1.5, memoryMb: 3072, errors: [] });
    const service = writeTb1Task(root, 'compose-service', {
      'docker-compose.yaml': 'services:\n  db:\n    image: postgres\n    mem_limit: 8g\n  client:\n    build: .\n    cpus: 2\n    mem_limit: 512m\n',
    });
    assert.deepEqual(pick(await loadTask(service)), { cpus: 2, memoryMb: 512, errors: [] });
    const bytes = writeTb1Task(root, 'compose-bytes', { 'docker-compose.yaml': 'services:\n  main:\n    build: .\n    mem_limit: 1073741824\n' });
    assert.deepEqual(pick(await loadTask(bytes)), { cpus: undefined, memoryMb: 1024, errors: [] });
    const none = writeTb1Task(root, 'compose-none', { 'docker-compose.yaml': 'services:\n  client:\n    build: .\n' });
    assert.deepEqual(pick(await loadTask(none)), { cpus: undefined, memoryMb: undefined, errors: [] });
    const both = writeTb1Task(root, 'compose-both', {
      'docker-compose.yaml': 'services:\n  client:\n    build: .\n    mem_limit: 1g\n    deploy:\n      resources:\n        limits:\n          memory: 2g\n',
    });
    const task = await loadTask(both);
    assert.equal(task.environment.memoryMb, 2048);
    assert.match(task.warnings.map((w) => `${w.field}: ${w.message}`).join('\n'), /services\.client\.mem_limit: differs from services\.client\.deploy\.resources\.limits\.memory \(2048\): the latter is used/);
  });

  it('accepts every parser Terminal-Bench 1.x scores with (pytest, swebench, mlebench)', async () => {
    for (const parser of ['pytest', 'swebench', 'mlebench']) {
      const task = await loadTask(writeTb1Task(root, `parser-${parser}`, { 'task.yaml': `instruction: x\nparser_name: ${parser}\n` }));
      assert.deepEqual(task.errors, [], parser);
      assert.equal(task.verifier.parser, parser);
    }
  });

  it('runs tests/test_outputs.py directly when run-tests.sh is absent (allowed upstream)', async () => {
    const dir = writeTb1Task(root, 'no-runner');
    rmSync(join(dir, 'run-tests.sh'));
    const task = await loadTask(dir);
    assert.deepEqual(task.errors, []);
    assert.equal(task.verifier.entry, undefined);
  });

  it('warns, without failing, when a task has no reference solution', async () => {
    const dir = writeTb1Task(root, 'no-solution');
    rmSync(join(dir, 'solution.sh'));
    const task = await loadTask(dir);
    assert.deepEqual(task.errors, []);
    assert.equal(task.solution.kind, 'none');
    assert.match(task.warnings[0]?.message ?? '', /no reference solution/);
  });

  it('reads a Harbor task with its tables and sizes', async () => {
    const task = await loadTask(writeHarborTask(root, 'csv-json'));
    assert.deepEqual(task.errors, []);
    assert.equal(task.format, 'harbor');
    assert.equal(task.instruction, 'Convert /app/data.csv to /app/data.json.');
    assert.equal(task.difficulty, 'medium');
    assert.equal(task.category, 'data-processing');
    assert.equal(task.agentTimeoutSec, 300);
    assert.equal(task.testTimeoutSec, 90);
    assert.equal(task.environment.contextDir, join(root, 'csv-json', 'environment'));
    assert.equal(task.environment.buildTimeoutSec, 200);
    assert.equal(task.environment.cpus, 2);
    assert.equal(task.environment.memoryMb, 1024);
    assert.equal(task.verifier.entry, 'tests/test.sh');
    assert.deepEqual(task.solution, { kind: 'script', path: join(root, 'csv-json', 'solution', 'solve.sh') });
  });

  it('fills the Harbor defaults and tolerates unknown tables and newer fields', async () => {
    const dir = writeHarborTask(root, 'newer', {
      'task.toml': 'schema_version = "1.1"\n[environment]\nnetwork_mode = "no-network"\nworkdir = "/srv"\ngpus = 0\n[environment.env]\nMODE = "fast"\n[future_table]\nx = 1\n',
    });
    const task = await loadTask(dir);
    assert.deepEqual(task.errors, []);
    assert.equal(task.agentTimeoutSec, 600);
    assert.equal(task.testTimeoutSec, 600);
    assert.equal(task.environment.memoryMb, 2048);
    assert.equal(task.environment.cpus, 1);
    assert.equal(task.environment.networkMode, 'no-network');
    assert.equal(task.environment.workdir, '/srv');
    assert.deepEqual(task.environment.env, { MODE: 'fast' });
    assert.deepEqual(task.extra.future_table, { x: 1 });
  });

  it('accepts a Harbor task with a prebuilt docker_image instead of a Dockerfile', async () => {
    const dir = writeHarborTask(root, 'prebuilt', { 'task.toml': '[environment]\ndocker_image = "example/image:1"\n' });
    rmSync(join(dir, 'environment'), { recursive: true });
    const task = await loadTask(dir);
    assert.deepEqual(task.errors, []);
    assert.equal(task.environment.image, 'example/image:1');
  });

  it('parses Harbor size strings', () => {
    assert.equal(parseMegabytes('2G'), 2048);
    assert.equal(parseMegabytes('512M'), 512);
    assert.equal(parseMegabytes('1.5GB'), 1536);
    assert.equal(parseMegabytes('4Gi'), 4096);
    assert.equal(parseMegabytes('lots'), undefined);
    assert.equal(parseMegabytes('0G'), undefined);
  });

  it('loads a folder of tasks, a single task folder, and a checkout with tasks/ inside', async () => {
    writeTb1Task(join(root, 'set'), 'a');
    writeHarborTask(join(root, 'set'), 'b');
    writeFiles(join(root, 'set'), { 'README.md': 'not a task' });
    assert.deepEqual((await loadTasks([join(root, 'set')])).map((t) => [t.id, t.format]), [['a', 'tb1'], ['b', 'harbor']]);
    assert.deepEqual((await loadTasks([join(root, 'set', 'a')])).map((t) => t.id), ['a']);
    writeTb1Task(join(root, 'checkout', 'tasks'), 'c');
    writeFiles(join(root, 'checkout'), { 'docs/index.md': '# docs' });
    assert.deepEqual((await loadTasks([join(root, 'checkout')])).map((t) => t.id), ['c']);
  });
});

function pick(task: { environment: { cpus?: number; memoryMb?: number }; errors: unknown[] }) {
  return { cpus: task.environment.cpus, memoryMb: task.environment.memoryMb, errors: task.errors };
}
