/**
 * Harbor / Terminal-Bench 2.0 tasks: `task.toml`, `instruction.md`, `environment/` (Dockerfile and
 * build context), `tests/test.sh`, `solution/solve.sh`.
 */
import { basename } from 'node:path';
import { parse as parseToml, TomlError } from 'smol-toml';
import { FieldReader, describe, extraFields, type Table } from './fields';
import { exists, readTaskText } from './task-files';
import { DIFFICULTIES, HARBOR_DEFAULTS, type Solution, type Task, type TaskError } from './task';
import { checkInstruction, taskName } from './common';

export const HARBOR_TASK_FILE = 'task.toml';

const KNOWN_TABLES = ['version', 'schema_version', 'metadata', 'verifier', 'agent', 'environment', 'solution'];
const NETWORK_MODES = ['public', 'no-network', 'allowlist'] as const;

/** Line of `key` inside `[table]` (or at the top when the field has no dot), found in the source text. */
function tomlLineOf(text: string): (field: string) => number | undefined {
  const lines = text.split(/\r?\n/);
  return (field) => {
    const parts = field.split('.');
    const key = parts.pop() ?? '';
    const table = parts.join('.');
    let inTable = table === '';
    for (let i = 0; i < lines.length; i++) {
      const line = (lines[i] ?? '').trim();
      const header = /^\[\s*([^\]]+?)\s*\]$/.exec(line);
      if (header) {
        if (inTable && table === '' ) return undefined;
        inTable = header[1] === table;
        continue;
      }
      if (inTable && new RegExp(`^"?${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"?\\s*=`).test(line)) return i + 1;
    }
    return undefined;
  };
}

/** "2G", "512M", "1.5GB", "2048" (megabytes) → megabytes. */
export function parseMegabytes(value: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmgt])?i?b?\s*$/i.exec(value);
  if (!match) return undefined;
  const scale: Record<string, number> = { k: 1 / 1024, m: 1, g: 1024, t: 1024 * 1024 };
  const mb = Number(match[1]) * scale[(match[2] ?? 'm').toLowerCase()]!;
  return mb > 0 ? Math.round(mb) : undefined;
}

export async function loadHarborTask(dir: string): Promise<Task> {
  const errors: TaskError[] = [];
  const warnings: TaskError[] = [];
  const id = basename(dir);
  let table: Table = {};
  let lineOf: (field: string) => number | undefined = () => undefined;

  const file = await readTaskText(dir, HARBOR_TASK_FILE);
  if (file.ok) {
    try {
      table = parseToml(file.text) as Table;
      lineOf = tomlLineOf(file.text);
    } catch (e) {
      const line = e instanceof TomlError ? e.line : undefined;
      const message = (e as Error).message.split('\n')[0] ?? 'parse error';
      errors.push({ file: HARBOR_TASK_FILE, ...(line ? { line } : {}), message: `malformed TOML: ${message}` });
    }
  } else {
    errors.push(file.error ?? { file: HARBOR_TASK_FILE, message: 'missing' });
  }

  const root = new FieldReader(HARBOR_TASK_FILE, table, errors, '', lineOf);
  const metadata = root.nested('metadata');
  const agent = root.nested('agent');
  const verifier = root.nested('verifier');
  const environment = root.nested('environment');

  const instructionFile = await readTaskText(dir, 'instruction.md');
  let instructionValue: unknown;
  if (instructionFile.ok) instructionValue = instructionFile.text;
  else if (instructionFile.error) errors.push(instructionFile.error);
  const instruction = instructionFile.ok || instructionFile.missing
    ? checkInstruction(instructionValue, 'instruction.md', undefined, errors)
    : '';

  const dockerImage = readImage(environment);
  const workdir = readWorkdir(environment);
  const [envDir, dockerfile, testSh] = await Promise.all([
    exists(dir, 'environment'), exists(dir, 'environment/Dockerfile'), exists(dir, 'tests/test.sh'),
  ]);
  if (envDir === 'escapes' || dockerfile === 'escapes') errors.push({ file: 'environment', message: 'leaves the task folder (symlink)' });
  else if (dockerfile !== 'file' && !dockerImage) {
    errors.push({
      file: 'environment/Dockerfile',
      message: envDir === 'dir' ? 'missing: environment/ has no Dockerfile and task.toml names no docker_image' : 'missing: the task has no environment/ folder with a Dockerfile',
    });
  }
  if (testSh === 'escapes') errors.push({ file: 'tests/test.sh', message: 'leaves the task folder (symlink)' });
  else if (testSh !== 'file') errors.push({ file: 'tests/test.sh', message: 'missing test entry: the verifier runs tests/test.sh' });

  const memoryMb = readSize(environment, 'memory_mb', 'memory') ?? HARBOR_DEFAULTS.memoryMb;
  const storageMb = readSize(environment, 'storage_mb', 'storage');
  const networkMode = environment.has('network_mode') ? environment.oneOf('network_mode', NETWORK_MODES, 'public') : undefined;
  const env = readEnv(environment, environment.table_('env'));

  const task: Task = {
    id,
    name: metadata.optionalString('name') ?? taskName(id),
    format: 'harbor',
    path: dir,
    instruction,
    difficulty: metadata.oneOf('difficulty', DIFFICULTIES, HARBOR_DEFAULTS.difficulty),
    category: metadata.string('category', HARBOR_DEFAULTS.category),
    tags: metadata.stringList('tags'),
    author: { name: metadata.string('author_name', HARBOR_DEFAULTS.authorName), email: metadata.string('author_email', HARBOR_DEFAULTS.authorEmail) },
    agentTimeoutSec: agent.timeoutSec('timeout_sec', HARBOR_DEFAULTS.agentTimeoutSec),
    testTimeoutSec: verifier.timeoutSec('timeout_sec', HARBOR_DEFAULTS.testTimeoutSec),
    environment: {
      contextDir: `${dir}/environment`,
      dockerfile: dockerfile === 'file' ? 'Dockerfile' : undefined,
      ...(dockerImage ? { image: dockerImage } : {}),
      buildTimeoutSec: environment.timeoutSec('build_timeout_sec', HARBOR_DEFAULTS.buildTimeoutSec),
      cpus: environment.positiveNumber('cpus', HARBOR_DEFAULTS.cpus),
      memoryMb,
      ...(storageMb ? { storageMb } : {}),
      ...(networkMode ? { networkMode } : {}),
      ...(workdir ? { workdir } : {}),
      env,
    },
    verifier: { testsDir: `${dir}/tests`, entry: testSh === 'file' ? 'tests/test.sh' : undefined, parser: 'reward' },
    solution: await loadSolution(dir, errors, warnings),
    extra: extraFields(table, KNOWN_TABLES),
    errors,
    warnings,
  };
  return task;
}

/** A Docker image reference: no spaces, no leading dash (it is passed to Docker as a name, never as an option). */
const IMAGE_REFERENCE = /^[A-Za-z0-9][A-Za-z0-9._/:@-]{0,254}$/;

function readImage(fields: FieldReader): string | undefined {
  const image = fields.optionalString('docker_image');
  if (image === undefined || IMAGE_REFERENCE.test(image)) return image;
  fields.error('docker_image', `must be a Docker image name such as "python:3.13-slim", found ${describe(image)}`);
  return undefined;
}

/** The working folder inside the container: an absolute path, without `..`. */
function readWorkdir(fields: FieldReader): string | undefined {
  const workdir = fields.optionalString('workdir');
  if (workdir === undefined) return undefined;
  if (workdir.startsWith('/') && !workdir.split('/').includes('..') && !/[\0\n\r]/.test(workdir)) return workdir;
  fields.error('workdir', `must be an absolute path inside the container without "..", such as "/app", found ${describe(workdir)}`);
  return undefined;
}

/** `memory_mb = 2048` or `memory = "2G"`. */
function readSize(fields: FieldReader, mbField: string, textField: string): number | undefined {
  if (fields.has(mbField)) return fields.optionalPositiveNumber(mbField);
  if (!fields.has(textField)) return undefined;
  const text = fields.string(textField, '');
  const mb = parseMegabytes(text);
  if (mb === undefined) fields.error(textField, `must be a size such as "2G" or "512M", found ${JSON.stringify(text)}`);
  return mb;
}

function readEnv(fields: FieldReader, env: Table): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) fields.error(`env.${key}`, 'is not a valid environment variable name');
    else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') out[key] = String(value);
    else fields.error(`env.${key}`, 'must be text');
  }
  return out;
}

async function loadSolution(dir: string, errors: TaskError[], warnings: TaskError[]): Promise<Solution> {
  const solve = await exists(dir, 'solution/solve.sh');
  if (solve === 'file') return { kind: 'script', path: `${dir}/solution/solve.sh` };
  if (solve === 'escapes') errors.push({ file: 'solution/solve.sh', message: 'leaves the task folder (symlink)' });
  else warnings.push({ file: 'solution/solve.sh', message: 'no reference solution: the task cannot be validated with the oracle' });
  return { kind: 'none' };
}
