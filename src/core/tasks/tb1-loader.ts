/**
 * Terminal-Bench 1.x tasks: `task.yaml`, `Dockerfile` (build context = the task folder),
 * `run-tests.sh`, `tests/`, and `solution.sh` or `solution.yaml` (`.sh` wins when both exist).
 */
import { basename } from 'node:path';
import { FieldReader, extraFields, isTable, type Table } from './fields';
import { exists, readTaskText } from './task-files';
import {
  DIFFICULTIES, TB1_DEFAULTS, TB1_PARSERS, type Solution, type SolutionCommand, type Task, type TaskError,
} from './task';
import { checkInstruction, taskName } from './common';
import { readTb1Compose } from './tb1-compose';
import { parseYaml } from './yaml-file';

export const TB1_TASK_FILE = 'task.yaml';

const KNOWN_FIELDS = [
  'instruction', 'descriptions', 'author_name', 'author_email', 'difficulty', 'category', 'tags', 'parser_name',
  'max_agent_timeout_sec', 'max_test_timeout_sec', 'run_tests_in_same_shell', 'disable_asciinema',
  'estimated_duration_sec', 'expert_time_estimate_min', 'junior_time_estimate_min', 'name',
];

export async function loadTb1Task(dir: string): Promise<Task> {
  const errors: TaskError[] = [];
  const warnings: TaskError[] = [];
  const id = basename(dir);
  let table: Table = {};
  let lineOf: (key: string) => number | undefined = () => undefined;

  const file = await readTaskText(dir, TB1_TASK_FILE);
  if (file.ok) {
    const parsed = parseYaml(TB1_TASK_FILE, file.text, errors);
    lineOf = parsed.lineOf;
    if (isTable(parsed.value)) table = parsed.value;
    else if (errors.length === 0) errors.push({ file: TB1_TASK_FILE, message: 'must be a YAML mapping of fields (instruction, difficulty, …)' });
  } else {
    errors.push(file.error ?? { file: TB1_TASK_FILE, message: 'missing' });
  }

  // When task.yaml itself is unusable its error says it all; checking its fields would only repeat it.
  const fileUsable = errors.length === 0;
  const fields = new FieldReader(TB1_TASK_FILE, table, errors, '', lineOf);
  const instruction = fileUsable ? checkInstruction(readInstruction(table, warnings), TB1_TASK_FILE, 'instruction', errors, lineOf('instruction')) : '';

  const [dockerfile, runTests, testsDir, testOutputs] = await Promise.all([
    exists(dir, 'Dockerfile'), exists(dir, 'run-tests.sh'), exists(dir, 'tests'), exists(dir, 'tests/test_outputs.py'),
  ]);
  if (dockerfile !== 'file') {
    errors.push({ file: 'Dockerfile', message: dockerfile === 'escapes' ? 'leaves the task folder (symlink)' : 'missing: every task needs a Dockerfile for its environment' });
  }
  if (testsDir === 'escapes') errors.push({ file: 'tests', message: 'leaves the task folder (symlink)' });
  if (runTests === 'escapes') errors.push({ file: 'run-tests.sh', message: 'leaves the task folder (symlink)' });
  // run-tests.sh is optional upstream when the tests are plain pytest in tests/test_outputs.py.
  if (runTests !== 'file' && runTests !== 'escapes' && testOutputs !== 'file') {
    errors.push({ file: 'run-tests.sh', message: 'missing test entry: neither run-tests.sh nor tests/test_outputs.py exists' });
  } else if (runTests === 'file' && testsDir !== 'dir' && testsDir !== 'escapes') {
    warnings.push({ file: 'tests', message: 'no tests/ folder: run-tests.sh must carry every test itself' });
  }

  const solution = await loadSolution(dir, errors, warnings);
  const compose = await readTb1Compose(dir, errors, warnings);
  const author = { name: fields.string('author_name', TB1_DEFAULTS.authorName), email: fields.string('author_email', TB1_DEFAULTS.authorEmail) };
  const task: Task = {
    id,
    name: fields.optionalString('name') ?? taskName(id),
    format: 'tb1',
    path: dir,
    instruction,
    difficulty: fields.oneOf('difficulty', DIFFICULTIES, TB1_DEFAULTS.difficulty),
    category: fields.string('category', TB1_DEFAULTS.category),
    tags: fields.stringList('tags'),
    author,
    agentTimeoutSec: fields.timeoutSec('max_agent_timeout_sec', TB1_DEFAULTS.agentTimeoutSec),
    testTimeoutSec: fields.timeoutSec('max_test_timeout_sec', TB1_DEFAULTS.testTimeoutSec),
    environment: {
      contextDir: dir, dockerfile: 'Dockerfile', buildTimeoutSec: TB1_DEFAULTS.buildTimeoutSec, env: {},
      ...(compose.image ? { image: compose.image } : {}),
      ...(compose.noNetwork ? { networkMode: 'no-network' as const } : {}),
      ...(compose.cpus !== undefined ? { cpus: compose.cpus } : {}),
      ...(compose.memoryMb !== undefined ? { memoryMb: compose.memoryMb } : {}),
    },
    verifier: {
      testsDir: `${dir}/tests`,
      entry: runTests === 'file' ? 'run-tests.sh' : undefined,
      parser: fields.string('parser_name', TB1_DEFAULTS.parser),
    },
    solution,
    extra: extraFields(table, KNOWN_FIELDS),
    errors,
    warnings,
  };
  // Read only to report wrong types; KiloBench runs tests in a fresh exec either way.
  fields.boolean('run_tests_in_same_shell', false);
  fields.boolean('disable_asciinema', false);
  if (!(TB1_PARSERS as readonly string[]).includes(task.verifier.parser)) {
    fields.error('parser_name', `parser "${task.verifier.parser}" is not one of Terminal-Bench's (${TB1_PARSERS.join(', ')})`);
  }
  return task;
}

/** `instruction`, or the `descriptions: [{key: base, description}]` list of early Terminal-Bench tasks (with a warning). */
function readInstruction(table: Table, warnings: TaskError[]): unknown {
  if (table.instruction !== undefined) return table.instruction;
  const descriptions = table.descriptions;
  if (Array.isArray(descriptions)) {
    const base = descriptions.find((d) => isTable(d) && d.key === 'base') ?? descriptions[0];
    if (isTable(base)) {
      const key = typeof base.key === 'string' ? base.key : 'the first';
      warnings.push({
        file: TB1_TASK_FILE, field: 'descriptions',
        message: `is the old instruction form: the "${key}" description is used${descriptions.length > 1 ? ` (${descriptions.length - 1} other${descriptions.length > 2 ? 's' : ''} ignored)` : ''}; write it as "instruction:" instead`,
      });
      return base.description;
    }
  }
  return undefined;
}

async function loadSolution(dir: string, errors: TaskError[], warnings: TaskError[]): Promise<Solution> {
  const [sh, yamlFile] = await Promise.all([exists(dir, 'solution.sh'), exists(dir, 'solution.yaml')]);
  if (sh === 'escapes') errors.push({ file: 'solution.sh', message: 'leaves the task folder (symlink)' });
  if (sh === 'file') return { kind: 'script', path: `${dir}/solution.sh` };
  if (yamlFile === 'escapes') errors.push({ file: 'solution.yaml', message: 'leaves the task folder (symlink)' });
  if (yamlFile === 'file') {
    const file = await readTaskText(dir, 'solution.yaml');
    if (!file.ok) {
      errors.push(file.error ?? { file: 'solution.yaml', message: 'cannot read' });
      return { kind: 'none' };
    }
    const parsed = parseYaml('solution.yaml', file.text, errors);
    if (parsed.value === undefined && errors.length > 0) return { kind: 'none' };
    return { kind: 'commands', commands: solutionCommands(parsed.value, errors) };
  }
  if (sh === undefined && yamlFile === undefined) {
    warnings.push({ file: 'solution.sh', message: 'no reference solution (solution.sh or solution.yaml): the task cannot be validated with the oracle' });
  }
  return { kind: 'none' };
}

function solutionCommands(value: unknown, errors: TaskError[]): SolutionCommand[] {
  if (!Array.isArray(value) || value.length === 0) {
    errors.push({ file: 'solution.yaml', message: 'must be a non-empty list of commands ({command: ...})' });
    return [];
  }
  const commands: SolutionCommand[] = [];
  value.forEach((item, index) => {
    const entry: Table = typeof item === 'string' ? { command: item } : isTable(item) ? item : {};
    const fields = new FieldReader('solution.yaml', entry, errors, `[${index}].`);
    const command = fields.string('command', '');
    if (!command.trim()) {
      fields.error('command', 'missing: each solution step needs a command');
      return;
    }
    commands.push({
      command,
      minTimeoutSec: fields.has('min_timeout_sec') ? nonNegative(fields, 'min_timeout_sec', entry) : 0,
      maxTimeoutSec: fields.timeoutSec('max_timeout_sec', 180),
      block: fields.boolean('block', false),
      appendEnter: fields.boolean('append_enter', true),
    });
  });
  return commands;
}

function nonNegative(fields: FieldReader, field: string, entry: Table): number {
  if (entry[field] === 0) return 0;
  return fields.positiveNumber(field, 0);
}
