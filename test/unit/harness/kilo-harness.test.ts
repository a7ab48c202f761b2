/**
 * The kilo harness's decisions without a container: a scripted sandbox answers the probe, the
 * version check and the run (streaming a recorded event stream in small chunks).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HarnessContext, TranscriptEntry, TrialSandbox } from '../../../src/core/harness/harness';
import type { ExecOptions, ExecResult } from '../../../src/core/runtime/container-runtime';
import type { Task } from '../../../src/core/tasks/task';
import { createKiloHarness } from '../../../src/core/harness/kilo/harness';
import { KILO_MOUNT } from '../../../src/core/harness/kilo/binary';
import { KILO_HOME } from '../../../src/core/harness/kilo/config';
import { getHarness } from '../../../src/core/harness/registry';
import type { ReconcilableCall } from '../../../src/core/harness/kilo/reconcile';
import type { JsonObject } from '../../../src/core/json';

const FIXTURES = join(__dirname, '../../fixtures/kilo');
const PROBE_OK = 'machine=x86_64\nlibc=glibc\navx2=yes\nmounted=yes\nplatform=linux-x64\nrg=no\nhome=/root\nhome_writable=yes\n';

interface Script {
  probe?: string;
  version?: Partial<ExecResult>;
  /** Output of `kilo run`, streamed in chunks of 97 bytes. */
  stdout?: string | Buffer;
  run?: Partial<ExecResult>;
}

function result(partial: Partial<ExecResult> = {}): ExecResult {
  return { exitCode: 0, stdout: '', stderr: '', timedOut: false, cancelled: false, durationMs: 1, truncated: false, ...partial };
}

function scriptedContext(script: Script, timeoutMs = 600_000) {
  const calls: { command: string[]; options: ExecOptions | undefined }[] = [];
  const entries: TranscriptEntry[] = [];
  const sandbox: TrialSandbox = {
    containerId: 'c1',
    workdir: '/app',
    async exec(command, options) {
      calls.push({ command, options });
      if (command[0] === 'sh') return result({ stdout: script.probe ?? PROBE_OK });
      if (command[0] === 'mkdir') return result();
      if (command[1] === '--version') return result({ stdout: '7.7.7\n', ...script.version });
      const data = typeof script.stdout === 'string' ? Buffer.from(script.stdout) : script.stdout ?? Buffer.alloc(0);
      for (let at = 0; at < data.length; at += 97) options?.onStdout?.(data.subarray(at, at + 97));
      if (script.run?.stderr) options?.onStderr?.(Buffer.from(script.run.stderr));
      return result(script.run);
    },
    async copyFilesIn() {},
    async copyDirIn() {},
    async readFile() { return undefined; },
  };
  const ctx: HarnessContext = {
    task: { id: 't', instruction: 'Create hello.txt' } as Task,
    sandbox,
    timeoutMs,
    signal: new AbortController().signal,
    model: { id: 'sim/direct', providerModel: 'sim/direct', protocol: 'openai', baseUrl: 'http://127.0.0.1:4000/t/TOKEN/v1', apiKey: 'TOKEN', simulated: true },
    seed: 1,
    record: (e) => entries.push(e),
  };
  return { ctx, calls, entries };
}

const harness = createKiloHarness({ fetchMissing: false });

describe('kilo harness (scripted sandbox)', () => {
  it('is registered as `kilo`, calling the model from inside the container, needing a model', () => {
    const kilo = getHarness('kilo');
    assert.equal(kilo.modelInContainer, true);
    assert.equal(kilo.needsModel, true);
  });

  it('runs kilo in the working folder under the agent timeout and streams the events into the transcript', async () => {
    const { ctx, calls, entries } = scriptedContext({ stdout: readFileSync(join(FIXTURES, 'openai-direct.jsonl')) });
    const outcome = await harness.run(ctx);
    assert.equal(outcome.status, 'completed');
    assert.equal(outcome.version, '7.7.7');
    assert.equal((outcome.steps as unknown[]).length, 3);
    const run = calls.find((c) => c.command.includes('run'));
    assert.ok(run);
    assert.equal(run.command[0], `${KILO_MOUNT}/linux-x64/bin/kilo`);
    assert.deepEqual(run.command.slice(-3), ['kb/sim/direct', '--', 'Create hello.txt']);
    assert.equal(run.options?.workdir, '/app');
    assert.ok((run.options?.timeoutMs ?? Infinity) <= 600_000);
    assert.equal(run.options?.env?.HOME, '/root', "the image's writable HOME is kept");
    assert.equal(run.options?.env?.XDG_DATA_HOME, `${KILO_HOME}/.local/share`);
    assert.match(run.options?.env?.KILO_CONFIG_CONTENT ?? '', /TOKEN/);
    assert.equal(entries.filter((e) => e.kind === 'tool_call').length, 2);
  });

  it("reconciles Kilo's steps with the trial's metered calls and keeps the result as findings", async () => {
    const { ctx } = scriptedContext({ stdout: readFileSync(join(FIXTURES, 'openai-direct.jsonl')) });
    const calls = JSON.parse(readFileSync(join(FIXTURES, 'openai-direct.calls.json'), 'utf8')) as ReconcilableCall[];
    const findings: JsonObject[] = [];
    const metered = Object.assign(ctx, { calls: { list: () => calls, subscribe: () => () => undefined }, finding: (f: JsonObject) => findings.push(f) });
    assert.equal((await harness.run(metered)).status, 'completed');
    assert.deepEqual(findings.map((f) => f.kind), ['kilo_reconciliation', 'kilo_extra_call']);
    assert.equal(findings[0]?.mismatches, 0);
    assert.equal(findings[0]?.matched, 3);
    assert.match(String(findings[0]?.text), /3 steps match the proxy's calls \(1 extra call explained\)/);
  });

  it('fails clearly when the binary is not mounted, or the mount lacks the build the container needs', async () => {
    const notMounted = await harness.run(scriptedContext({ probe: 'machine=x86_64\nlibc=glibc\nmounted=no\n' }).ctx);
    assert.equal(notMounted.status, 'error');
    assert.match(notMounted.error ?? '', /not mounted at \/opt\/kilobench\/kilo.*prepareKilo/);
    const musl = await harness.run(scriptedContext({ probe: 'machine=x86_64\nlibc=musl\nmounted=yes\nplatform=linux-x64\n' }).ctx);
    assert.equal(musl.status, 'error');
    assert.match(musl.error ?? '', /no build for this container \(linux-x64-musl\)/);
    const arch = await harness.run(scriptedContext({ probe: 'machine=riscv64\nlibc=glibc\nmounted=yes\n' }).ctx);
    assert.match(arch.error ?? '', /no Linux build for the riscv64 architecture/);
  });

  it('uses the baseline build on a CPU without AVX2', async () => {
    const { ctx, calls } = scriptedContext({ probe: 'machine=x86_64\nlibc=glibc\navx2=no\nmounted=yes\nplatform=linux-x64\nplatform=linux-x64-baseline\n', stdout: readFileSync(join(FIXTURES, 'openai-direct.jsonl')) });
    assert.equal((await harness.run(ctx)).status, 'completed');
    assert.equal(calls.find((c) => c.command.includes('run'))?.command[0], `${KILO_MOUNT}/linux-x64-baseline/bin/kilo`);
  });

  it('reports a build that cannot run in the container', async () => {
    const outcome = await harness.run(scriptedContext({ version: { exitCode: 127, stderr: 'exec: kilo: not found\n' } }).ctx);
    assert.equal(outcome.status, 'error');
    assert.match(outcome.error ?? '', /does not run in this container \(exit 127\): exec: kilo: not found/);
  });

  it('a build printing another version than the one asked for is refused; a --version that hangs is an infrastructure error', async () => {
    const pinned = createKiloHarness({ fetchMissing: false, version: '7.7.9' });
    assert.equal(pinned.name, 'kilo@7.7.9');
    const outcome = await pinned.run(scriptedContext({}).ctx);
    assert.equal(outcome.status, 'error');
    assert.equal(outcome.version, '7.7.7');
    assert.match(outcome.error ?? '', /printed "7\.7\.7" for --version, not 7\.7\.9/);
    await assert.rejects(harness.run(scriptedContext({ version: { exitCode: 137, timedOut: true, stdout: '' } }).ctx), (e: Error) => {
      assert.equal(e.name, 'InfraError');
      assert.match(e.message, /kilo --version did not answer within 120 s/);
      return true;
    });
  });

  it("ends with provider_error when Kilo gives up on the provider", async () => {
    const { ctx } = scriptedContext({ stdout: readFileSync(join(FIXTURES, 'provider-error.jsonl')), run: { exitCode: 1, stderr: '\u001b[91mError: \u001b[0mInternal server error (simulated).\n' } });
    const outcome = await harness.run(ctx);
    assert.equal(outcome.status, 'provider_error');
    assert.match(outcome.error ?? '', /HTTP 500.*Internal server error/);
  });

  it('ends with provider_error, not a harness error, when the provider streams an event that is not JSON', async () => {
    const event = { type: 'error', timestamp: 1795721459293, sessionID: 'ses_x', error: { name: 'UnknownError', data: { message: 'JSON parsing failed: Text: {"choices": [ {"delta": broken.\nError message: JSON Parse error: Unexpected identifier "broken"' } } };
    const { ctx } = scriptedContext({ stdout: `${JSON.stringify(event)}\n`, run: { exitCode: 1, stderr: 'Error: JSON parsing failed\n' } });
    const outcome = await harness.run(ctx);
    assert.equal(outcome.status, 'provider_error');
    assert.match(outcome.error ?? '', /the model provider failed \(Kilo gave up\): JSON parsing failed/);
  });

  it('keeps what was captured when Kilo crashes, with the stderr tail', async () => {
    const lines = readFileSync(join(FIXTURES, 'openai-direct.jsonl'), 'utf8').split('\n');
    const { ctx, entries } = scriptedContext({ stdout: lines.slice(0, 5).join('\n') + '\n{"type":"tool_u', run: { exitCode: 139, stderr: 'panic: something broke\nSegmentation fault\n' } });
    const outcome = await harness.run(ctx);
    assert.equal(outcome.status, 'error');
    assert.match(outcome.error ?? '', /exited with code 139 \(killed by signal 11\).*Segmentation fault/s);
    assert.equal((outcome.steps as unknown[]).length, 1);
    assert.ok(entries.some((e) => e.kind === 'tool_call'));
    assert.ok(entries.some((e) => e.kind === 'output' && /Segmentation fault/.test(String(e.payload.stderr))));
  });

  it('ends with timeout and keeps the steps so far', async () => {
    const lines = readFileSync(join(FIXTURES, 'openai-direct.jsonl'), 'utf8').split('\n');
    const outcome = await harness.run(scriptedContext({ stdout: lines.slice(0, 8).join('\n') + '\n', run: { exitCode: 137, timedOut: true } }).ctx);
    assert.equal(outcome.status, 'timeout');
    assert.equal((outcome.steps as unknown[]).length, 2);
  });

  it('treats output that is not an event stream as an error, even with exit 0', async () => {
    const outcome = await harness.run(scriptedContext({ stdout: 'Usage: kilo run [message..]\nsomething else\n' }).ctx);
    assert.equal(outcome.status, 'error');
    assert.match(outcome.error ?? '', /not its JSON event stream \(2 unparseable lines\)/);
    const silent = await harness.run(scriptedContext({ stdout: '', run: { stderr: 'boom\n' } }).ctx);
    assert.match(silent.error ?? '', /without printing any event: boom/);
  });

  it("leaves the verdict to the verifier when the model answered nothing", async () => {
    const stdout = '{"type":"step_start","part":{}}\n{"type":"error","error":"run ended without an assistant message; the model returned no output"}\n';
    assert.equal((await harness.run(scriptedContext({ stdout, run: { exitCode: 1 } }).ctx)).status, 'completed');
  });
});
