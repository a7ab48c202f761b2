/**
 * Scale-out projection: trials per hour for N engines × capacity, from per-trial container overheads
 * measured here against the real engine, plus the agent's own time as a parameter.
 *
 *   DOCKER_HOST=… node --require tsx/cjs bench/scale-out/run.ts [--rounds N] [--concurrency 1,4,8]
 *     [--agent-minutes 5,10,15] [--call-interval SECONDS]
 *
 * 1. Measures, on the engine in DOCKER_HOST, the steps every trial pays besides the agent's work,
 *    each timed on its own (the same DockerRuntime calls the trial runner makes; image present):
 *    image check, create + start, one exec, one copy in, one file read, remove. A trial makes
 *    several execs, copies and reads (counts below, from trial-runner.ts and the Kilo harness).
 * 2. Runs whole "overhead-only" trials (those steps in that order, no agent) at 1, 4 and 8 at once
 *    on the one engine, so the projection uses the per-trial overhead at the capacity it assumes.
 * 3. Projects: a slot finishes one trial per (agent time + overhead at that capacity); an engine has
 *    `capacity` slots; engines are separate machines, so N engines serve N × that. The baseline is
 *    one engine × 8 (KiloBench today), computed from the same measurements: the ratio is the speed-up.
 *    Also the issue 17 example: 89 tasks × 5 trials × 6 models = 2,670 trials at 5–15 min each.
 * What it does not measure: image builds (once per engine and task, content-hashed), the agent's CPU
 * competing inside one engine's machine (the capacity must fit its cores), network to remote engines.
 */
import { loadavg } from 'node:os';
import { DockerRuntime } from '../../src/core/runtime/docker/docker-runtime';
import { resolveDockerHost } from '../../src/core/runtime/docker/docker-host';
import { LABELS, type ContainerRuntime } from '../../src/core/runtime/container-runtime';

const IMAGE = 'debian:bookworm-slim';
const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? (process.argv[i + 1] as string) : fallback;
};
const ROUNDS = Number(arg('rounds', '10'));
const CONCURRENCY = arg('concurrency', '1,4,8').split(',').map(Number);
const AGENT_MINUTES = arg('agent-minutes', '5,10,15').split(',').map(Number);
/** Seconds between one trial's model calls (an agent thinks, calls a tool, calls again): the meter's load. */
const CALL_INTERVAL_S = Number(arg('call-interval', '10'));
/** Per trial (trial-runner.ts + the Kilo harness + the verifier): execs, copies in, file reads. */
const PER_TRIAL = { execs: 8, copies: 3, reads: 2 };
const EXAMPLE = { tasks: 89, trials: 5, models: 6 };
const RUN_LABEL = `scale-out-bench-${process.pid}`;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

interface Steps { image: number; start: number; exec: number; copy: number; read: number; remove: number }

async function timed<T>(into: number[], step: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const result = await step();
  into.push(performance.now() - t0);
  return result;
}

/** One overhead-only trial: the steps a trial pays besides the agent, in the trial runner's order. */
async function overheadTrial(runtime: ContainerRuntime, steps: { [K in keyof Steps]: number[] }): Promise<number> {
  const t0 = performance.now();
  await timed(steps.image, () => runtime.ensureImage({ taskId: 'scale-out-bench', contextDir: '.', dockerfile: undefined, prebuiltImage: IMAGE, buildTimeoutMs: 60_000 }));
  const id = await timed(steps.start, () => runtime.startContainer({ image: IMAGE, labels: { [LABELS.run]: RUN_LABEL }, memoryMb: 512, cpus: 1, pidsLimit: 256, network: 'none' }));
  try {
    for (let i = 0; i < PER_TRIAL.execs; i++) await timed(steps.exec, () => runtime.exec(id, ['true']));
    for (let i = 0; i < PER_TRIAL.copies; i++) await timed(steps.copy, () => runtime.copyFilesIn(id, [{ path: `file-${i}.txt`, content: 'benchmark payload\n' }], '/tmp'));
    for (let i = 0; i < PER_TRIAL.reads; i++) await timed(steps.read, () => runtime.readFile(id, '/tmp/file-0.txt'));
  } finally {
    await timed(steps.remove, () => runtime.remove(id));
  }
  return performance.now() - t0;
}

const emptySteps = (): { [K in keyof Steps]: number[] } => ({ image: [], start: [], exec: [], copy: [], read: [], remove: [] });

/** `rounds` overhead-only trials per slot, `concurrency` slots at once: median trial overhead in ms. */
async function atConcurrency(runtime: ContainerRuntime, concurrency: number, rounds: number): Promise<{ trialMs: number; steps: Steps }> {
  const steps = emptySteps();
  const trials: number[] = [];
  await Promise.all(Array.from({ length: concurrency }, async () => {
    for (let i = 0; i < rounds; i++) trials.push(await overheadTrial(runtime, steps));
  }));
  return { trialMs: median(trials), steps: Object.fromEntries(Object.entries(steps).map(([k, v]) => [k, median(v)])) as unknown as Steps };
}

const fmtH = (hours: number): string => (hours >= 48 ? `${(hours / 24).toFixed(1)} days` : `${hours.toFixed(1)} h`);

async function main(): Promise<void> {
  const host = resolveDockerHost();
  const runtime = new DockerRuntime(host);
  console.log(`engine: ${await runtime.ping()}; image ${IMAGE} (present); load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(`per trial: 1 image check, create + start, ${PER_TRIAL.execs} execs, ${PER_TRIAL.copies} copies in, ${PER_TRIAL.reads} file reads, remove`);
  await atConcurrency(runtime, 1, 1); // warm-up, not counted
  const measured = new Map<number, { trialMs: number; steps: Steps }>();
  for (const c of CONCURRENCY) {
    const rounds = Math.max(1, Math.round(ROUNDS / Math.sqrt(c)));
    const result = await atConcurrency(runtime, c, rounds);
    measured.set(c, result);
    const s = result.steps;
    console.log(`\n${c} at once (${c * rounds} trials): overhead per trial ${result.trialMs.toFixed(0)} ms (median)`);
    console.log(`   steps (median ms): image check ${s.image.toFixed(1)}, create+start ${s.start.toFixed(1)}, exec ${s.exec.toFixed(1)}, copy in ${s.copy.toFixed(1)}, read ${s.read.toFixed(1)}, remove ${s.remove.toFixed(1)}`);
  }
  console.log(`load average after measuring ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const leftovers = (await runtime.listLabelled()).filter((c) => c.labels[LABELS.run] === RUN_LABEL);
  if (leftovers.length) throw new Error(`${leftovers.length} benchmark containers left on the engine`);

  /**
   * Overhead per trial at a capacity: interpolated between the measured concurrencies, extrapolated
   * along the last two beyond them (on one engine the steps queue, so overhead grows with capacity).
   */
  const points = [...measured].map(([c, m]) => [c, m.trialMs] as const).sort((a, b) => a[0] - b[0]);
  const overheadAt = (capacity: number): number => {
    if (points.length === 1 || capacity <= (points[0] as readonly [number, number])[0]) return (points[0] as readonly [number, number])[1];
    let i = points.findIndex(([c]) => c >= capacity);
    if (i === -1) i = points.length - 1;
    const [c0, m0] = points[i - 1] as readonly [number, number];
    const [c1, m1] = points[i] as readonly [number, number];
    return m0 + ((m1 - m0) * (capacity - c0)) / (c1 - c0);
  };
  const perHour = (engines: number, capacity: number, agentMin: number): number => (engines * capacity * 3_600_000) / (agentMin * 60_000 + overheadAt(capacity));
  const total = EXAMPLE.tasks * EXAMPLE.trials * EXAMPLE.models;
  const setups: [number, number][] = [[1, 8], [1, 16], [3, 8], [5, 8], [10, 8], [10, 16]];
  console.log(`\nprojection: trials per hour (agent time + measured overhead per trial), and the ${total.toLocaleString('en')}-trial example (${EXAMPLE.tasks} tasks × ${EXAMPLE.trials} trials × ${EXAMPLE.models} models)`);
  console.log(`   engines × capacity | ${AGENT_MINUTES.map((m) => `agent ${m} min`.padEnd(20)).join(' | ')} | vs 1 × 8 | overhead/trial`);
  for (const [engines, capacity] of setups) {
    const cells = AGENT_MINUTES.map((m) => {
      const rate = perHour(engines, capacity, m);
      return `${rate.toFixed(1).padStart(6)}/h ${fmtH(total / rate).padStart(9)}`.padEnd(20);
    });
    const middle = AGENT_MINUTES[Math.floor(AGENT_MINUTES.length / 2)] as number;
    const ratio = perHour(engines, capacity, middle) / perHour(1, 8, middle);
    console.log(`   ${`${engines} × ${capacity}`.padEnd(18)} | ${cells.join(' | ')} | ${`${ratio.toFixed(2)}×`.padEnd(8)} | ${(overheadAt(capacity) / 1000).toFixed(1)} s`);
  }
  const [engines, capacity] = setups[setups.length - 1] as [number, number];
  console.log(`
the one meter: ${engines} × ${capacity} trials calling the model every ${CALL_INTERVAL_S} s is ${((engines * capacity) / CALL_INTERVAL_S).toFixed(0)} calls/s at the metering proxy (bench/proxy measures its capacity in hundreds to thousands per second).`);
  const share = (overheadAt(8) / (10 * 60_000 + overheadAt(8))) * 100;
  console.log(`\ncontainer overhead at 8 at once is ${(overheadAt(8) / 1000).toFixed(2)} s per trial: ${share.toFixed(2)} % of a 10-minute trial; the agent's time decides the wall time.`);
  console.log('Assumes each engine\'s machine has the cores and memory for its capacity (the agents\' own work), and');
  console.log('one image build per engine and task before its first trial (not counted: minutes once, vs hours of trials).');
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exitCode = 1;
});
