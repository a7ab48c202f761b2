/**
 * Writes one mined task as a Harbor task folder:
 *
 *   <id>/task.toml            metadata (source repository and commit), timeouts
 *   <id>/instruction.md       from the commit message and the failing tests
 *   <id>/environment/         Dockerfile + repo/ (the parent commit with the commit's tests applied)
 *   <id>/tests/test.sh        restores the commit's test files, runs the chosen tests, writes the reward
 *   <id>/tests/files/         the commit's test files (so an agent that edits them changes nothing)
 *   <id>/solution/solve.sh    the commit's code change as a patch, inside the script itself (the
 *                             simulated model plays the script's text, so nothing may live beside it)
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { shellQuote, type Toolchain } from './toolchain';

export interface RepoFile {
  path: string;
  content: Buffer;
  executable: boolean;
}

export interface TaskFiles {
  id: string;
  repoName: string;
  commit: { sha: string; subject: string };
  toolchain: Toolchain;
  /** The commit's test files after the commit (restored before the tests run). */
  testFiles: RepoFile[];
  /** Test files the commit deleted (removed before the tests run). */
  deletedTests: string[];
  /** The commit's code change (unified diff, a/ b/ prefixes). */
  patch: string;
}

export const PROJECT_DIR = '/app';

/** The command the verifier runs: the whole suite, or the chosen pytest ids. */
export function verifierCommand(toolchain: Toolchain, testIds: readonly string[] | undefined): string {
  if (!testIds || toolchain.granularity === 'suite') return toolchain.testCommand;
  return `${toolchain.testCommand} ${testIds.map(shellQuote).join(' ')}`;
}

export function testScript(files: TaskFiles, command: string, what: string): string {
  const removals = files.deletedTests.map((p) => `rm -f ${shellQuote(p)}`).join('\n');
  return `#!/bin/bash
# Verifier mined from commit ${files.commit.sha.slice(0, 12)}: puts the commit's test files back as
# the commit left them, then runs ${what}; reward 1 when they pass.
mkdir -p /logs/verifier
cd ${PROJECT_DIR}
cp -a /tests/files/. ${PROJECT_DIR}/
${removals}
${command} 2>&1 | tee /logs/verifier/test-stdout.txt
if [ "\${PIPESTATUS[0]}" -eq 0 ]; then
  echo 1 > /logs/verifier/reward.txt
else
  echo 0 > /logs/verifier/reward.txt
fi
`.replace(/\n\n+/g, '\n');
}

function heredocTag(text: string): string {
  const lines = new Set(text.split('\n'));
  let tag = 'KILOBENCH_PATCH';
  for (let i = 1; lines.has(tag); i++) tag = `KILOBENCH_PATCH_${i}`;
  return tag;
}

export function solveScript(files: TaskFiles): string {
  const body = files.patch.endsWith('\n') ? files.patch : `${files.patch}\n`;
  const tag = heredocTag(body);
  return `#!/bin/bash
# Reference solution: the code change of commit ${files.commit.sha.slice(0, 12)} ("${files.commit.subject.replace(/[\r\n]/g, ' ')}"), as a patch.
set -euo pipefail
cd ${PROJECT_DIR}
cat > /tmp/kilobench-fix.patch <<'${tag}'
${body}${tag}
if command -v git >/dev/null; then git apply --whitespace=nowarn /tmp/kilobench-fix.patch; else patch -p1 --forward < /tmp/kilobench-fix.patch; fi
rm -f /tmp/kilobench-fix.patch
`;
}

export function dockerfile(toolchain: Toolchain): string {
  const lines = [`FROM ${toolchain.baseImage}`];
  // The same RUN lines for every task of a toolchain, so the engine builds them once.
  for (const packages of toolchain.aptLayers) {
    lines.push(`RUN apt-get update && apt-get install -y --no-install-recommends ${packages.join(' ')} && rm -rf /var/lib/apt/lists/*`);
  }
  lines.push(`COPY repo/ ${PROJECT_DIR}/`, `WORKDIR ${PROJECT_DIR}`);
  return lines.join('\n') + '\n';
}

function tomlString(text: string): string {
  return JSON.stringify(text);
}

export function taskToml(files: TaskFiles): string {
  return `version = "1.0"

[metadata]
author_name = "kilobench mine"
author_email = "unknown"
difficulty = "unknown"
category = "software_engineering"
tags = ["mined", ${tomlString(files.toolchain.name)}]
source_repository = ${tomlString(files.repoName)}
source_commit = ${tomlString(files.commit.sha)}
test_command = ${tomlString(files.toolchain.testCommand)}

[verifier]
timeout_sec = 300

[agent]
timeout_sec = 900

[environment]
build_timeout_sec = 900
cpus = 1
memory_mb = 2048
workdir = "${PROJECT_DIR}"
`;
}

export async function writeTree(root: string, files: readonly RepoFile[]): Promise<void> {
  for (const file of files) {
    const target = join(root, file.path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, file.content, { mode: file.executable ? 0o755 : 0o644 });
  }
}

/**
 * Writes (or replaces) the task folder `dir`, with an empty `environment/repo/` for the caller to
 * fill. The verifier and instruction are written separately.
 */
export async function writeTaskFolder(dir: string, files: TaskFiles): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(join(dir, 'environment', 'repo'), { recursive: true });
  await mkdir(join(dir, 'tests', 'files'), { recursive: true });
  await mkdir(join(dir, 'solution'), { recursive: true });
  await writeTree(join(dir, 'tests', 'files'), files.testFiles);
  await writeFile(join(dir, 'environment', 'Dockerfile'), dockerfile(files.toolchain));
  await writeFile(join(dir, 'solution', 'solve.sh'), solveScript(files), { mode: 0o755 });
  await writeFile(join(dir, 'task.toml'), taskToml(files));
}

export async function writeVerifier(dir: string, script: string): Promise<void> {
  await writeFile(join(dir, 'tests', 'test.sh'), script, { mode: 0o755 });
}

export async function writeInstruction(dir: string, text: string): Promise<void> {
  await writeFile(join(dir, 'instruction.md'), text);
}
