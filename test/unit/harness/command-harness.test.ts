/**
 * The command harness's decisions without a container: a scripted sandbox answers the setup, the
 * version command, the install and the run, while a fake call feed plays the proxy's records.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CancelledError, InfraError } from '../../../src/core/errors';
import type { ContainerRuntime, ImageRef, ImageSpec, ExecOptions, ExecResult, FileEntry } from '../../../src/core/runtime/container-runtime';
import { tempDir } from '../../helpers/task-fixtures';
import type { HarnessContext, MeteredCallFeed, TranscriptEntry, TrialSandbox } from '../../../src/core/harness/harness';
import type { JsonObject } from '../../../src/core/json';
import type { MeteredCall } from '../../../src/core/meter/types';
import type { TokenUsage } from '../../../src/core/domain';
import type { Task } from '../../../src/core/tasks/task';
import { createCommandHarness, COMMAND_HOME, INSTRUCTION_FILE } from '../../../src/core/harness/command/harness';
import { builtinPreset } from '../../../src/core/harness/command/presets';
import { commandHarness } from '../../../src/core/harness/command';

const TOKEN = 'tok_SECRET_123';
const INSTRUCTION = `Fix the "report" — don't break $HOME or \`id\`; it's fine`;

function result(partial: Partial<ExecResult> = {}): ExecResult {
  return { exitCode: 0, stdout: '', stderr: '', timedOut: false, cancelled: false, durationMs: 1, truncated: false, ...partial };
}

function usage(input: number, cacheRead: number, cacheWrite: number, output: number): TokenUsage {
  return { input, cacheRead, cacheWrite, output, reasoning: 0 };
}

function metered(seq: number, u: TokenUsage, tools: [string, unknown][] = [], extra: Partial<MeteredCall> = {}): MeteredCall {
  return {
    trialId: 't1', runId: 'r1', seq, startedAt: new Date().toISOString(), protocol: 'anthropic-messages', requestedModel: 'sim/direct', servedModel: 'sim/direct',
    streaming: true, httpStatus: 200, latencyMs: 10, ttftMs: 5, usageRaw: null, usage: u, estimated: false,
    toolCalls: tools.map(([name, args], i) => ({ id: `toolu_${seq}_${i}`, name, arguments: JSON.stringify(args), argumentsBytes: JSON.stringify(args).length })),
    text: '', finishReason: 'end_turn', costUsd: 0.001, costSource: 'computed', costFlags: [], error: null, ...extra,
  };
}

const CALLS = [
  metered(1, usage(0, 0, 9029, 26), [['Bash', { command: 'pwd && ls -la' }]]),
  metered(2, usage(0, 9029, 2180, 542), [['Bash', { command: "cat > /app/fix.sh <<'E'\nx\nE" }]]),
  metered(3, usage(0, 11209, 861, 18)),
];

const RESULT_EVENT = JSON.stringify({
  type: 'result', subtype: 'success', is_error: false, num_turns: 3, total_cost_usd: 0.1,
  modelUsage: { 'sim/direct': { inputTokens: 0, outputTokens: 586, cacheReadInputTokens: 20238, cacheCreationInputTokens: 12070, costUSD: 0.1, costBasis: 'unknown' } },
});

interface Script {
  /** Exit of the version command, the first time (then 0). */
  versionExit?: number;
  install?: Partial<ExecResult> & { log?: string };
  run?: Partial<ExecResult>;
  stdout?: string;
  stderr?: string;
  /** Calls the "proxy" records while the CLI runs. */
  calls?: MeteredCall[];
}

function scripted(script: Script, model: Partial<NonNullable<HarnessContext['model']>> = {}) {
  const execs: { command: string[]; options: ExecOptions | undefined }[] = [];
  const copies: { files: FileEntry[]; dest: string }[] = [];
  const entries: TranscriptEntry[] = [];
  const findings: JsonObject[] = [];
  const seen: MeteredCall[] = [];
  const listeners = new Set<(call: MeteredCall) => void>();
  const feed: MeteredCallFeed = {
    list: () => seen,
    subscribe: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
  let versions = 0;
  const sandbox: TrialSandbox = {
    containerId: 'c1',
    workdir: '/app',
    async exec(command, options) {
      execs.push({ command, options });
      const line = command.join(' ');
      if (line.includes('mkdir -p')) return result();
      if (command[0] === 'bash' && line.includes('install.sh')) {
        options?.onStderr?.(Buffer.from(script.install?.log ?? '[kilobench install] done\n'));
        return result(script.install);
      }
      if (line.includes('--version')) {
        versions++;
        return versions === 1 && script.versionExit ? result({ exitCode: script.versionExit, stderr: 'sh: claude: not found' }) : result({ stdout: '2.1.332 (Claude Code)\n' });
      }
      // The agent run: the proxy records calls while stdout streams.
      for (const call of script.calls ?? []) {
        seen.push(call);
        for (const l of listeners) l(call);
      }
      const out = Buffer.from(script.stdout ?? '');
      for (let at = 0; at < out.length; at += 50) options?.onStdout?.(out.subarray(at, at + 50));
      if (script.stderr) options?.onStderr?.(Buffer.from(script.stderr));
      return result(script.run);
    },
    async copyFilesIn(files, dest) { copies.push({ files, dest }); },
    async copyDirIn() {},
    async readFile() { return undefined; },
  };
  const abort = new AbortController();
  const ctx: HarnessContext = {
    task: { id: 'access-log-report', instruction: INSTRUCTION } as Task,
    sandbox,
    timeoutMs: 123_000,
    signal: abort.signal,
    model: { id: 'sim-anthropic/direct', providerModel: 'sim/direct', protocol: 'anthropic', baseUrl: `http://127.0.0.1:4000/t/${TOKEN}`, apiKey: TOKEN, simulated: true, ...model },
    seed: 1,
    record: (e) => entries.push(e),
    calls: feed,
    finding: (f) => findings.push(f),
  };
  return { ctx, execs, copies, entries, findings, abort, listeners };
}

const claude = createCommandHarness(builtinPreset('claude-code')!, { settleMs: 0 });

describe('command harness (scripted sandbox)', () => {
  it('a version asked for (command:claude-code@2.1.x) is installed as KB_VERSION and must be the one the CLI prints', async () => {
    const ranged = commandHarness('command:claude-code', '2.1.x');
    assert.equal(ranged.name, 'command:claude-code@2.1.x');
    const s = scripted({ calls: CALLS, stdout: `${RESULT_EVENT}\n`, versionExit: 127 });
    const outcome = await ranged.run(s.ctx);
    assert.equal(outcome.status, 'completed', outcome.error);
    assert.equal(outcome.version, '2.1.332 (Claude Code)');
    const script = s.copies.flatMap((c) => c.files).find((f) => f.path.endsWith('install.sh'));
    assert.match(String(script?.content ?? ''), /KB_VERSION="2\.1\.x"/);
    const other = await commandHarness('command:claude-code', '2.0.5').run(scripted({ calls: CALLS }).ctx);
    assert.equal(other.status, 'error');
    assert.match(other.error ?? '', /claude-code 2\.0\.5 was asked for, but `claude --version` printed "2\.1\.332 \(Claude Code\)"/);
  });

  it('runs Claude Code in the working folder under the agent timeout, pointed at the proxy', async () => {
    const s = scripted({ calls: CALLS, stdout: `{"type":"system","subtype":"init"}\n${RESULT_EVENT}\n` });
    const outcome = await claude.run(s.ctx);
    assert.deepEqual(outcome, { version: '2.1.332 (Claude Code)', exitCode: 0, status: 'completed' });

    const run = s.execs.find((e) => e.command[0] === 'sh' && e.command[2]?.startsWith('claude -p'));
    assert.ok(run, 'the command ran through sh -c');
    assert.equal(run.options?.workdir, '/app');
    assert.equal(run.options?.timeoutMs, 123_000);
    assert.equal(run.options?.user, undefined, "the agent runs as the image's user");
    const env = run.options?.env ?? {};
    assert.equal(env.ANTHROPIC_BASE_URL, `http://127.0.0.1:4000/t/${TOKEN}`, 'no /v1 for Anthropic clients');
    assert.equal(env.ANTHROPIC_API_KEY, TOKEN);
    assert.equal(env.ANTHROPIC_SMALL_FAST_MODEL, 'sim/direct');
    assert.equal(env.HOME, COMMAND_HOME);
    for (const flag of ['IS_SANDBOX', 'DISABLE_TELEMETRY', 'DISABLE_AUTOUPDATER', 'DISABLE_ERROR_REPORTING', 'CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC']) assert.equal(env[flag], '1', flag);
    assert.equal(run.command[2], `claude -p --model 'sim/direct' --output-format stream-json --verbose --dangerously-skip-permissions -- 'Fix the "report" — don'\\''t break $HOME or \`id\`; it'\\''s fine'`);
    // HOME is made by root; the instruction is also a file.
    const mkdir = s.execs.find((e) => e.command.join(' ').includes('mkdir -p'));
    assert.equal(mkdir?.options?.user, 'root');
    assert.deepEqual(s.copies.map((c) => [c.dest, c.files[0]?.path, c.files[0]?.content]), [[INSTRUCTION_FILE.replace(/\/[^/]+$/, ''), 'instruction.md', INSTRUCTION]]);
  });

  it('derives categorised tool calls from the metered calls, keeps the token out of the transcript, and reconciles', async () => {
    const s = scripted({ calls: CALLS, stdout: `${RESULT_EVENT}\n` });
    await claude.run(s.ctx);
    const kinds = s.entries.map((e) => `${e.kind}${e.toolCategory ? `:${e.toolCategory}` : ''}`);
    assert.deepEqual(kinds, ['command:exec', 'tool_call:read', 'tool_result:read', 'tool_call:write', 'tool_result:write', 'output']);
    assert.ok(!JSON.stringify(s.entries).includes(TOKEN), 'the trial token is redacted');
    const output = s.entries.at(-1)!.payload;
    assert.equal(output.calls, 3);
    assert.deepEqual(output.toolCallsByCategory, { read: 1, write: 1 });
    assert.equal(s.findings.length, 1);
    assert.equal(s.findings[0]!.kind, 'harness_reported_usage');
    assert.equal(s.findings[0]!.tokensMatch, true);
    assert.equal(s.listeners.size, 0, 'unsubscribed at the end');
  });

  it('ends with an error and the stderr tail on a non-zero exit or a crash', async () => {
    const s = scripted({ calls: CALLS.slice(0, 1), run: { exitCode: 1 }, stderr: 'boot\nError: something broke\n' });
    const outcome = await claude.run(s.ctx);
    assert.equal(outcome.status, 'error');
    assert.match(outcome.error ?? '', /^claude-code exited with code 1: boot\nError: something broke/);
    const quoted = await claude.run(scripted({ calls: CALLS.slice(0, 1), run: { exitCode: 1 }, stderr: `404 at url: http://127.0.0.1:4000/t/${TOKEN}/v1/messages` }).ctx);
    assert.match(quoted.error ?? '', /url: http:\/\/127\.0\.0\.1:4000\/t\/\[trial token\]\/v1\/messages/);
    assert.ok(!(quoted.error ?? '').includes(TOKEN));
    const crash = await claude.run(scripted({ calls: CALLS.slice(0, 1), run: { exitCode: 139 }, stderr: 'Segmentation fault' }).ctx);
    assert.match(crash.error ?? '', /exited with code 139 \(killed by signal 11\)/);
  });

  it('ends as a timeout when the agent time runs out, keeping what was derived', async () => {
    const s = scripted({ calls: CALLS.slice(0, 2), run: { exitCode: 137, timedOut: true } });
    const outcome = await claude.run(s.ctx);
    assert.equal(outcome.status, 'timeout');
    assert.equal(outcome.version, '2.1.332 (Claude Code)');
    assert.equal(s.entries.filter((e) => e.kind === 'tool_call').length, 2);
    const unanswered = s.entries.filter((e) => e.kind === 'tool_result').at(-1);
    assert.equal(unanswered?.payload.answeredInCall, null);
  });

  it('is a provider error when the CLI gave up on failing upstream calls', async () => {
    const failing = [CALLS[0]!, metered(2, usage(0, 0, 0, 0), [], { httpStatus: 529, error: 'overloaded' }), metered(3, usage(0, 0, 0, 0), [], { httpStatus: 529, error: 'overloaded' })];
    const outcome = await claude.run(scripted({ calls: failing, run: { exitCode: 1 } }).ctx);
    assert.equal(outcome.status, 'provider_error');
    assert.match(outcome.error ?? '', /gave up after HTTP 529: overloaded/);
  });

  it('is an error when the CLI exits 0 without calling the model (misconfigured base URL)', async () => {
    const outcome = await claude.run(scripted({ calls: [], stderr: 'Invalid API key' }).ctx);
    assert.equal(outcome.status, 'error');
    assert.match(outcome.error ?? '', /without a single call to the model/);
  });

  it('refuses a model of the other protocol before touching the container', async () => {
    const s = scripted({}, { protocol: 'openai', id: 'sim/direct', baseUrl: 'http://127.0.0.1:4000/t/x/v1' });
    const outcome = await claude.run(s.ctx);
    assert.equal(outcome.status, 'error');
    assert.match(outcome.error ?? '', /speaks the Anthropic Messages protocol, but sim\/direct is served over OpenAI Chat Completions.*sim-anthropic\/direct/);
    assert.equal(s.execs.length, 0);
  });

  it('installs in the trial container, as root, when the image lacks the CLI', async () => {
    const s = scripted({ versionExit: 127, calls: CALLS, stdout: `${RESULT_EVENT}\n` });
    const outcome = await claude.run(s.ctx);
    assert.equal(outcome.status, 'completed');
    const install = s.execs.find((e) => e.command[0] === 'bash');
    assert.deepEqual(install?.command, ['bash', '/opt/kilobench/command/claude-code/install.sh']);
    assert.equal(install?.options?.user, 'root');
    assert.ok(s.copies.some((c) => c.dest === '/opt/kilobench/command' && c.files.some((f) => f.path === 'claude-code/install.sh')));
    assert.deepEqual(s.entries.slice(0, 2).map((e) => [e.kind, e.payload.phase]), [['command', 'install'], ['output', 'install']]);

    const failed = await claude.run(scripted({ versionExit: 127, install: { exitCode: 1, log: 'npm error 404\n[kilobench install] error: nope\n' } }).ctx);
    assert.equal(failed.status, 'error');
    assert.match(failed.error ?? '', /installing claude-code 2\.1\.332 failed \(exit 1\): npm error 404\n\[kilobench install\] error: nope/);
  });

  it('stops when cancelled', async () => {
    const s = scripted({ calls: CALLS, run: { cancelled: true, exitCode: 137 } });
    assert.equal((await claude.run(s.ctx)).status, 'cancelled');
  });

  describe('derived image', () => {
    const base: ImageRef = { name: 'kilobench-task/access-log-report:abc', id: 'sha256:base', built: false, workdir: '/app' };
    function fakeRuntime(answer: (spec: ImageSpec) => Promise<ImageRef>) {
      const specs: ImageSpec[] = [];
      const runtime = { ensureImage: (spec: ImageSpec) => { specs.push(spec); return answer(spec); } } as unknown as ContainerRuntime;
      return { runtime, specs };
    }

    it('builds the task image with the CLI installed through the runtime’s image cache', async () => {
      const dir = tempDir('kilobench-derived-');
      try {
        const harness = createCommandHarness(builtinPreset('claude-code')!, { image: { caBundle: '-----BEGIN CERTIFICATE-----\nX\n', workDir: dir } });
        const derived: ImageRef = { name: 'kilobench-task/cmd-claude-code:123', id: 'sha256:derived', built: true, workdir: '/app' };
        const { runtime, specs } = fakeRuntime(async () => derived);
        const logs: string[] = [];
        const image = await harness.prepareImage!({ runtime, image: base, task: { id: 'access-log-report' } as Task, signal: new AbortController().signal, onLog: (l) => logs.push(l) });
        assert.equal(image, derived);
        assert.equal(specs[0]?.taskId, 'cmd-claude-code');
        assert.equal(specs[0]?.dockerfile, 'Dockerfile');
        assert.equal(specs[0]?.buildTimeoutMs, 900_000);
        const context = specs[0]!.contextDir;
        assert.match(readFileSync(join(context, 'Dockerfile'), 'utf8'), /^FROM kilobench-task\/access-log-report:abc\nLABEL kilobench\.base-image-id="sha256:base"/);
        assert.match(readFileSync(join(context, 'install.sh'), 'utf8'), /npm install -g --no-audit --no-fund "@anthropic-ai\/claude-code@\$\{KB_VERSION\}"/);
        assert.match(readFileSync(join(context, 'ca.pem'), 'utf8'), /BEGIN CERTIFICATE/);
        assert.match(logs[0] ?? '', /claude-code 2\.1\.332 on kilobench-task\/access-log-report:abc/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('falls back to installing in the container when the build fails, and does not build again', async () => {
      const dir = tempDir('kilobench-derived-');
      try {
        const harness = createCommandHarness(builtinPreset('aider')!, { image: { caBundle: null, workDir: dir } });
        const { runtime, specs } = fakeRuntime(async () => { throw new InfraError('image build failed for cmd-aider: pip could not install aider-chat'); });
        const logs: string[] = [];
        const prep = { runtime, image: base, task: { id: 't' } as Task, signal: new AbortController().signal, onLog: (l: string) => logs.push(l) };
        assert.equal(await harness.prepareImage!(prep), base);
        assert.equal(await harness.prepareImage!(prep), base);
        assert.equal(specs.length, 1, 'one failed build per base image and process');
        assert.match(logs.join('\n'), /could not be built \(image build failed for cmd-aider: pip could not install aider-chat\); installing in the trial's container instead/);
        const cancelled = fakeRuntime(async () => { throw new CancelledError('image build cancelled'); });
        await assert.rejects(harness.prepareImage!({ ...prep, runtime: cancelled.runtime, image: { ...base, id: 'sha256:other' } }), CancelledError);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
