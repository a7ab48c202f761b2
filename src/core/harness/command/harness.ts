/**
 * The `command` harness: any agent CLI, installed into the task's container by its preset's install
 * script and started by the preset's command template, pointed at the metering proxy.
 *
 * Before the container starts (`prepareImage`), the task's image gets the CLI installed once into a
 * derived image that later trials reuse (install.ts). In the trial:
 * 1. a writable HOME and the instruction file are made; the preset's version command runs (and,
 *    when the CLI is missing — a runtime that skipped prepareImage, a non-root base image — the
 *    install script runs in this container first, uncached, outside the agent's time);
 * 2. the command runs in the task's working folder under the agent timeout (everything it started
 *    is killed when the time is up), its stdout read as it arrives for the CLI's own usage figures;
 * 3. as each metered call of the trial is recorded, `tool_call` entries (with categories) are
 *    derived from its tool calls and `tool_result` entries from the request that follows
 *    (transcript.ts), so every CLI gets a behavioural transcript whatever its own logs;
 * 4. what the CLI reported (Claude Code's result event, OpenCode's steps, Codex's turns) is
 *    reconciled with the proxy's calls and kept as a finding (reported-usage.ts).
 * Endings: exit 0 → completed (the verifier judges); the time ran out → timeout; the CLI gave up on
 * the provider (its last calls failed upstream, or it says so) → provider_error; any other non-zero
 * exit, a crash, or an exit 0 without a single model call → error, with the tail of stderr.
 */
import { CancelledError } from '../../errors';
import type { MeteredCall } from '../../meter/types';
import { versionMatches } from '../harness-spec';
import { clip, type Harness, type HarnessContext, type HarnessOutcome } from '../harness';
import { DEFAULT_INSTALL_TIMEOUT_SEC, ensureDerivedImage, installInContainer, type DerivedImageOptions } from './install';
import { renderCommand, renderEnv, type CommandPreset, type PlaceholderValues } from './preset';
import { clientBaseUrl } from '../../domain';
import { reconcileReported, ReportedUsageReader } from './reported-usage';
import { CallTranscript } from './transcript';

/** A writable HOME for the CLI's state, made at the start of every trial. */
/** Not under /tmp: some CLIs (Codex) refuse to put helpers in a temporary folder. */
export const COMMAND_HOME = '/opt/kilobench/home';
/** The instruction as a file ({instructionFile}). */
export const INSTRUCTION_FILE = '/tmp/kilobench-command/instruction.md';

const TAIL = 64 * 1024;

export interface CommandHarnessOptions {
  /** Build and reuse a derived image with the CLI installed (default true); false installs in every trial's container. */
  cacheImage?: boolean;
  image?: DerivedImageOptions;
  /** How long to wait after the CLI exits for its last metered call to be recorded (default 300 ms). */
  settleMs?: number;
  /** A version the user asked for (`command:claude-code@2.1.x`): the CLI's `--version` must print it. */
  expectVersion?: string;
}

function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
}

function tailLines(text: string, lines = 20): string {
  return stripAnsi(text).trim().split('\n').slice(-lines).join('\n');
}

function appendTail(tail: string, chunk: Buffer): string {
  return (tail + chunk.toString('utf8')).slice(-TAIL);
}

/** The trial token never goes into the transcript. */
function redact(text: string, secret: string): string {
  return secret ? text.split(secret).join('[trial token]') : text;
}

function failedUpstream(call: MeteredCall): boolean {
  return call.httpStatus === null || call.httpStatus === 429 || call.httpStatus >= 500;
}

/** The CLI stopped because the provider kept failing: its last calls all failed upstream, after any success. */
function providerGaveUp(calls: readonly MeteredCall[]): MeteredCall | undefined {
  const last = calls[calls.length - 1];
  return last && failedUpstream(last) ? last : undefined;
}

export function createCommandHarness(preset: CommandPreset, options: CommandHarnessOptions = {}): Harness {
  const name = `command:${preset.name}`;
  const harness: Harness = {
    name,
    modelInContainer: true,
    needsModel: true,
    async run(ctx: HarnessContext): Promise<HarnessOutcome> {
      const outcome = await runPreset(ctx);
      // CLIs quote the URL they failed on, trial token included.
      return outcome.error && ctx.model ? { ...outcome, error: redact(outcome.error, ctx.model.apiKey) } : outcome;
    },
  };
  async function runPreset(ctx: HarnessContext): Promise<HarnessOutcome> {
    const model = ctx.model;
    if (!model) return { status: 'error', error: `the ${name} harness needs a model` };
    if (model.protocol !== preset.protocol) {
      return {
        status: 'error',
        error: `${preset.name} speaks the ${preset.protocol === 'anthropic' ? 'Anthropic Messages' : 'OpenAI'} protocol, but ${model.id} is served over ${model.protocol === 'anthropic' ? 'Anthropic Messages' : 'OpenAI Chat Completions'}: pick a model of the same protocol (e.g. ${preset.protocol === 'anthropic' ? 'sim-anthropic/direct' : 'sim/direct'})`,
      };
    }
    const values: PlaceholderValues = {
      instruction: ctx.task.instruction,
      instructionFile: INSTRUCTION_FILE,
      model: model.providerModel,
      baseUrl: clientBaseUrl(model.baseUrl, preset.protocol, 'provider-sdk'),
      apiKey: model.apiKey,
      workdir: ctx.sandbox.workdir,
      home: COMMAND_HOME,
      version: preset.version,
    };
    const env = { HOME: COMMAND_HOME, ...renderEnv(preset.env, values) };

    // 1. HOME, the instruction file, the CLI's version (installing it here when the image lacks it).
    const mkdir = await ctx.sandbox.exec(['sh', '-c', `mkdir -p ${COMMAND_HOME} && chmod 1777 ${COMMAND_HOME}`], { user: 'root', timeoutMs: 30_000, signal: ctx.signal });
    if (mkdir.cancelled || ctx.signal.aborted) return { status: 'cancelled' };
    if (mkdir.exitCode !== 0) return { status: 'error', error: `cannot create ${COMMAND_HOME} in the container: ${tailLines(mkdir.stderr, 3)}` };
    await ctx.sandbox.copyFilesIn([{ path: 'instruction.md', content: ctx.task.instruction, mode: 0o644 }], INSTRUCTION_FILE.replace(/\/[^/]+$/, ''));

    const versionOf = () => ctx.sandbox.exec(['sh', '-c', preset.versionCommand], { env, timeoutMs: 60_000, signal: ctx.signal, maxOutputBytes: 64 * 1024 });
    let versionRun = await versionOf();
    if (versionRun.cancelled || ctx.signal.aborted) return { status: 'cancelled' };
    if (versionRun.exitCode !== 0) {
      ctx.record({ kind: 'command', toolCategory: 'exec', payload: { phase: 'install', command: `bash /opt/kilobench/command/${preset.name}/install.sh`, note: `${preset.name} is not installed in this image: installing it in the trial's container (not cached)` } });
      let installLog = '';
      const install = await installInContainer(preset, ctx.sandbox, {
        signal: ctx.signal,
        timeoutMs: (preset.installTimeoutSec ?? DEFAULT_INSTALL_TIMEOUT_SEC) * 1000,
        ...(options.image?.caBundle !== undefined ? { caBundle: options.image.caBundle } : {}),
        onOutput: (text) => {
          installLog = (installLog + text).slice(-TAIL);
        },
      });
      ctx.record({ kind: 'output', payload: { phase: 'install', exitCode: install.exitCode, durationMs: install.durationMs, output: clip(tailLines(installLog, 40), 4096) } });
      if (install.cancelled || ctx.signal.aborted) return { status: 'cancelled' };
      if (install.exitCode !== 0 || install.timedOut) {
        return { status: 'error', exitCode: install.exitCode, error: `installing ${preset.name} ${preset.version} failed${install.timedOut ? ' (time limit)' : ` (exit ${install.exitCode})`}: ${tailLines(installLog, 12)}` };
      }
      versionRun = await versionOf();
      if (versionRun.cancelled || ctx.signal.aborted) return { status: 'cancelled' };
      if (versionRun.exitCode !== 0) {
        return { status: 'error', exitCode: versionRun.exitCode, error: `${preset.name} does not run after its install (\`${preset.versionCommand}\` exited ${versionRun.exitCode}): ${tailLines(versionRun.stderr || versionRun.stdout, 6)}` };
      }
    }
    const version = stripAnsi(versionRun.stdout).trim().split('\n')[0]?.trim() || preset.version;
    const base = { version };
    if (options.expectVersion && !versionMatches(options.expectVersion, version)) {
      return { ...base, status: 'error', error: `${preset.name} ${options.expectVersion} was asked for, but \`${preset.versionCommand}\` printed "${version}" (an image built for another version?)` };
    }

    // 2. The command, with the transcript derived from the metered calls as they are recorded.
    const command = renderCommand(preset.command, values);
    ctx.record({ kind: 'command', toolCategory: 'exec', payload: { command: clip(redact(command, model.apiKey), 4096), workdir: ctx.sandbox.workdir, harness: name, version } });
    const transcript = new CallTranscript();
    const record = (call: MeteredCall) => {
      for (const entry of transcript.next(call)) ctx.record(entry);
    };
    for (const call of ctx.calls?.list() ?? []) record(call);
    const unsubscribe = ctx.calls?.subscribe(record);
    const reader = new ReportedUsageReader(preset.output ?? 'text');
    let stdoutTail = '';
    let stderrTail = '';
    let result;
    try {
      result = await ctx.sandbox.exec(['sh', '-c', command], {
        env,
        workdir: ctx.sandbox.workdir,
        timeoutMs: ctx.timeoutMs,
        signal: ctx.signal,
        maxOutputBytes: 256 * 1024,
        onStdout: (chunk) => {
          reader.push(chunk);
          stdoutTail = appendTail(stdoutTail, chunk);
        },
        onStderr: (chunk) => {
          stderrTail = appendTail(stderrTail, chunk);
        },
      });
      // The proxy records a call as its response ends; the CLI may exit a moment before.
      await new Promise((resolve) => setTimeout(resolve, options.settleMs ?? 300));
    } finally {
      unsubscribe?.();
    }
    for (const entry of transcript.end()) ctx.record(entry);
    const calls = ctx.calls?.list() ?? [];
    ctx.record({
      kind: 'output',
      payload: {
        exitCode: result.exitCode, durationMs: result.durationMs, timedOut: result.timedOut,
        stdout: clip(redact(tailLines(stdoutTail, 30), model.apiKey), 8192), stderr: clip(redact(tailLines(stderrTail, 30), model.apiKey), 8192),
        calls: calls.length, toolCalls: transcript.toolCalls, toolCallsByCategory: transcript.toolCallsByCategory(),
      },
    });

    // 3. The CLI's own figures against the proxy's.
    const reported = reader.end();
    if (reported && ctx.calls) {
      const { finding } = reconcileReported(reported, calls, preset.name);
      ctx.finding?.(finding);
    } else if (preset.output && preset.output !== 'text' && result.exitCode === 0 && !result.timedOut) {
      ctx.finding?.({ kind: 'harness_reported_usage', harness: preset.name, explained: true, note: `${preset.name} exited without reporting its usage (${reader.events} JSON events read)` });
    }

    const outcome = { ...base, exitCode: result.exitCode };
    if (result.cancelled || ctx.signal.aborted) return { ...outcome, status: 'cancelled' };
    if (result.timedOut) return { ...outcome, status: 'timeout' };
    if (result.exitCode === 0) {
      if (ctx.calls && calls.length === 0) {
        return { ...outcome, status: 'error', error: `${preset.name} exited 0 without a single call to the model: is its base URL set to the proxy (${preset.protocol})? ${tailLines(stderrTail || stdoutTail, 8)}` };
      }
      return { ...outcome, status: 'completed' };
    }
    const gaveUp = providerGaveUp(calls);
    if (gaveUp || (reported?.apiErrorStatus !== undefined && (reported.apiErrorStatus === 429 || reported.apiErrorStatus >= 500))) {
      const what = gaveUp ? (gaveUp.httpStatus === null ? 'no response' : `HTTP ${gaveUp.httpStatus}`) : `HTTP ${reported?.apiErrorStatus}`;
      return { ...outcome, status: 'provider_error', error: `the model provider failed (${preset.name} gave up after ${what}${gaveUp?.error ? `: ${gaveUp.error.slice(0, 300)}` : ''})` };
    }
    const crash = result.exitCode >= 128 ? ` (killed by signal ${result.exitCode - 128})` : '';
    const said = reported?.errors.length ? `${reported.errors[reported.errors.length - 1]}\n` : '';
    return { ...outcome, status: 'error', error: `${preset.name} exited with code ${result.exitCode}${crash}: ${(said + tailLines(stderrTail || stdoutTail, 12)).slice(0, 2000)}` };
  }
  if (options.cacheImage !== false) {
    // Base images whose derived build failed in this process: their trials install in the container
    // (a second chance for a passing network fault, and the install's own log for a real failure),
    // without building again. A failed build is never cached, so a later run tries again.
    const failedBuilds = new Map<string, string>();
    harness.prepareImage = async (preparation) => {
      if (failedBuilds.has(preparation.image.id)) return preparation.image;
      try {
        return await ensureDerivedImage(preset, preparation, options.image ?? {});
      } catch (e) {
        if (e instanceof CancelledError || preparation.signal.aborted) throw e;
        const message = (e as Error).message;
        failedBuilds.set(preparation.image.id, message);
        preparation.onLog?.(`${name}: the image with ${preset.name} could not be built (${message}); installing in the trial's container instead`);
        return preparation.image;
      }
    };
  }
  return harness;
}
