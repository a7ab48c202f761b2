import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPlan, chatTurn, heredocCommand, nextTurn, type SimSession } from '../../../src/core/providers/sim/policy';
import { PROFILES, type ProfileName } from '../../../src/core/providers/sim/profiles';
import { buildArguments, findTool } from '../../../src/core/providers/sim/tool-schema';
import type { ToolSpec } from '../../../src/core/providers/sim/request';
import { CLAUDE_CODE_TOOLS, KILO_TOOLS, SHELL_ONLY } from './tool-sets';

const SCRIPT = "#!/bin/bash\nset -e\necho 'fixed' > answer.txt\ncat <<'EOF' > notes.txt\nKILOBENCH_SIM_EOF\nEOF\n";

/** Every turn of a conversation until the sim answers without a tool call. */
function conversation(session: SimSession, profile: ProfileName, tools: ToolSpec[]): { name: string; arguments: Record<string, unknown> }[] {
  const calls = [];
  for (let k = 0; k < 50; k++) {
    const turn = nextTurn(session, profile, tools, k);
    if (!turn.toolCall) return calls;
    calls.push(turn.toolCall);
  }
  throw new Error('the conversation did not end');
}

function assertRequiredFilled(tools: ToolSpec[], call: { name: string; arguments: Record<string, unknown> }): void {
  const tool = tools.find((t) => t.name === call.name);
  assert.ok(tool, `unknown tool ${call.name}`);
  for (const key of (tool.schema.required as string[]) ?? []) assert.ok(key in call.arguments, `${call.name} lacks required ${key}`);
}

describe('sim: agent policy', () => {
  it('finds the shell, read and write tools of the Kilo CLI and of Claude Code by name', () => {
    assert.equal(findTool(KILO_TOOLS, 'shell')?.name, 'bash');
    assert.equal(findTool(KILO_TOOLS, 'read')?.name, 'read');
    assert.equal(findTool(KILO_TOOLS, 'write')?.name, 'write');
    assert.equal(findTool(CLAUDE_CODE_TOOLS, 'shell')?.name, 'Bash');
    assert.equal(findTool(CLAUDE_CODE_TOOLS, 'read')?.name, 'Read');
    assert.equal(findTool(CLAUDE_CODE_TOOLS, 'write')?.name, 'Write');
    assert.equal(findTool(SHELL_ONLY, 'shell')?.name, 'execute_command');
    assert.equal(findTool(SHELL_ONLY, 'write'), undefined);
  });

  it('fills every required argument from the schema (Kilo bash needs command and description)', () => {
    const bash = findTool(KILO_TOOLS, 'shell') as ToolSpec;
    assert.deepEqual(buildArguments(bash, { role: 'shell', command: 'ls' }, 'List files'), { command: 'ls', description: 'List files' });
    const write = findTool(KILO_TOOLS, 'write') as ToolSpec;
    assert.deepEqual(buildArguments(write, { role: 'write', path: '/tmp/a', content: 'x' }, 'Write'), { filePath: '/tmp/a', content: 'x' });
    const shell = findTool(SHELL_ONLY, 'shell') as ToolSpec;
    assert.deepEqual(buildArguments(shell, { role: 'shell', command: 'ls' }, 'List'), { cmd: 'ls', timeout_ms: 120000, mode: 'sync' });
  });

  for (const profile of Object.keys(PROFILES) as ProfileName[]) {
    for (const [harness, tools] of [['Kilo CLI', KILO_TOOLS], ['Claude Code', CLAUDE_CODE_TOOLS], ['shell only', SHELL_ONLY]] as const) {
      it(`sim/${profile} with ${harness} tools: every call fills its required arguments and the conversation ends`, () => {
        for (let seed = 1; seed <= 8; seed++) {
          const calls = conversation({ seed, solution: { script: SCRIPT }, workdir: '/app' }, profile, [...tools]);
          assert.ok(calls.length >= 1);
          calls.forEach((call) => assertRequiredFilled([...tools], call));
          assert.equal(nextTurn({ seed, solution: { script: SCRIPT } }, profile, [...tools], 999).toolCall, null);
        }
      });
    }
  }

  it('the heredoc applies a script exactly, even one containing the default delimiter', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kilobench-sim-'));
    const command = heredocCommand(SCRIPT, dir);
    execFileSync('bash', ['-c', command]);
    assert.equal(readFileSync(join(dir, 'answer.txt'), 'utf8'), 'fixed\n');
    assert.equal(readFileSync(join(dir, 'notes.txt'), 'utf8'), 'KILOBENCH_SIM_EOF\n');
  });

  it('is reproducible per seed and differs between profiles in steps and reading before writing', () => {
    const session = { seed: 7, solution: { script: SCRIPT } };
    assert.deepEqual(conversation(session, 'explorer', KILO_TOOLS), conversation(session, 'explorer', KILO_TOOLS));
    const direct = conversation(session, 'direct', KILO_TOOLS);
    const explorer = conversation(session, 'explorer', KILO_TOOLS);
    assert.ok(explorer.length > direct.length);
    assert.ok(explorer.some((c) => c.name === 'read') && explorer.some((c) => c.name === 'write'));
    assert.ok(direct.every((c) => c.name === 'bash'));
  });

  it('applies a list of commands one shell call each, in the work directory', () => {
    const calls = conversation({ seed: 1, solution: { commands: ['make fix', 'make test'] }, workdir: '/app' }, 'direct', KILO_TOOLS);
    assert.deepEqual(calls.slice(-2).map((c) => c.arguments.command), ["cd '/app' && make fix", "cd '/app' && make test"]);
  });

  it('sim/flaky fails some trials on purpose, seeded: it stops early or applies a broken solution', () => {
    const modes = new Map<string, number>();
    for (let seed = 0; seed < 200; seed++) {
      const plan = buildPlan({ seed, solution: { script: SCRIPT } }, 'flaky', KILO_TOOLS);
      modes.set(plan.failure, (modes.get(plan.failure) ?? 0) + 1);
      assert.equal(plan.failure, buildPlan({ seed, solution: { script: SCRIPT } }, 'flaky', KILO_TOOLS).failure);
    }
    for (const mode of ['none', 'stop_early', 'broken_solution']) assert.ok((modes.get(mode) ?? 0) > 20, `${mode}: ${modes.get(mode)}`);
    const broken = [...Array(200).keys()].find((seed) => buildPlan({ seed, solution: { script: SCRIPT } }, 'flaky', KILO_TOOLS).failure === 'broken_solution') as number;
    const applied = conversation({ seed: broken, solution: { script: SCRIPT } }, 'flaky', KILO_TOOLS).map((c) => String(c.arguments.command));
    assert.ok(!applied.some((c) => c.includes("echo 'fixed'") && c.includes('notes.txt')), 'the broken solution is not the whole script');
    for (const profile of ['direct', 'explorer', 'thinker'] as const) {
      assert.ok([...Array(50).keys()].every((seed) => buildPlan({ seed, solution: { script: SCRIPT } }, profile, KILO_TOOLS).failure === 'none'));
    }
  });

  it('without a shell tool it answers in text; a plain chat gets a short reply', () => {
    const turn = nextTurn({ seed: 1, solution: { script: SCRIPT } }, 'direct', [{ name: 'read', schema: { properties: { path: {} } } }], 0);
    assert.equal(turn.toolCall, null);
    assert.match(turn.text, /shell tool/);
    assert.match(chatTurn('direct').text, /simulated/);
  });
});
