/**
 * Hostile and broken task folders (issue 8, item 3). Each case is a defect the loader must turn
 * into a clear error naming the file (and field, where there is one) — or a safe recovery whose
 * result is asserted. Never a crash, a hang, or a task that loads wrong without saying so.
 * test/unit/tasks/load-broken.test.ts holds the first 28 defects; these are new ones.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadTasks, type Task, type TaskError } from '../../../src/core/tasks';
import { formatTaskError } from '../../../src/core/tasks/task';
import { CLI, kilobench } from '../../helpers/cli';
import { tempDir, writeHarborTask, writeTb1Task } from '../../helpers/task-fixtures';

interface Case {
  name: string;
  make: (parent: string, id: string) => void;
  /** An error the task must carry (the task is invalid) … */
  error?: { file: string; field?: string; message: RegExp };
  /** … or a recovery: the task is valid and this holds. */
  recovers?: (task: Task) => void;
}

const tb1 = (overrides: Record<string, string>, after?: (dir: string) => void) => (parent: string, id: string) => {
  const dir = writeTb1Task(parent, id, overrides);
  after?.(dir);
};
const harbor = (overrides: Record<string, string>, after?: (dir: string) => void) => (parent: string, id: string) => {
  const dir = writeHarborTask(parent, id, overrides);
  after?.(dir);
};
const replaceWithLink = (rel: string, target: string) => (dir: string) => {
  rmSync(join(dir, rel), { recursive: true, force: true });
  symlinkSync(target, join(dir, rel));
};
const write = (rel: string, content: string | Buffer) => (dir: string) => writeFileSync(join(dir, rel), content);
const BOM = '\uFEFF';
/** 50 MB, made at test time (never committed). */
const HUGE_BYTES = 50 * 1024 * 1024;
const huge = (prefix: string) => Buffer.concat([Buffer.from(prefix), Buffer.alloc(HUGE_BYTES, 'a')]);

/** Six levels of nine aliases: 9^6 = 531441 strings if expanded. */
const BILLION_LAUGHS = [
  'instruction: fine',
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
  'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
  'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
  'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
  'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]',
].join('\n');

const CASES: Case[] = [
  // ── empty files, BOMs, encodings ──
  {
    name: 'TB1: empty task.yaml',
    make: tb1({ 'task.yaml': '' }),
    error: { file: 'task.yaml', message: /is empty: write the task's fields/ },
  },
  {
    name: 'TB1: task.yaml of blank lines only',
    make: tb1({ 'task.yaml': '\n   \n\t\n' }),
    error: { file: 'task.yaml', message: /is empty/ },
  },
  {
    name: 'TB1: task.yaml with a UTF-8 BOM loads (recovery)',
    make: tb1({ 'task.yaml': `${BOM}instruction: Say hi.\ndifficulty: hard\n` }),
    recovers: (task) => {
      assert.equal(task.instruction, 'Say hi.');
      assert.equal(task.difficulty, 'hard');
    },
  },
  {
    name: 'TB1: task.yaml in UTF-16 (NUL bytes)',
    make: tb1({}, write('task.yaml', Buffer.from(`\uFEFFinstruction: hi\n`, 'utf16le'))),
    error: { file: 'task.yaml', message: /not UTF-8 text/ },
  },
  {
    name: 'TB1: task.yaml in Latin-1 (invalid UTF-8)',
    make: tb1({}, write('task.yaml', Buffer.from('instruction: caf\xe9\n', 'latin1'))),
    error: { file: 'task.yaml', message: /not UTF-8 text/ },
  },
  {
    name: 'Harbor: empty instruction.md',
    make: harbor({ 'instruction.md': '' }),
    error: { file: 'instruction.md', message: /instruction is empty/ },
  },
  {
    name: 'Harbor: instruction.md holding only a BOM and spaces',
    make: harbor({ 'instruction.md': `${BOM}  \n\n` }),
    error: { file: 'instruction.md', message: /instruction is empty/ },
  },
  {
    name: 'Harbor: instruction.md with a BOM loads without it (recovery)',
    make: harbor({ 'instruction.md': `${BOM}Do the thing.\n` }),
    recovers: (task) => assert.equal(task.instruction, 'Do the thing.'),
  },
  {
    name: 'Harbor: task.toml with a BOM loads (recovery)',
    make: harbor({ 'task.toml': `${BOM}[metadata]\ndifficulty = "hard"\n` }),
    recovers: (task) => assert.equal(task.difficulty, 'hard'),
  },
  {
    name: 'Harbor: empty task.toml loads with the format defaults (recovery)',
    make: harbor({ 'task.toml': '' }),
    recovers: (task) => {
      assert.equal(task.agentTimeoutSec, 600);
      assert.equal(task.testTimeoutSec, 600);
      assert.equal(task.environment.memoryMb, 2048);
    },
  },
  {
    name: 'Harbor: binary garbage in task.toml',
    make: harbor({}, write('task.toml', Buffer.from([0x5b, 0x00, 0x80, 0xff, 0x13, 0x37, 0xc3, 0x28]))),
    error: { file: 'task.toml', message: /not UTF-8 text/ },
  },
  {
    name: 'Harbor: instruction.md with NUL bytes',
    make: harbor({}, write('instruction.md', Buffer.from('Fix it.\0\0\0rm -rf /\n'))),
    error: { file: 'instruction.md', message: /not UTF-8 text/ },
  },
  {
    name: 'TB1: solution.yaml of binary garbage',
    make: tb1({}, (dir) => {
      rmSync(join(dir, 'solution.sh'));
      writeFileSync(join(dir, 'solution.yaml'), Buffer.from([0xff, 0xfe, 0x00, 0x01]));
    }),
    error: { file: 'solution.yaml', message: /not UTF-8 text/ },
  },
  // ── huge inputs ──
  {
    name: 'TB1: 50 MB task.yaml',
    make: tb1({}, write('task.yaml', huge('instruction: '))),
    error: { file: 'task.yaml', message: /too large \(52428813 bytes; the limit is 1048576\)/ },
  },
  {
    name: 'Harbor: 50 MB instruction.md',
    make: harbor({}, write('instruction.md', huge(''))),
    error: { file: 'instruction.md', message: /too large \(52428800 bytes/ },
  },
  {
    name: 'Harbor: instruction.md just under the file limit but over the instruction limit',
    make: harbor({ 'instruction.md': 'word '.repeat(200_000) }),
    error: { file: 'instruction.md', message: /instruction is too long \(999999 characters; the limit is 100000\)/ },
  },
  // ── duplicate keys, nesting, alias bombs ──
  {
    name: 'TB1: duplicate key in task.yaml',
    make: tb1({ 'task.yaml': 'instruction: first\ndifficulty: easy\ninstruction: second\n' }),
    error: { file: 'task.yaml', message: /malformed YAML: Map keys must be unique/ },
  },
  {
    name: 'TB1: YAML alias bomb ("billion laughs") in task.yaml',
    make: tb1({ 'task.yaml': BILLION_LAUGHS }),
    error: { file: 'task.yaml', message: /malformed YAML: aliases \(\*name\) expand to too much data/ },
  },
  {
    name: 'TB1: YAML alias bomb in solution.yaml',
    make: tb1({ 'solution.yaml': BILLION_LAUGHS.replace('instruction: fine', 'x: 1') }, (dir) => rmSync(join(dir, 'solution.sh'))),
    error: { file: 'solution.yaml', message: /aliases \(\*name\) expand to too much data/ },
  },
  {
    name: 'TB1: deeply nested flow YAML (20000 levels)',
    make: tb1({ 'task.yaml': `instruction: x\ntags: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n` }),
    error: { file: 'task.yaml', message: /malformed YAML: nested too deeply/ },
  },
  {
    name: 'TB1: deeply nested block sequences (20000 levels of "- ")',
    make: tb1({ 'task.yaml': `instruction: x\nnest:\n  ${'- '.repeat(20_000)}x\n` }),
    error: { file: 'task.yaml', message: /malformed YAML: nested too deeply/ },
  },
  {
    name: 'Harbor: duplicate key in task.toml',
    make: harbor({ 'task.toml': '[agent]\ntimeout_sec = 10\ntimeout_sec = 20\n' }),
    error: { file: 'task.toml', message: /malformed TOML: .*redefine/ },
  },
  {
    name: 'Harbor: deeply nested arrays in task.toml (20000 levels)',
    make: harbor({ 'task.toml': `x = ${'['.repeat(20_000)}${']'.repeat(20_000)}\n` }),
    error: { file: 'task.toml', message: /malformed TOML: .*excessively nested/ },
  },
  // ── wrong types and absurd values ──
  {
    name: 'TB1: agent timeout of .inf',
    make: tb1({ 'task.yaml': 'instruction: x\nmax_agent_timeout_sec: .inf\n' }),
    error: { file: 'task.yaml', field: 'max_agent_timeout_sec', message: /must be a number, found number Infinity/ },
  },
  {
    name: 'TB1: test timeout of .nan',
    make: tb1({ 'task.yaml': 'instruction: x\nmax_test_timeout_sec: .nan\n' }),
    error: { file: 'task.yaml', field: 'max_test_timeout_sec', message: /must be a number, found number NaN/ },
  },
  {
    name: 'TB1: absurd agent timeout (1e12 s) that a Node timer would fire at once',
    make: tb1({ 'task.yaml': 'instruction: x\nmax_agent_timeout_sec: 1000000000000\n' }),
    error: { file: 'task.yaml', field: 'max_agent_timeout_sec', message: /must be at most 86400 seconds/ },
  },
  {
    name: 'TB1: difficulty that is a number',
    make: tb1({ 'task.yaml': 'instruction: x\ndifficulty: 5\n' }),
    error: { file: 'task.yaml', field: 'difficulty', message: /must be one of easy, medium, hard, unknown, found number 5/ },
  },
  {
    name: 'TB1: run_tests_in_same_shell that is not a boolean',
    make: tb1({ 'task.yaml': 'instruction: x\nrun_tests_in_same_shell: maybe\n' }),
    error: { file: 'task.yaml', field: 'run_tests_in_same_shell', message: /must be true or false, found "maybe"/ },
  },
  {
    name: 'TB1: instruction given as a !!binary blob',
    make: tb1({ 'task.yaml': 'instruction: !!binary aGVsbG8=\n' }),
    error: { file: 'task.yaml', field: 'instruction', message: /instruction must be text/ },
  },
  {
    name: 'TB1: solution.yaml step with a timeout that is not a number',
    make: tb1({ 'solution.yaml': '- command: echo hi\n  max_timeout_sec: forever\n' }, (dir) => rmSync(join(dir, 'solution.sh'))),
    error: { file: 'solution.yaml', field: '[0].max_timeout_sec', message: /must be a number, found "forever"/ },
  },
  {
    name: 'TB1: solution.yaml step without a command',
    make: tb1({ 'solution.yaml': '- block: true\n' }, (dir) => rmSync(join(dir, 'solution.sh'))),
    error: { file: 'solution.yaml', field: '[0].command', message: /missing: each solution step needs a command/ },
  },
  {
    name: 'Harbor: timeout of nan',
    make: harbor({ 'task.toml': '[verifier]\ntimeout_sec = nan\n' }),
    error: { file: 'task.toml', field: 'verifier.timeout_sec', message: /must be a number, found number NaN/ },
  },
  {
    name: 'Harbor: timeout that overflows to infinity (1e400)',
    make: harbor({ 'task.toml': '[agent]\ntimeout_sec = 1e400\n' }),
    error: { file: 'task.toml', field: 'agent.timeout_sec', message: /must be a number, found number Infinity/ },
  },
  {
    name: 'Harbor: absurd build timeout (a year)',
    make: harbor({ 'task.toml': '[environment]\nbuild_timeout_sec = 31536000\n' }),
    error: { file: 'task.toml', field: 'environment.build_timeout_sec', message: /at most 86400 seconds/ },
  },
  {
    name: 'Harbor: negative cpus',
    make: harbor({ 'task.toml': '[environment]\ncpus = -2\n' }),
    error: { file: 'task.toml', field: 'environment.cpus', message: /greater than 0, found -2/ },
  },
  {
    name: 'Harbor: memory of zero',
    make: harbor({ 'task.toml': '[environment]\nmemory = "0G"\n' }),
    error: { file: 'task.toml', field: 'environment.memory', message: /must be a size such as "2G"/ },
  },
  {
    name: 'Harbor: unknown network_mode',
    make: harbor({ 'task.toml': '[environment]\nnetwork_mode = "host"\n' }),
    error: { file: 'task.toml', field: 'environment.network_mode', message: /must be one of public, no-network, allowlist, found "host"/ },
  },
  {
    name: 'Harbor: env variable with an invalid name',
    make: harbor({ 'task.toml': '[environment.env]\n"BAD-NAME;rm" = "x"\n' }),
    error: { file: 'task.toml', field: 'environment.env.BAD-NAME;rm', message: /not a valid environment variable name/ },
  },
  {
    name: 'Harbor: env variable whose value is a table',
    make: harbor({ 'task.toml': '[environment.env.NESTED]\nx = 1\n' }),
    error: { file: 'task.toml', field: 'environment.env.NESTED', message: /must be text/ },
  },
  {
    name: 'Harbor: [agent] that is a list',
    make: harbor({ 'task.toml': 'agent = [1, 2]\n' }),
    error: { file: 'task.toml', field: 'agent', message: /must be a table, found a list/ },
  },
  {
    name: 'Harbor: docker_image that smuggles an option',
    make: harbor({ 'task.toml': '[environment]\ndocker_image = "--privileged alpine"\n' }),
    error: { file: 'task.toml', field: 'environment.docker_image', message: /must be a Docker image name/ },
  },
  // ── path traversal in path-like fields ──
  {
    name: 'Harbor: workdir with .. traversal',
    make: harbor({ 'task.toml': '[environment]\nworkdir = "/app/../../etc"\n' }),
    error: { file: 'task.toml', field: 'environment.workdir', message: /absolute path inside the container without "\.\."/ },
  },
  {
    name: 'Harbor: relative workdir',
    make: harbor({ 'task.toml': '[environment]\nworkdir = "../../root"\n' }),
    error: { file: 'task.toml', field: 'environment.workdir', message: /absolute path/ },
  },
  // ── symlinks pointing out of the folder ──
  {
    name: 'TB1: task.yaml symlinked to /etc/passwd',
    make: tb1({}, replaceWithLink('task.yaml', '/etc/passwd')),
    error: { file: 'task.yaml', message: /path leaves the task folder/ },
  },
  {
    name: 'TB1: solution.sh symlinked to /etc/passwd',
    make: tb1({}, replaceWithLink('solution.sh', '/etc/passwd')),
    error: { file: 'solution.sh', message: /leaves the task folder/ },
  },
  {
    name: 'TB1: tests/ symlinked to /etc',
    make: tb1({}, replaceWithLink('tests', '/etc')),
    error: { file: 'tests', message: /leaves the task folder/ },
  },
  {
    name: 'TB1: Dockerfile symlinked to /etc/passwd',
    make: tb1({}, replaceWithLink('Dockerfile', '/etc/passwd')),
    error: { file: 'Dockerfile', message: /leaves the task folder/ },
  },
  {
    name: 'TB1: solution.yaml symlinked out through ../..',
    make: tb1({}, (dir) => {
      rmSync(join(dir, 'solution.sh'));
      symlinkSync('../../../../../../../etc/passwd', join(dir, 'solution.yaml'));
    }),
    error: { file: 'solution.yaml', message: /leaves the task folder/ },
  },
  {
    name: 'Harbor: task.toml symlinked to /etc/passwd',
    make: harbor({}, replaceWithLink('task.toml', '/etc/passwd')),
    error: { file: 'task.toml', message: /path leaves the task folder/ },
  },
  {
    name: 'Harbor: solution/solve.sh symlinked to /etc/shadow',
    make: harbor({}, replaceWithLink('solution/solve.sh', '/etc/shadow')),
    error: { file: 'solution/solve.sh', message: /leaves the task folder/ },
  },
  {
    name: 'Harbor: environment/ symlinked to the host root',
    make: harbor({}, replaceWithLink('environment', '/')),
    error: { file: 'environment', message: /leaves the task folder/ },
  },
  {
    name: 'Harbor: tests/test.sh symlinked to /bin/true',
    make: harbor({}, replaceWithLink('tests/test.sh', '/bin/true')),
    error: { file: 'tests/test.sh', message: /leaves the task folder/ },
  },
  {
    name: 'Harbor: a build-context file inside environment/ linked to /etc/passwd',
    make: harbor({}, (dir) => symlinkSync('/etc/passwd', join(dir, 'environment', 'passwd'))),
    error: { file: 'environment/passwd', message: /symlink points outside the task folder \(\/etc\/passwd\)/ },
  },
  {
    name: 'TB1: dangling symlink whose text points outside',
    make: tb1({}, (dir) => symlinkSync('/nonexistent/secret', join(dir, 'tests', 'ghost'))),
    error: { file: 'tests/ghost', message: /symlink points outside the task folder \(\/nonexistent\/secret\)/ },
  },
  {
    name: 'TB1: task.yaml in a symlink loop',
    make: tb1({}, (dir) => {
      rmSync(join(dir, 'task.yaml'));
      symlinkSync('loop-b', join(dir, 'task.yaml'));
      symlinkSync('task.yaml', join(dir, 'loop-b'));
    }),
    error: { file: 'task.yaml', message: /missing|cannot read/ },
  },
  // ── special files ──
  {
    name: 'TB1: task.yaml that is a named pipe (would block a read forever)',
    make: tb1({}, (dir) => {
      rmSync(join(dir, 'task.yaml'));
      execFileSync('mkfifo', [join(dir, 'task.yaml')]);
    }),
    error: { file: 'task.yaml', message: /named pipe \(FIFO\), expected a regular file/ },
  },
  {
    name: 'Harbor: instruction.md that is a named pipe (hung the loader before)',
    make: harbor({}, (dir) => {
      rmSync(join(dir, 'instruction.md'));
      execFileSync('mkfifo', [join(dir, 'instruction.md')]);
    }),
    error: { file: 'instruction.md', message: /named pipe \(FIFO\), expected a regular file/ },
  },
  {
    name: 'Harbor: a named pipe in the build context',
    make: harbor({}, (dir) => execFileSync('mkfifo', [join(dir, 'environment', 'pipe')])),
    error: { file: 'environment/pipe', message: /named pipe \(FIFO\), not a regular file/ },
  },
  {
    name: 'TB1: task.yaml that is a folder',
    make: tb1({}, (dir) => {
      rmSync(join(dir, 'task.yaml'));
      mkdirSync(join(dir, 'task.yaml'));
    }),
    error: { file: 'task.yaml', message: /is a folder, expected a file/ },
  },
];

const idOf = (i: number): string => `hostile-${String(i).padStart(2, '0')}`;

describe('hostile task folders: a clear error or a safe recovery, never a crash', function () {
  this.timeout(60_000);
  let root: string;
  before(() => {
    root = tempDir('kilobench-hostile-tasks-');
    CASES.forEach((c, i) => c.make(root, idOf(i)));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it(`holds at least 50 new defects (${CASES.length})`, () => assert.ok(CASES.length >= 50));

  CASES.forEach((c, i) => {
    it(c.name, async () => {
      const [task] = await loadTasks([join(root, idOf(i))]);
      assert.ok(task, 'the task is listed, not skipped');
      if (c.recovers) {
        assert.deepEqual(task.errors, [], 'the task loads without errors');
        c.recovers(task);
        return;
      }
      const expected = c.error!;
      const match = task.errors.find((e: TaskError) => e.file === expected.file && expected.message.test(e.message));
      assert.ok(match, `no error on ${expected.file} matching ${expected.message}; got: ${JSON.stringify(task.errors)}`);
      if (expected.field) assert.equal(match.field, expected.field);
      // What the user reads: one line, naming the file, short enough to read (no dumped content).
      const line = formatTaskError(match);
      assert.ok(line.startsWith(expected.file), line);
      assert.ok(!line.includes('\n') && line.length < 300, `one short line: ${line.slice(0, 400)}`);
      assert.doesNotMatch(line, /\n\s+at |Error:/, 'no stack trace or raw exception');
    });
  });

  it('through the real CLI: `kilobench tasks` lists the whole corpus, exit 1, no crash', function () {
    assert.ok(existsSync(CLI), `${CLI} is missing: build it first (npm run build; npm test does)`);
    const result = kilobench(['tasks', '--no-bundled', '--path', root, '--json'], { env: { KILOBENCH_DEBUG: '' } });
    assert.equal(result.code, 1, result.stderr);
    assert.equal(result.stderr, '', 'nothing but the listing');
    const listed = (JSON.parse(result.stdout) as { tasks: { id: string; errors: string[] }[] }).tasks;
    assert.equal(listed.length, CASES.length);
    listed.forEach((task, i) => {
      assert.equal(task.id, idOf(i));
      assert.equal(task.errors.length > 0, !CASES[i]!.recovers, `${CASES[i]!.name}: ${task.errors.join(' | ')}`);
    });
  });

  it('loads the whole corpus folder at once: every broken task listed, each with its own verdict', async () => {
    const tasks = await loadTasks([root]);
    assert.equal(tasks.length, CASES.length);
    tasks.forEach((task, i) => {
      const c = CASES[i]!;
      assert.equal(task.errors.length > 0, !c.recovers, `${c.name}: ${JSON.stringify(task.errors)}`);
    });
  });
});
