/**
 * One benchmark task, whatever format it was written in. The loaders for Terminal-Bench 1.x
 * (`task.yaml`) and Harbor / Terminal-Bench 2.0 (`task.toml`) both produce this shape, with the
 * defaults each format defines filled in.
 */
export type TaskFormat = 'tb1' | 'harbor';

export const DIFFICULTIES = ['easy', 'medium', 'hard', 'unknown'] as const;
export type Difficulty = (typeof DIFFICULTIES)[number];

/** One problem found while loading a task: which file, which field, what is wrong. */
export interface TaskError {
  /** Path relative to the task folder (e.g. `task.yaml`, `tests/test.sh`). */
  file: string;
  /** The field or table concerned (`instruction`, `agent.timeout_sec`), when there is one. */
  field?: string;
  /** 1-based line in the file, when the parser knows it. */
  line?: number;
  message: string;
}

/** A reference-solution command of TB 1.x `solution.yaml`. */
export interface SolutionCommand {
  command: string;
  minTimeoutSec: number;
  maxTimeoutSec: number;
  block: boolean;
  appendEnter: boolean;
}

export type Solution =
  | { kind: 'script'; path: string } // absolute path of solution.sh / solution/solve.sh
  | { kind: 'commands'; commands: SolutionCommand[] } // solution.yaml
  | { kind: 'none' };

export interface TaskEnvironment {
  /** Docker build context (absolute). TB 1.x: the task folder; Harbor: `environment/`. */
  contextDir: string;
  /** Dockerfile path relative to the context; undefined when the task only names a prebuilt image. */
  dockerfile: string | undefined;
  /** A prebuilt image the task names (Harbor `environment.docker_image`, TB 1.x compose `image:`). */
  image?: string;
  buildTimeoutSec: number;
  cpus?: number;
  memoryMb?: number;
  storageMb?: number;
  /** Harbor `network_mode`; TB 1.x compose `network_mode: none` reads as `no-network`. Absent: internet. */
  networkMode?: 'public' | 'no-network' | 'allowlist';
  workdir?: string;
  env: Record<string, string>;
}

export interface TaskVerifier {
  /** Folder copied to /tests after the agent stops (absolute). */
  testsDir: string;
  /**
   * Entry script relative to the task folder: `run-tests.sh` (TB 1.x) or `tests/test.sh` (Harbor).
   * Undefined for a TB 1.x task without run-tests.sh: pytest runs `tests/test_outputs.py` directly.
   */
  entry: string | undefined;
  /** TB 1.x `parser_name` (one of TB1_PARSERS); Harbor reads a reward file instead. */
  parser: string;
}

export interface Task {
  /** Folder name; unique within a task set. */
  id: string;
  /** Human-readable name (the id with spaces unless the task says otherwise). */
  name: string;
  format: TaskFormat;
  /** Absolute path of the task folder. */
  path: string;
  instruction: string;
  difficulty: Difficulty;
  category: string;
  tags: string[];
  author: { name: string; email: string };
  agentTimeoutSec: number;
  testTimeoutSec: number;
  environment: TaskEnvironment;
  verifier: TaskVerifier;
  solution: Solution;
  /** Anything else the task file said, kept as written (forks add their own fields). */
  extra: Record<string, unknown>;
  /** Empty when the task is valid. */
  errors: TaskError[];
  /** Problems that do not stop the task from running (e.g. no reference solution). */
  warnings: TaskError[];
}

/** The TB 1.x `parser_name`s KiloBench scores as Terminal-Bench does (verifier/tb1-parsers.ts). */
export const TB1_PARSERS = ['pytest', 'swebench', 'mlebench'] as const;

/** Defaults the formats define. */
export const TB1_DEFAULTS = {
  authorName: 'unknown',
  authorEmail: 'unknown',
  difficulty: 'unknown' as Difficulty,
  category: 'software_engineering',
  parser: 'pytest',
  agentTimeoutSec: 360,
  testTimeoutSec: 60,
  buildTimeoutSec: 600,
};

export const HARBOR_DEFAULTS = {
  authorName: 'unknown',
  authorEmail: 'unknown',
  difficulty: 'unknown' as Difficulty,
  category: 'software_engineering',
  agentTimeoutSec: 600,
  testTimeoutSec: 600,
  buildTimeoutSec: 600,
  cpus: 1,
  memoryMb: 2048,
};

export function formatTaskError(error: TaskError): string {
  const where = error.line ? `${error.file}:${error.line}` : error.file;
  return error.field ? `${where} (${error.field}): ${error.message}` : `${where}: ${error.message}`;
}
