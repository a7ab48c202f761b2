/**
 * The `kilo` harness: the real Kilo CLI (`@kilocode/cli`, 7.7.7 by default; `kilo@<version>` runs another release, see versions.ts) inside the trial container.
 *
 * Before a run, `prepareKilo()` (binary.ts) fetches the Kilo build for the engine's containers and
 * returns a read-only mount of the cache (`SchedulerDeps.harnessMounts`). In each trial the harness:
 * 1. probes the container (architecture, glibc or musl, AVX2, the mount, HOME) and picks the build
 *    (fetching one the mount lacks, e.g. for an Alpine image, into the mounted cache);
 * 2. runs `kilo --version` (recorded on the trial; a build that cannot run here fails clearly);
 * 3. runs, in the task's working folder, under what is left of the agent timeout:
 *      kilo run --auto --format json --thinking --print-logs --log-level WARN -m kb/<model> -- "<instruction>"
 *    with the environment of config.ts (the proxy's trial URL and token only), parsing the JSON
 *    events as they arrive into transcript entries (events.ts).
 *
 * Endings: `completed` when Kilo exits 0 (or when it ends because the model returned nothing);
 * `timeout` when the agent time runs out (everything in the container is killed; the verifier still
 * runs); `provider_error` when Kilo gave up on the provider (an APIError event); `error` for a crash,
 * another non-zero exit or output that is not Kilo's event stream, with the stderr tail. Whatever was
 * parsed before the end stays in the transcript. Kilo's per-step figures are returned as `steps`
 * and, when the caller hands the harness the trial's metered calls and a findings sink (the
 * scheduler does), reconciled with the proxy's calls right away and kept as findings (reconcile.ts).
 *
 * Networking: Kilo reaches the proxy through the run's model channel (run/model-channel.ts): the
 * trial URL it gets points at the gateway of the run's Docker network, never at the host's loopback.
 * On Docker Desktop keep the cache folder inside a shared path (the default ~/.cache is under /Users
 * or C:\Users, which Docker Desktop shares). Remote engines (tcp://, ssh://) cannot mount a folder
 * of this machine at all.
 */
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Harness, HarnessContext, HarnessOutcome } from '../harness';
import {
  compatiblePlatforms, containerBinary, ensureKiloBinary, KILO_MARKER, KILO_MOUNT, KILO_VERSION, parseProbe, platformName, platformOf, prepareKilo,
  PROBE_SCRIPT, type ContainerProbe, type KiloFetchProgress,
} from './binary';
import { KILO_HOME, kiloEnv, kiloModelArg, type KiloModelCost } from './config';
import { KiloEventParser, type KiloError, type KiloStep } from './events';
import { reconcileKiloSteps, type ReconcilableCall } from './reconcile';
import { kiloOutputIncludesReasoning } from './versions';
import { ensureRipgrep, kiloRipgrepLinkScript } from './ripgrep';
import type { JsonObject } from '../../json';
import { InfraError } from '../../errors';
import { versionMatches } from '../harness-spec';
import { formatDuration } from '../../format';

export interface KiloHarnessOptions {
  /** The Kilo CLI release (default KILO_VERSION); the harness is then named `kilo@<version>`. */
  version?: string;
  /** Fetch a build the mount lacks when a container needs it (default true). */
  fetchMissing?: boolean;
  onFetchProgress?: (progress: KiloFetchProgress) => void;
  /** The model's price, so Kilo reports its own cost (the proxy's cost is the record either way). */
  cost?: (modelId: string) => KiloModelCost | undefined;
}

/** The exact `kilo run` arguments after the binary. */
export function kiloRunArgs(modelArg: string, instruction: string): string[] {
  return ['run', '--auto', '--format', 'json', '--thinking', '--print-logs', '--log-level', 'WARN', '-m', modelArg, '--', instruction];
}

const STDERR_TAIL = 64 * 1024;
/** `kilo --version` starts the whole CLI (some 5-15 s on a busy machine). */
const VERSION_TIMEOUT_MS = 120_000;

/**
 * What a metering caller (the scheduler) may add to the context: the trial's calls and a findings
 * sink. Read structurally, so the harness works with callers that give neither.
 */
interface MeteredContext {
  calls?: { list(): readonly ReconcilableCall[] };
  finding?(finding: JsonObject): void;
}

/**
 * Kilo's per-step figures against the proxy's calls, kept as findings on the trial: one summary
 * (`kilo_reconciliation`) plus each mismatch and each call Kilo reports no step for. Waits briefly
 * for the proxy to finish recording the last calls.
 */
async function recordReconciliation(ctx: HarnessContext & MeteredContext, steps: readonly KiloStep[], version: string | undefined): Promise<void> {
  const { calls, finding } = ctx;
  if (!calls || !finding) return;
  for (let waited = 0; calls.list().length < steps.length && waited < 2000; waited += 100) await new Promise((r) => setTimeout(r, 100));
  const r = reconcileKiloSteps(steps, calls.list(), { outputIncludesReasoning: kiloOutputIncludesReasoning(version) });
  finding({
    kind: 'kilo_reconciliation', ...(version ? { kiloVersion: version } : {}), steps: steps.length, calls: calls.list().length, matched: r.pairs.length, mismatches: r.mismatches,
    kiloTokens: { ...r.kiloTotals }, proxyTokens: { ...r.proxyTotals }, kiloCostUsd: r.kiloCost,
    text: r.mismatches === 0
      ? `Kilo's ${steps.length} steps match the proxy's calls${r.findings.length ? ` (${r.findings.length} extra call${r.findings.length === 1 ? '' : 's'} explained)` : ''}`
      : `${r.mismatches} of Kilo's step figures disagree with the proxy's calls`,
  });
  for (const f of r.findings) finding(f);
}

function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
}

function tailLines(text: string, lines = 20): string {
  return stripAnsi(text).trim().split('\n').slice(-lines).join('\n');
}

/** Kilo's last word on a failed run: its error event, else the end of stderr. */
function failureText(errors: readonly KiloError[], stderr: string): string {
  const last = errors[errors.length - 1];
  const tail = tailLines(stderr, 8);
  return last ? `${last.name}: ${last.message}` + (tail ? `\n${tail}` : '') : tail || 'no output on stderr';
}

/**
 * The provider's doing, not the agent's: an API error, or a response the AI SDK inside Kilo could
 * not read (a stream event that is not JSON, or JSON of the wrong shape; Kilo reports these as
 * `UnknownError` with the SDK's message, and gives up without retrying).
 */
function isProviderError(error: KiloError): boolean {
  return error.name === 'APIError' || error.statusCode !== undefined || /^AI_APICallError|ProviderAuthError|RateLimit/i.test(error.name)
    || /^AI_(JSONParseError|TypeValidationError|InvalidResponseDataError)/.test(error.name)
    || /^(JSON parsing failed|Type validation failed|Invalid response data)\b/.test(error.message);
}

async function probeContainer(ctx: HarnessContext): Promise<ContainerProbe | HarnessOutcome> {
  const result = await ctx.sandbox.exec(['sh', '-c', PROBE_SCRIPT], { timeoutMs: 60_000, signal: ctx.signal, maxOutputBytes: 64 * 1024 });
  if (result.cancelled || ctx.signal.aborted) return { status: 'cancelled' };
  if (result.exitCode !== 0 || !/machine=/.test(result.stdout)) {
    return { status: 'error', error: `cannot inspect the container for the Kilo harness (sh exited ${result.exitCode}): ${tailLines(result.stderr || result.stdout, 5)}` };
  }
  return parseProbe(result.stdout);
}

/** The platform folder to use, fetching it into the mounted cache when allowed and missing. */
async function chooseBuild(ctx: HarnessContext, probe: ContainerProbe, options: KiloHarnessOptions): Promise<string | HarnessOutcome> {
  let wanted: string;
  let candidates: string[];
  try {
    const platform = platformOf(probe);
    wanted = platformName(platform);
    candidates = compatiblePlatforms(platform);
  } catch (e) {
    return { status: 'error', error: (e as Error).message };
  }
  const present = candidates.find((c) => probe.available.includes(c));
  if (present) return present;
  const hint = `prepare it before the run (prepareKilo({ platforms: ['${wanted}'] }))`;
  if (options.fetchMissing === false) return { status: 'error', error: `the Kilo mount has no build for this container (${wanted}): ${hint}` };
  // The mounted folder's marker names its host path: fetch there, and the bind mount shows it.
  const marker = await ctx.sandbox.readFile(`${KILO_MOUNT}/${KILO_MARKER}`, 64 * 1024).catch(() => undefined);
  let hostPath: string | undefined;
  let version: string | undefined;
  try {
    ({ hostPath, version } = JSON.parse(marker?.toString('utf8') ?? '{}') as { hostPath?: string; version?: string });
  } catch {
    // handled below
  }
  if (!hostPath || !version || !existsSync(hostPath)) {
    return { status: 'error', error: `the Kilo mount has no build for this container (${wanted}) and its cache is not on this machine: ${hint}` };
  }
  const started = Date.now();
  const binary = await ensureKiloBinary(wanted, { cacheRoot: dirname(hostPath), version, signal: ctx.signal, ...(options.onFetchProgress ? { onProgress: options.onFetchProgress } : {}) });
  ctx.record({ kind: 'output', payload: { text: `fetched the Kilo build ${wanted} (${binary.fetched ? 'downloaded' : 'cached'}) in ${formatDuration(Date.now() - started)}` } });
  return wanted;
}

export function createKiloHarness(options: KiloHarnessOptions = {}): Harness {
  const wantedVersion = options.version ?? KILO_VERSION;
  return {
    name: options.version ? `kilo@${options.version}` : 'kilo',
    modelInContainer: true,
    needsModel: true,
    async prepare({ dockerHost, engineVersion, onProgress }) {
      let lastPhase = '';
      const prepared = await prepareKilo({
        version: wantedVersion,
        ...(dockerHost ? { dockerHost } : {}),
        ...(engineVersion ? { docker: { version: engineVersion } as NonNullable<Parameters<typeof prepareKilo>[0]>['docker'] } : {}),
        onProgress: (p) => {
          // One line per phase, and the download's size as it grows (in MB steps) for the first fetch.
          const line = p.phase === 'download' && p.bytes ? `Kilo CLI: downloading ${p.package} (${(p.bytes / 1e6).toFixed(0)} MB)` : `Kilo CLI: ${p.phase} ${p.package}`;
          if (line !== lastPhase) onProgress?.(line);
          lastPhase = line;
        },
      });
      // Kilo's grep and glob tools need ripgrep: a static build, fetched once, mounted read-only.
      // Without it Kilo still runs (its tools then try to download ripgrep): say so, do not stop the run.
      const ripgrep = await ensureRipgrep().catch((e: Error) => {
        onProgress?.(`ripgrep: not available, Kilo's grep and glob tools will try to download it (${e.message})`);
        return undefined;
      });
      if (ripgrep?.fetched) onProgress?.(`ripgrep: fetched (${ripgrep.version ?? 'static build'})`);
      return { mounts: ripgrep ? [...prepared.mounts, ripgrep.mount] : prepared.mounts };
    },
    async run(ctx): Promise<HarnessOutcome> {
      if (!ctx.model) return { status: 'error', error: 'the kilo harness needs a model' };
      const model = ctx.model;
      const deadline = Date.now() + ctx.timeoutMs;

      const probe = await probeContainer(ctx);
      if ('status' in probe) return probe;
      if (!probe.mounted) {
        return {
          status: 'error',
          error: `the Kilo CLI is not mounted at ${KILO_MOUNT}: call prepareKilo() before the run and pass its mounts (SchedulerDeps.harnessMounts or TrialSpec.readOnlyMounts)`,
        };
      }
      const build = await chooseBuild(ctx, probe, options);
      if (typeof build !== 'string') return build;
      const binary = containerBinary(build);
      const cost = options.cost?.(model.id);
      const env = kiloEnv(model, { ...(probe.writableHome ? { home: probe.writableHome } : {}), ...(cost ? { cost } : {}) });

      const mkdir = await ctx.sandbox.exec(['mkdir', '-p', KILO_HOME], { timeoutMs: 30_000, signal: ctx.signal });
      if (mkdir.exitCode !== 0 && !mkdir.cancelled) return { status: 'error', error: `cannot create ${KILO_HOME} in the container: ${tailLines(mkdir.stderr, 3)}` };
      if (!probe.ripgrep) {
        // Without this, Kilo's grep and glob tools would download ripgrep at their first use.
        const link = await ctx.sandbox.exec(['sh', '-c', kiloRipgrepLinkScript(env.XDG_CACHE_HOME as string)], { timeoutMs: 30_000, signal: ctx.signal });
        if (!/ripgrep=linked/.test(link.stdout) && !link.cancelled) {
          ctx.record({ kind: 'output', payload: { text: `no ripgrep for Kilo's grep and glob tools in this container: ${tailLines(link.stderr || link.stdout, 3)}` } });
        }
      }
      const versionRun = await ctx.sandbox.exec([binary, '--version'], { env, timeoutMs: VERSION_TIMEOUT_MS, signal: ctx.signal, maxOutputBytes: 64 * 1024 });
      if (versionRun.cancelled || ctx.signal.aborted) return { status: 'cancelled' };
      // Seen on a loaded machine with several Kilo containers starting at once: says nothing about
      // the agent, so it is an infrastructure error (retried), not an attempt.
      if (versionRun.timedOut) throw new InfraError(`kilo --version did not answer within ${VERSION_TIMEOUT_MS / 1000} s in the container (is the machine overloaded?)`);
      if (versionRun.exitCode !== 0) {
        return {
          status: 'error', exitCode: versionRun.exitCode,
          error: `the Kilo build ${build} does not run in this container (exit ${versionRun.exitCode}): ${tailLines(versionRun.stderr || versionRun.stdout, 6)}`,
        };
      }
      const version = versionRun.stdout.trim().split('\n').pop()?.trim() || undefined;
      const base = version ? { version } : {};
      // The mount holds the asked release's folder: anything else printed means a mixed-up cache.
      if (!version || !versionMatches(wantedVersion, version)) {
        return { ...base, status: 'error', error: `the Kilo build in the mount printed "${version ?? ''}" for --version, not ${wantedVersion}: remove ${KILO_MOUNT}'s host folder (the ${wantedVersion} cache folder) and run again` };
      }

      // One argv string is limited to 128 KiB by Linux (MAX_ARG_STRLEN).
      if (Buffer.byteLength(ctx.task.instruction) > 128 * 1024 - 1) {
        return { ...base, status: 'error', error: `the task instruction (${Buffer.byteLength(ctx.task.instruction)} bytes) is too long to pass to kilo run as an argument (128 KiB at most)` };
      }
      const timeLeft = deadline - Date.now();
      if (timeLeft <= 0) return { ...base, status: 'timeout' };
      const parser = new KiloEventParser((entry) => ctx.record(entry));
      let stderr = '';
      let stdoutBytes = 0;
      const result = await ctx.sandbox.exec([binary, ...kiloRunArgs(kiloModelArg(model), ctx.task.instruction)], {
        env,
        workdir: ctx.sandbox.workdir,
        timeoutMs: timeLeft,
        signal: ctx.signal,
        maxOutputBytes: 256 * 1024,
        onStdout: (chunk) => {
          stdoutBytes += chunk.length;
          parser.push(chunk);
        },
        onStderr: (chunk) => {
          stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_TAIL);
        },
      });
      parser.end();
      const outcome = { ...base, exitCode: result.exitCode, steps: parser.steps };
      if (result.cancelled || ctx.signal.aborted) return { ...outcome, status: 'cancelled' };
      await recordReconciliation(ctx, parser.steps, version);
      if (result.timedOut) return { ...outcome, status: 'timeout' };

      const noEvents = parser.stats.events === 0;
      if (result.exitCode === 0) {
        if (noEvents) {
          ctx.record({ kind: 'output', payload: { exitCode: 0, stderr: tailLines(stderr) } });
          return {
            ...outcome, status: 'error',
            error: stdoutBytes > 0
              ? `Kilo's output is not its JSON event stream (${parser.stats.unparsed} unparseable lines): ${tailLines(stderr, 5) || 'nothing on stderr'}`
              : `Kilo exited without printing any event: ${tailLines(stderr, 5) || 'nothing on stderr'}`,
          };
        }
        return { ...outcome, status: 'completed' };
      }
      ctx.record({ kind: 'output', payload: { exitCode: result.exitCode, stderr: tailLines(stderr) } });
      const errors = parser.errors;
      const provider = [...errors].reverse().find(isProviderError);
      if (provider) {
        return { ...outcome, status: 'provider_error', error: `the model provider failed (Kilo gave up${provider.statusCode ? ` after HTTP ${provider.statusCode}` : ''}): ${provider.message.slice(0, 500)}` };
      }
      // Kilo ends with exit 1 when the model answers nothing at all: the model's doing, for the verifier to judge.
      if (errors.length > 0 && errors.every((e) => /model returned no output/i.test(e.message))) return { ...outcome, status: 'completed' };
      const crash = result.exitCode >= 128 ? ` (killed by signal ${result.exitCode - 128})` : '';
      return { ...outcome, status: 'error', error: `Kilo exited with code ${result.exitCode}${crash}: ${failureText(errors, stderr).slice(0, 2000)}` };
    },
  };
}

export const kiloHarness: Harness = createKiloHarness();
