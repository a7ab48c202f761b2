/**
 * Crash and resume, for real: `kilobench run` (the built CLI, the real Docker engine, the built-in
 * agent, simulated models behind the metering proxy) is killed with SIGKILL at 10 seeded-random
 * moments — inside an image build, an agent's run, a verifier and a database save — and resumed with
 * `kilobench run --resume` after each kill, until the plan completes. After every kill the store must
 * open and still hold every trial that had finished, unchanged; at the end every planned trial has
 * exactly one final result, no finished trial was started again, and no labelled container is left.
 *
 * The moments come from a seeded RNG; the seed and each kill's phase are printed. Reproduce a failure
 * with `CRASH_SEED=<seed> node test/run.mjs test/integration/hardening/crash-resume.test.ts` (timing
 * on a loaded machine still varies, so the same seed gives the same plan of kills, not the same
 * interleaving).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, watch, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { mulberry32, type Random } from '../../../src/core/random';
import { Store, type StoreWarning, type TrialRecord } from '../../../src/core/store';
import { journalPath, journalsDir } from '../../../src/core/store/journal';
import { tempPrefix } from '../../../src/core/store/atomic-file';
import { FINAL_STATUSES, type TrialStatus } from '../../../src/core/domain';
import { imageRepository, readBuildContext } from '../../../src/core/runtime/build-context';
import { CLI, kilobench } from '../../helpers/cli';
import { containersOfRun, rawDocker } from '../../helpers/docker';
import { tempDir } from '../../helpers/task-fixtures';

const FIXTURE = resolve(__dirname, '../../fixtures/crash-resume/slow-phases');
const TASK_IDS = ['crash-resume-a', 'crash-resume-b', 'crash-resume-c'];
const MODELS = ['sim/direct', 'sim-anthropic/direct'];
const TRIALS_PER_PAIR = 2;
const PLANNED = TASK_IDS.length * MODELS.length * TRIALS_PER_PAIR;
const KILLS = 10;

type Phase = 'image' | 'agent' | 'verifier' | 'save';

/** One planned kill: what to wait for, and how far into it to strike. */
interface KillPlan {
  phase: Phase;
  /** Armed once this process has finished this many trials, so that every restart makes some progress. */
  afterFinishes: number;
  /** Kill on the n-th qualifying moment of this process (a trial in the phase for `offsetMs`; a save starting). */
  occurrence: number;
  /** How long a trial must have been in the phase (image, agent, verifier); 0 for saves. */
  offsetMs: number;
}

/** What happened at one kill, for the log and the final checks. */
interface KillRecord extends KillPlan {
  /** Did the kill land where it aimed: a trial still in the phase, or an unfinished save file left behind? */
  hit: boolean;
  /** Each unfinished trial's phase at the moment of the kill. */
  inFlight: Record<string, string>;
}

/** Longest stretch a kill aims into each phase (the fixture's phases last 3–6 s each). */
const MAX_OFFSET: Record<Exclude<Phase, 'save'>, number> = { image: 3000, agent: 2500, verifier: 2000 };

/**
 * Ten kills covering every phase. Image builds only happen while some task's image is missing, which
 * is early in the run, so the two image kills come first; the other eight are shuffled. Between kills
 * the run makes a random amount of progress (0–2 finished trials; see `feasible`).
 */
function planKills(random: Random): KillPlan[] {
  const between = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const rest: Phase[] = ['agent', 'agent', 'agent', 'verifier', 'verifier', 'save', 'save', 'save'];
  for (let i = rest.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [rest[i], rest[j]] = [rest[j]!, rest[i]!];
  }
  // The first build starts at once; the second kill lets 0–2 trials finish (the next task's build is then due).
  return (['image', 'image', ...rest] as Phase[]).map((phase, index) => {
    const afterFinishes = index === 0 ? 0 : between(0, 2);
    return phase === 'save'
      ? { phase, afterFinishes, occurrence: between(1, 4), offsetMs: 0 }
      : { phase, afterFinishes, occurrence: between(1, 2), offsetMs: between(200, MAX_OFFSET[phase]) };
  });
}

/**
 * The planned kill, made sure to come while `unfinished` trials remain: progress is asked for only
 * while four or more are left, and with three or fewer the kill strikes at the first chance (every
 * remaining trial passes through the agent and verifier phases, which outlast any offset, before it
 * can finish), so the plan never completes before all ten kills.
 */
function feasible(plan: KillPlan, unfinished: number): KillPlan {
  return {
    ...plan,
    afterFinishes: Math.min(plan.afterFinishes, Math.max(0, unfinished - 4)),
    occurrence: unfinished > 3 ? plan.occurrence : 1,
  };
}

interface RunEventLine {
  type: string;
  runId?: string;
  trialId?: string;
  phase?: string;
  status?: TrialStatus;
  costUsd?: number | null;
}

/** One `kilobench run --json` process, with what its event stream says about each trial. */
class CliRun {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  runId: string | undefined;
  /** Unfinished trials' current phase ('started' before the first phase) and since when. */
  readonly phases = new Map<string, { phase: string; since: number }>();
  /** Trials this process reported finished: what it told the user. */
  readonly finished = new Map<string, { status: TrialStatus; costUsd: number | null }>();
  stderr = '';
  private readonly listeners = new Set<(event: RunEventLine) => void>();

  constructor(args: string[]) {
    // A resume knows its run from the start (a new run only once it reports it).
    this.runId = args.includes('--resume') ? args[args.indexOf('--resume') + 1] : undefined;
    this.child = spawn(process.execPath, [CLI, 'run', ...args, '--json'], { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
    this.child.stderr!.on('data', (chunk: Buffer) => { this.stderr = (this.stderr + chunk.toString('utf8')).slice(-20_000); });
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      let event: RunEventLine;
      try {
        event = JSON.parse(line) as RunEventLine;
      } catch {
        return;
      }
      this.track(event);
      for (const listener of this.listeners) listener(event);
    });
  }

  private track(event: RunEventLine): void {
    if (event.type === 'run_started') this.runId = event.runId;
    if (event.type === 'trial_started' && event.trialId) this.phases.set(event.trialId, { phase: 'started', since: Date.now() });
    if (event.type === 'trial_phase' && event.trialId && event.phase) this.phases.set(event.trialId, { phase: event.phase, since: Date.now() });
    if (event.type === 'trial_finished' && event.trialId && event.status) {
      this.phases.delete(event.trialId);
      this.finished.set(event.trialId, { status: event.status, costUsd: event.costUsd ?? null });
    }
  }

  onEvent(listener: (event: RunEventLine) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.exited;
  }
}

function unfinishedSaveFiles(db: string): string[] {
  return readdirSync(dirname(db)).filter((name) => name.startsWith(tempPrefix(db)));
}

/**
 * Waits for the planned moment in `run` and kills it there. Resolves to the kill's record, or to
 * undefined when the process ended on its own first (the plan completed before the moment came).
 */
async function killAt(run: CliRun, plan: KillPlan, db: string): Promise<KillRecord | undefined> {
  const folder = dirname(db);
  const cleanups: (() => void)[] = [];
  const cleanUp = () => {
    for (const undo of cleanups.splice(0)) undo();
  };
  const inFlight = await new Promise<Record<string, string> | undefined>((settle) => {
    let seen = 0;
    const count = () => {
      if (++seen < plan.occurrence) return;
      const phases = Object.fromEntries([...run.phases].map(([id, state]) => [id, state.phase])); // at the moment of the kill
      run.child.kill('SIGKILL');
      cleanUp();
      settle(phases);
    };
    // A save writes `<db>.tmp-<pid>-<random>`, then renames it over the database: strike the moment one appears.
    const armSave = () => {
      const watcher = watch(folder, (_kind, name) => {
        if (name?.startsWith(tempPrefix(db)) && existsSync(join(folder, name))) count();
      });
      cleanups.push(() => watcher.close());
    };
    // Count only stays in the phase that last the offset (a reused image's phase lasts milliseconds);
    // `since` tells one stay from the next.
    const armPhase = () => {
      const watchStay = (trialId: string, since: number) => {
        const timer = setTimeout(() => run.phases.get(trialId)?.since === since && count(), Math.max(0, since + plan.offsetMs - Date.now()));
        cleanups.push(() => clearTimeout(timer));
      };
      for (const [trialId, state] of run.phases) if (state.phase === plan.phase) watchStay(trialId, state.since);
      cleanups.push(run.onEvent((event) => {
        const state = event.trialId ? run.phases.get(event.trialId) : undefined;
        if (event.type === 'trial_phase' && state?.phase === plan.phase) watchStay(event.trialId!, state.since);
      }));
    };
    // Armed once the run exists (not while a new run's store is being created; a resume's recovery save
    // when it opens the store counts) and has made its progress.
    let armed = false;
    const arm = () => {
      if (armed || !run.runId || run.finished.size < plan.afterFinishes) return;
      armed = true;
      stopWaiting();
      if (plan.phase === 'save') armSave();
      else armPhase();
    };
    const stopWaiting = run.onEvent(arm);
    cleanups.push(stopWaiting);
    arm();
    void run.exited.then(() => {
      cleanUp();
      settle(undefined);
    });
  });
  await run.exited;
  if (!inFlight) return undefined;
  const hit = plan.phase === 'save' ? unfinishedSaveFiles(db).length > 0 : Object.values(inFlight).includes(plan.phase);
  return { ...plan, hit, inFlight };
}

/** Resolves once `run` reports `run_started` (by then it has reaped orphaned containers), or exits. */
function runStarted(run: CliRun): Promise<void> {
  return new Promise((resolveStarted) => {
    const off = run.onEvent((event) => {
      if (event.type !== 'run_started') return;
      off();
      resolveStarted();
    });
    void run.exited.then(() => resolveStarted());
  });
}

interface JournalLine {
  seq: number;
  type: string;
  trialId?: string;
  patch?: { status?: string };
  call?: { trialId: string };
  entry?: { trialId: string };
}

/** The run's journal, parsed (a torn last line, if any, is left out: the store ignores it too). */
function readJournalLines(db: string, runId: string): JournalLine[] {
  const path = journalPath(journalsDir(db), runId);
  return readFileSync(path, 'utf8').split('\n').filter(Boolean).flatMap((line) => {
    try {
      return [JSON.parse(line) as JournalLine];
    } catch {
      return [];
    }
  });
}

function trialOf(line: JournalLine): string | undefined {
  return line.trialId ?? line.call?.trialId ?? line.entry?.trialId;
}

const isFinal = (status: string | undefined): boolean => status !== undefined && FINAL_STATUSES.has(status as TrialStatus);

/** Warnings that would mean something was lost or damaged (others — a stale lock, a leftover save file — are expected after a kill). */
const LOSS_WARNINGS = new Set<StoreWarning['code']>(['corrupt_database', 'malformed_line', 'unknown_reference', 'seq_out_of_order', 'journal_missing', 'journal_shorter', 'save_failed']);

async function openStore(db: string): Promise<{ runId: string; runStatus: string; trials: TrialRecord[]; warnings: StoreWarning[] }> {
  const warnings: StoreWarning[] = [];
  const store = await Store.open(db, { onWarning: (w) => warnings.push(w) });
  try {
    const [run] = store.listRuns();
    assert.ok(run, 'the store holds the run');
    return { runId: run.id, trials: store.listTrials(run.id), runStatus: run.status, warnings };
  } finally {
    await store.close();
  }
}

describe('crash and resume: SIGKILL at 10 random moments (real CLI, real engine)', function () {
  this.timeout(900_000);
  const seed = Number(process.env.CRASH_SEED ?? randomBytes(4).readUInt32BE(0));
  let root: string;
  let db: string;
  let runId: string | undefined;
  let planRunId: string | undefined;
  let budgetRunId: string | undefined;
  let current: CliRun | undefined;
  const images: string[] = [];

  before(async () => {
    root = tempDir('kilobench-crash-');
    db = join(root, 'store', 'results.sqlite');
    // Three copies of the fixture task, each with its own random nonce in its build context: every
    // test run really builds three images (a reused image has no build to be killed in).
    for (const id of TASK_IDS) {
      const dir = join(root, 'tasks', id);
      cpSync(FIXTURE, dir, { recursive: true });
      writeFileSync(join(dir, 'environment', 'nonce'), `${id} ${randomBytes(16).toString('hex')}\n`);
      const { hash } = await readBuildContext(join(dir, 'environment'), 'Dockerfile');
      images.push(`${imageRepository(id)}:${hash.slice(0, 16)}`);
    }
  });

  after(async () => {
    await current?.kill();
    for (const run of [runId, planRunId, budgetRunId]) {
      if (run) for (const id of await containersOfRun(run)) await rawDocker().getContainer(id).remove({ force: true }).catch(() => undefined);
    }
    for (const image of images) await rawDocker().getImage(image).remove({ force: true }).catch(() => undefined);
    rmSync(root, { recursive: true, force: true });
  });

  it('loses no finished trial, runs none twice, leaves no container, and completes the plan (seed in the log)', async () => {
    const random = mulberry32(seed);
    const plans = planKills(random);
    const started = Date.now();
    const log = (line: string) => console.log(`      [crash seed=${seed} +${((Date.now() - started) / 1000).toFixed(1)}s] ${line}`);
    log(`plan (phase after-N-finished #occurrence +offset): ${plans.map((p) => `${p.phase} ${p.afterFinishes} #${p.occurrence}${p.offsetMs ? ` +${p.offsetMs}ms` : ''}`).join(', ')}`);

    const firstArgs = [
      '--no-bundled', '--path', join(root, 'tasks'), '--tasks', TASK_IDS.join(','), '--models', MODELS.join(','),
      '-H', 'builtin', '--trials', String(TRIALS_PER_PAIR), '--concurrency', '2', '--seed', String(seed % 100_000 + 1), '--db', db,
    ];
    /** Every trial that ever had a final status in the store, with that status and cost. */
    const finals = new Map<string, { status: TrialStatus; costUsd: number | null }>();
    const kills: KillRecord[] = [];

    // Labelled containers the last killed process left behind, and how many its successors reaped.
    let leftBehind: string[] = [];
    let reaped = 0;
    for (let index = 1; index <= KILLS + 1; index++) {
      current = new CliRun(runId ? ['--resume', runId, '--db', db] : firstArgs);
      if (leftBehind.length) {
        // A resume reaps what its dead predecessor left before it starts any trial.
        await runStarted(current);
        const remaining = (await containersOfRun(runId!)).filter((id) => leftBehind.includes(id));
        assert.deepEqual(remaining, [], `process ${index} did not reap the containers its killed predecessor left (seed ${seed})`);
        reaped += leftBehind.length;
      }
      if (index > KILLS) break; // the last resume runs to the end
      const plan = feasible(plans[index - 1]!, PLANNED - finals.size);
      const kill = await killAt(current, plan, db);
      assert.ok(kill, `kill ${index} (${plan.phase}) never came: the process exited with ${await current.exited} first (seed ${seed})\n${current.stderr}`);
      runId ??= current.runId;
      assert.ok(runId, `the first process reported no run id before kill 1 (seed ${seed})\n${current.stderr}`);
      kills.push(kill);

      // The store opens, recovering only what a kill can leave (a stale lock, an unfinished save file).
      const opened = await openStore(db);
      assert.equal(opened.runId, runId);
      const losses = opened.warnings.filter((w) => LOSS_WARNINGS.has(w.code));
      assert.deepEqual(losses, [], `after kill ${index}: the store reported damage (seed ${seed})`);
      const byId = new Map(opened.trials.map((t) => [t.id, t]));
      assert.equal(byId.size, PLANNED, `after kill ${index}: every planned trial is in the store`);

      // Nothing finished is lost or changed: neither what earlier checks saw, nor what this process reported.
      for (const [id, before] of [...finals, ...current.finished]) {
        const now = byId.get(id);
        assert.ok(now && isFinal(now.status), `after kill ${index}: finished trial ${id} lost (now ${now?.status}) (seed ${seed})`);
        assert.deepEqual({ status: now.status, costUsd: now.costUsd }, before, `after kill ${index}: finished trial ${id} changed (seed ${seed})`);
      }
      for (const t of opened.trials) if (isFinal(t.status)) finals.set(t.id, { status: t.status, costUsd: t.costUsd });

      const where = Object.entries(kill.inFlight).map(([id, phase]) => `${id.slice(runId!.length + 1)}:${phase}`).join(' ') || 'no trial running';
      const recovered = [...new Set(opened.warnings.map((w) => w.code))].join(',') || 'none';
      leftBehind = await containersOfRun(runId!);
      log(`kill ${index}/${KILLS}: ${plan.phase} ${plan.afterFinishes} #${plan.occurrence}${kill.hit ? '' : ' (missed)'} — ${where}; finished ${finals.size}/${PLANNED}; store opened (recovered: ${recovered}); ${leftBehind.length} container(s) left behind`);
    }

    const code = await current!.exited;
    assert.equal(code, 0, `the final resume failed (seed ${seed})\n${current!.stderr}`);
    const end = await openStore(db);
    assert.equal(end.runStatus, 'finished');
    assert.equal(end.trials.length, PLANNED);
    for (const t of end.trials) assert.ok(isFinal(t.status), `${t.id} ended ${t.status}`);
    for (const [id, before] of finals) {
      const now = end.trials.find((t) => t.id === id)!;
      assert.deepEqual({ status: now.status, costUsd: now.costUsd }, before, `finished trial ${id} changed by a later resume`);
    }
    // The simulated agent plays the reference solution: every trial passes, however often it was interrupted.
    assert.deepEqual(end.trials.filter((t) => t.status !== 'passed').map((t) => `${t.id}: ${t.status} ${t.error ?? ''}`), []);

    // The journal: exactly one final result per trial, and nothing about a trial after it (never started again).
    const lines = readJournalLines(db, runId!);
    const starts = new Map<string, number>();
    for (const t of end.trials) {
      const own = lines.filter((l) => trialOf(l) === t.id);
      const finalAt = own.findIndex((l) => l.type === 'trial_updated' && isFinal(l.patch?.status));
      assert.equal(own.filter((l) => l.type === 'trial_updated' && isFinal(l.patch?.status)).length, 1, `${t.id}: one final result`);
      assert.deepEqual(own.slice(finalAt + 1).map((l) => `${l.seq} ${l.type}`), [], `${t.id} was touched after it had finished`);
      starts.set(t.id, own.filter((l) => l.type === 'trial_updated' && l.patch?.status === 'running').length);
    }

    // No labelled container of the run is left: each resume reaped what its killed predecessor left.
    assert.deepEqual(await containersOfRun(runId!), []);
    const runs = kilobench(['runs', '--db', db, '--json']);
    assert.equal(runs.code, 0, runs.stderr);
    const listed = (JSON.parse(runs.stdout) as { runs: { id: string; status: string; trials: number; unfinished: number }[] }).runs;
    assert.deepEqual(listed.map((r) => [r.id, r.status, r.trials, r.unfinished]), [[runId, 'finished', PLANNED, 0]]);

    const phasesHit = new Set(kills.filter((k) => k.hit).map((k) => k.phase));
    const rerun = [...starts].filter(([, n]) => n > 1).length;
    log(`done: ${kills.length} kills, hit ${kills.filter((k) => k.hit).length} (${[...phasesHit].join(', ')}); ${PLANNED} trials final, ${rerun} run again after an interruption; ${reaped} orphaned container(s) reaped by resumes, 0 left`);
    for (const phase of ['image', 'agent', 'verifier', 'save'] as const) assert.ok(phasesHit.has(phase), `no kill landed in the ${phase} phase (seed ${seed})`);
  });

  it('completes the plan of a run killed while it was still recording it (before its trials were queued)', async () => {
    // A task whose folder takes a while to snapshot (a big file beside it, outside its build context):
    // the run is killed the moment its journal has its first line, between `run_created` and the queued trials.
    const tasks = join(root, 'plan-tasks');
    const taskDir = join(tasks, 'crash-resume-plan');
    cpSync(join(root, 'tasks', TASK_IDS[0]!), taskDir, { recursive: true });
    writeFileSync(join(taskDir, 'notes.bin'), Buffer.alloc(96 * 1024 * 1024));
    images.push(`${imageRepository('crash-resume-plan')}:${(await readBuildContext(join(taskDir, 'environment'), 'Dockerfile')).hash.slice(0, 16)}`);
    const planDb = join(root, 'plan-store', 'results.sqlite');
    mkdirSync(journalsDir(planDb), { recursive: true });

    current = new CliRun(['--no-bundled', '--path', tasks, '--models', 'sim/direct', '-H', 'builtin', '--trials', '2', '--db', planDb]);
    const journalAppeared = new Promise<string>((resolveJournal) => {
      const watcher = watch(journalsDir(planDb), (_kind, name) => {
        // The journal file is created empty, then `run_created` is written to it.
        if (!name?.endsWith('.jsonl') || !existsSync(join(journalsDir(planDb), name)) || statSync(join(journalsDir(planDb), name)).size === 0) return;
        current!.child.kill('SIGKILL');
        watcher.close();
        resolveJournal(name.slice(0, -'.jsonl'.length));
      });
    });
    planRunId = await journalAppeared;
    await current.exited;
    const before = readJournalLines(planDb, planRunId);
    assert.equal(before[0]?.type, 'run_created');
    assert.ok(before.filter((l) => l.type === 'trial_created').length < 2, `the kill came after the plan was recorded:\n${before.map((l) => l.type).join('\n')}`);

    current = new CliRun(['--resume', planRunId, '--db', planDb]);
    assert.equal(await current.exited, 0, current.stderr);
    const store = await Store.open(planDb);
    try {
      assert.equal(store.getRun(planRunId)?.status, 'finished');
      assert.deepEqual(store.listTrials(planRunId).map((t) => t.status), ['passed', 'passed']);
      assert.deepEqual(store.getTaskSnapshots(planRunId).map((s) => s.taskId), ['crash-resume-plan']);
    } finally {
      await store.close();
    }
    assert.equal(readJournalLines(planDb, planRunId).filter((l) => l.type === 'trial_created').length, 2, 'each trial queued once');
    assert.deepEqual(await containersOfRun(planRunId), []);
  });

  it('keeps counting what a killed run spent against its run budget after the resume', async () => {
    // One simulated trial costs about $0.0015: a $0.002 budget allows two trials, then stops the run.
    const budgetDb = join(root, 'budget-store', 'results.sqlite');
    current = new CliRun([
      '--no-bundled', '--path', join(root, 'tasks'), '--tasks', TASK_IDS[0]!, '--models', 'sim/direct', '-H', 'builtin',
      '--trials', '4', '--concurrency', '1', '--budget-usd', '0.002', '--yes', '--db', budgetDb,
    ]);
    await new Promise<void>((resolveFinished) => {
      const off = current!.onEvent((event) => {
        if (event.type !== 'trial_finished') return;
        off();
        current!.child.kill('SIGKILL');
        resolveFinished();
      });
    });
    await current.exited;
    budgetRunId = current.runId!;
    const [first] = [...current.finished.values()];
    assert.ok(first && first.status === 'passed' && first.costUsd !== null && first.costUsd < 0.002, JSON.stringify(first));

    current = new CliRun(['--resume', budgetRunId, '--db', budgetDb]);
    assert.equal(await current.exited, 0, current.stderr);
    const store = await Store.open(budgetDb);
    try {
      const trials = store.listTrials(budgetRunId).sort((a, b) => a.trialIndex - b.trialIndex);
      const described = trials.map((t) => `${t.status} $${t.costUsd} ${t.error ?? ''}`).join('\n');
      // The second trial (interrupted) runs again until it ends or meets the budget; with what the first
      // process spent counted, the run is then over budget and the last two never start.
      assert.equal(trials[0]?.status, 'passed', described);
      assert.ok(['passed', 'budget_exceeded'].includes(trials[1]?.status ?? ''), described);
      for (const t of trials.slice(2)) {
        assert.equal(t.status, 'cancelled', described);
        assert.match(t.error ?? '', /not started: the run budget/);
      }
      // One call at a time: the spend ends at most one call above the budget.
      const calls = trials.flatMap((t) => store.listLlmCalls(t.id));
      const total = calls.reduce((sum, c) => sum + (c.costUsd ?? 0), 0);
      assert.ok(total <= 0.002 + Math.max(...calls.map((c) => c.costUsd ?? 0)), `spent $${total}\n${described}`);
    } finally {
      await store.close();
    }
  });
});
