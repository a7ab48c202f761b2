/**
 * New task folders, as files to write: a Terminal-Bench 1.x or Harbor skeleton ("New task…").
 * Pure: returns paths and contents; the command writes them. Tasks from the workspace are mined
 * from its history (src/core/mine/).
 */

export type ScaffoldFormat = 'tb1' | 'harbor';

export interface ScaffoldFile {
  /** Relative to the new task folder. */
  path: string;
  content: string;
  executable?: boolean;
}

/** Task ids name folders and images: lower-case letters, digits and dashes. */
export function checkTaskId(id: string): string | null {
  if (!/^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$/.test(id)) return 'Use 3–64 lower-case letters, digits and dashes (e.g. fix-date-parsing).';
  return null;
}

function yamlBlock(text: string, indent = '  '): string {
  return text.replace(/\r\n/g, '\n').split('\n').map((line) => (line ? indent + line : '')).join('\n');
}

const BASE_IMAGE = 'debian:bookworm-slim';

export function scaffoldTask(format: ScaffoldFormat, id: string, instruction = 'Describe the task here: what the agent must achieve, where, and how success is checked.'): ScaffoldFile[] {
  if (format === 'tb1') {
    return [
      { path: 'task.yaml', content: `instruction: |-\n${yamlBlock(instruction)}\nauthor_name: you\nauthor_email: you@example.com\ndifficulty: medium\ncategory: software-engineering\ntags: []\nparser_name: pytest\nmax_agent_timeout_sec: 600\nmax_test_timeout_sec: 60\n` },
      { path: 'Dockerfile', content: `FROM ${BASE_IMAGE}\nRUN apt-get update && apt-get install -y --no-install-recommends python3 python3-pytest && rm -rf /var/lib/apt/lists/*\nWORKDIR /app\n` },
      { path: 'docker-compose.yaml', content: 'services:\n  client:\n    build:\n      dockerfile: Dockerfile\n    image: ${T_BENCH_TASK_DOCKER_CLIENT_IMAGE_NAME}\n    container_name: ${T_BENCH_TASK_DOCKER_CLIENT_CONTAINER_NAME}\n    command: ["sh", "-c", "sleep infinity"]\n    environment:\n      - TEST_DIR=${T_BENCH_TEST_DIR}\n    volumes:\n      - ${T_BENCH_TASK_LOGS_PATH}:${T_BENCH_CONTAINER_LOGS_PATH}\n      - ${T_BENCH_TASK_AGENT_LOGS_PATH}:${T_BENCH_CONTAINER_AGENT_LOGS_PATH}\n' },
      { path: 'run-tests.sh', executable: true, content: '#!/bin/bash\n# Copied to $TEST_DIR with tests/ after the agent has stopped.\nTEST_DIR="${TEST_DIR:-/tests}"\npython3 -m pytest -p no:cacheprovider "$TEST_DIR/test_outputs.py" -rA\n' },
      { path: 'tests/test_outputs.py', content: `"""Checks the outcome of ${id}; the agent never sees this file."""\nfrom pathlib import Path\n\n\ndef test_result_exists():\n    assert Path("/app/result.txt").exists()\n` },
      { path: 'solution.sh', executable: true, content: '#!/bin/bash\n# Reference solution: must make the tests pass (KiloBench: Validate Task runs it).\nset -euo pipefail\necho done > /app/result.txt\n' },
    ];
  }
  return [
    { path: 'task.toml', content: `version = "1.0"\n\n[metadata]\nauthor_name = "you"\nauthor_email = "you@example.com"\ndifficulty = "medium"\ncategory = "software-engineering"\ntags = []\n\n[verifier]\ntimeout_sec = 120\n\n[agent]\ntimeout_sec = 600\n\n[environment]\nbuild_timeout_sec = 600\ncpus = 1\nmemory_mb = 2048\n` },
    { path: 'instruction.md', content: `${instruction}\n` },
    { path: 'environment/Dockerfile', content: `FROM ${BASE_IMAGE}\nRUN apt-get update && apt-get install -y --no-install-recommends python3 python3-pytest && rm -rf /var/lib/apt/lists/*\nWORKDIR /app\n` },
    { path: 'tests/test.sh', executable: true, content: '#!/bin/bash\n# Verifier: runs after the agent has stopped and writes the reward (1 = pass, 0 = fail).\nmkdir -p /logs/verifier\npython3 -m pytest -p no:cacheprovider /tests/test_outputs.py -rA 2>&1 | tee /logs/verifier/test-stdout.txt\nif [ "${PIPESTATUS[0]}" -eq 0 ]; then echo 1 > /logs/verifier/reward.txt; else echo 0 > /logs/verifier/reward.txt; fi\n' },
    { path: 'tests/test_outputs.py', content: `"""Checks the outcome of ${id}; the agent never sees this file."""\nfrom pathlib import Path\n\n\ndef test_result_exists():\n    assert Path("/app/result.txt").exists()\n` },
    { path: 'solution/solve.sh', executable: true, content: '#!/bin/bash\n# Reference solution: must make the tests pass (KiloBench: Validate Task runs it).\nset -euo pipefail\necho done > /app/result.txt\n' },
  ];
}
