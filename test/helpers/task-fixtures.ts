/** Writes small, valid tasks of both formats into a temporary folder, for tests to break on purpose. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export function tempDir(prefix = 'kilobench-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function writeFiles(root: string, files: Record<string, string>): string {
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), content);
  }
  return root;
}

export const TB1_FILES: Record<string, string> = {
  'task.yaml': [
    'instruction: |',
    '  Create /app/hello.txt containing the word hello.',
    'author_name: Test Author',
    'author_email: test@example.com',
    'difficulty: easy',
    'category: file-operations',
    'tags: [files, basics]',
    'parser_name: pytest',
    'max_agent_timeout_sec: 120',
    'max_test_timeout_sec: 30',
    'run_tests_in_same_shell: false',
    '',
  ].join('\n'),
  Dockerfile: 'FROM debian:bookworm-slim\nWORKDIR /app\n',
  'docker-compose.yaml': 'services:\n  client:\n    build:\n      dockerfile: Dockerfile\n',
  'run-tests.sh': '#!/bin/bash\npython3 -m pytest "$TEST_DIR/test_outputs.py" -rA\n',
  'tests/test_outputs.py': 'def test_hello():\n    assert open("/app/hello.txt").read().strip() == "hello"\n',
  'solution.sh': '#!/bin/bash\necho hello > /app/hello.txt\n',
};

export const HARBOR_FILES: Record<string, string> = {
  'task.toml': [
    'version = "1.0"',
    '',
    '[metadata]',
    'author_name = "Test Author"',
    'author_email = "test@example.com"',
    'difficulty = "medium"',
    'category = "data-processing"',
    'tags = ["csv"]',
    '',
    '[verifier]',
    'timeout_sec = 90.0',
    '',
    '[agent]',
    'timeout_sec = 300.0',
    '',
    '[environment]',
    'build_timeout_sec = 200.0',
    'cpus = 2',
    'memory = "1G"',
    '',
  ].join('\n'),
  'instruction.md': 'Convert /app/data.csv to /app/data.json.\n',
  'environment/Dockerfile': 'FROM debian:bookworm-slim\nWORKDIR /app\n',
  'tests/test.sh': '#!/bin/bash\nmkdir -p /logs/verifier\necho 1 > /logs/verifier/reward.txt\n',
  'tests/test_outputs.py': 'def test_ok():\n    assert True\n',
  'solution/solve.sh': '#!/bin/bash\ntrue\n',
};

export function writeTb1Task(parent: string, id: string, overrides: Record<string, string> = {}): string {
  return writeFiles(join(parent, id), { ...TB1_FILES, ...overrides });
}

export function writeHarborTask(parent: string, id: string, overrides: Record<string, string> = {}): string {
  return writeFiles(join(parent, id), { ...HARBOR_FILES, ...overrides });
}

/**
 * The files of a small Harbor-format task, written the way Terminal-Bench's are: the agent must
 * write `word` to /app/out.txt, the verifier's test.sh writes the reward, solve.sh is the reference.
 * `dockerfile` replaces the image's Dockerfile (e.g. to give it a layer of its own).
 */
export function wordTaskFiles(word: string, options: { cpus?: number; memory?: string; agentTimeoutSec?: number; dockerfile?: string } = {}): Record<string, string> {
  return {
    'task.toml': [
      'version = "1.0"', '', '[metadata]', 'difficulty = "easy"', 'category = "files"', '',
      '[verifier]', 'timeout_sec = 60.0', '', '[agent]', `timeout_sec = ${(options.agentTimeoutSec ?? 240).toFixed(1)}`, '',
      '[environment]', 'build_timeout_sec = 120.0', `cpus = ${options.cpus ?? 1}`, `memory = "${options.memory ?? '1G'}"`, '',
    ].join('\n'),
    'instruction.md': `Write the word ${word} to /app/out.txt.\n`,
    'environment/Dockerfile': options.dockerfile ?? 'FROM debian:bookworm-slim\nWORKDIR /app\n',
    'tests/test.sh': `#!/bin/bash\nmkdir -p /logs/verifier\nif [ "$(cat /app/out.txt 2>/dev/null)" = "${word}" ]; then echo 1; else echo 0; fi > /logs/verifier/reward.txt\n`,
    'solution/solve.sh': `#!/bin/bash\necho ${word} > /app/out.txt\n`,
  };
}
