/**
 * Broken results databases and journals (issue 8, item 3): a truncated, empty, random or newer
 * database; torn, garbage, unknown and impossible journal lines. For each: what is recovered, and
 * what the user is told — in the core (`store.warnings`) and through the real CLI
 * (`kilobench runs`: the warning on stderr, the recovered run listed, no stack trace).
 */
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Store, StoreError, type StoreWarning } from '../../../src/core/store';
import { CLI, kilobench } from '../../helpers/cli';
import { llmCall, runCreated, tempStoreDir, trialCreated, trialPassed, writeNewerDatabase } from '../store/helpers';

const CALLS = 5;
const journalOf = (dir: string, runId = 'run-1'): string => join(dir, 'results.journals', `${runId}.jsonl`);

/** A finished run: 1 trial, CALLS calls, passed; saved and closed. */
async function sampleRun(dbPath: string): Promise<void> {
  const store = await Store.open(dbPath);
  store.append(runCreated('run-1'));
  store.append(trialCreated('run-1', 'trial-1'));
  for (let i = 0; i < CALLS; i++) store.append(llmCall('run-1', 'trial-1', i));
  store.append(trialPassed('run-1', 'trial-1'));
  await store.close();
}

/** Opens the store, returns its warnings and what it holds of run-1, and closes it. */
async function reopen(dbPath: string): Promise<{ warnings: StoreWarning[]; calls: number; status: string | undefined; spend: number }> {
  const store = await Store.open(dbPath);
  try {
    const calls = store.listLlmCalls('trial-1');
    return {
      warnings: [...store.warnings],
      calls: calls.length,
      status: store.getTrial('trial-1')?.status,
      spend: calls.reduce((sum, c) => sum + (c.costUsd ?? 0), 0),
    };
  } finally {
    await store.close();
  }
}

interface Case {
  name: string;
  damage: (dir: string, dbPath: string) => void | Promise<void>;
  /** Expected after reopening: warnings (codes, with a message pattern) and the calls recovered. */
  warns: { code: StoreWarning['code']; message: RegExp }[];
  calls: number;
}

const journalLine = (seq: number, event: object): string => `${JSON.stringify({ ...event, seq })}\n`;
/** The journal holds CALLS + 3 lines (run, trial, calls, result): the next is line and seq CALLS + 4. */
const NEXT_SEQ = CALLS + 4;

const CASES: Case[] = [
  {
    name: 'a truncated database: moved aside, rebuilt from the journal',
    damage: (_dir, db) => truncateSync(db, Math.floor(readFileSync(db).length / 3)),
    warns: [{ code: 'corrupt_database', message: /could not be read .*moved to .*\.corrupt-.* rebuilt from the run journals/ }],
    calls: CALLS,
  },
  {
    name: 'a zero-byte database: rebuilt from the journal, and the user is told',
    damage: (_dir, db) => writeFileSync(db, ''),
    warns: [{ code: 'corrupt_database', message: /was empty \(0 bytes\).*rebuilt from the run journals/ }],
    calls: CALLS,
  },
  {
    name: 'random bytes as the database: moved aside, rebuilt',
    damage: (_dir, db) => writeFileSync(db, randomBytes(64 * 1024)),
    warns: [{ code: 'corrupt_database', message: /moved to .*\.corrupt-/ }],
    calls: CALLS,
  },
  {
    name: 'an SQLite header followed by garbage: moved aside, rebuilt',
    damage: (_dir, db) => {
      const bytes = readFileSync(db);
      randomBytes(bytes.length - 100).copy(bytes, 100);
      writeFileSync(db, bytes);
    },
    warns: [{ code: 'corrupt_database', message: /moved to .*\.corrupt-/ }],
    calls: CALLS,
  },
  {
    name: 'a torn last journal line (with the database gone): ignored, reported, the rest rebuilt',
    damage: (dir, db) => {
      rmSync(db);
      appendFileSync(journalOf(dir), journalLine(NEXT_SEQ, llmCall('run-1', 'trial-1', 99)).slice(0, 40));
    },
    warns: [{ code: 'torn_line', message: /results\.journals\/run-1\.jsonl:9: ignored an incomplete last line \(40 bytes/ }],
    calls: CALLS,
  },
  {
    name: 'a garbage line in the middle of the journal: skipped with its line number, the rest applied',
    damage: (dir, db) => {
      rmSync(db);
      const lines = readFileSync(journalOf(dir), 'utf8').split('\n');
      lines.splice(3, 0, '\u0000\u00ff garbage {{{ not json');
      writeFileSync(journalOf(dir), lines.join('\n'));
    },
    warns: [{ code: 'malformed_line', message: /run-1\.jsonl:4: skipped a malformed journal line: not valid JSON/ }],
    calls: CALLS,
  },
  {
    name: 'valid JSON with an unknown event type: skipped and named',
    damage: (dir) => appendFileSync(journalOf(dir), journalLine(NEXT_SEQ, { type: 'trial_teleported', runId: 'run-1', trialId: 'trial-1' })),
    warns: [{ code: 'malformed_line', message: /run-1\.jsonl:9: skipped a malformed journal line: .*type.*"trial_teleported"/ }],
    calls: CALLS,
  },
  {
    name: 'a call with a negative cost in the journal: refused, never summed',
    damage: (dir) => {
      const bad = llmCall('run-1', 'trial-1', 50);
      (bad.call as { costUsd: number }).costUsd = -1000;
      appendFileSync(journalOf(dir), journalLine(NEXT_SEQ, bad));
    },
    warns: [{ code: 'malformed_line', message: /costUsd/ }],
    calls: CALLS,
  },
  {
    name: 'a call with an absurd cost (1e15 dollars) in the journal: refused, never summed',
    damage: (dir) => {
      const bad = llmCall('run-1', 'trial-1', 51);
      (bad.call as { costUsd: number }).costUsd = 1e15;
      appendFileSync(journalOf(dir), journalLine(NEXT_SEQ, bad));
    },
    warns: [{ code: 'malformed_line', message: /costUsd: expected at most 10000000, got number 1000000000000000/ }],
    calls: CALLS,
  },
  {
    name: 'a call with an absurd token count in the journal: refused',
    damage: (dir) => {
      const bad = llmCall('run-1', 'trial-1', 52);
      (bad.call.usage as { input: number }).input = 1e15;
      appendFileSync(journalOf(dir), journalLine(NEXT_SEQ, bad));
    },
    warns: [{ code: 'malformed_line', message: /usage\.input: expected at most 1000000000/ }],
    calls: CALLS,
  },
  {
    name: 'a journal line naming a trial that does not exist: skipped',
    damage: (dir) => appendFileSync(journalOf(dir), journalLine(NEXT_SEQ, llmCall('run-1', 'ghost-trial', 1))),
    warns: [{ code: 'unknown_reference', message: /ghost-trial/ }],
    calls: CALLS,
  },
  {
    name: 'a journal of binary garbage beside a good one: every line reported, the good run intact',
    damage: (dir) => writeFileSync(join(dir, 'results.journals', 'run-2.jsonl'), Buffer.concat([randomBytes(300).map((b) => (b === 10 ? 11 : b)), Buffer.from('\n')])),
    warns: [{ code: 'malformed_line', message: /run-2\.jsonl:1: skipped a malformed journal line/ }],
    calls: CALLS,
  },
];

describe('hostile databases and journals: what is recovered, what the user is told', function () {
  this.timeout(60_000);
  let tmp: ReturnType<typeof tempStoreDir>;
  beforeEach(() => {
    tmp = tempStoreDir();
  });
  afterEach(() => tmp.cleanup());

  CASES.forEach((c) => {
    it(c.name, async () => {
      await sampleRun(tmp.dbPath);
      await c.damage(tmp.dir, tmp.dbPath);
      const after = await reopen(tmp.dbPath);
      for (const expected of c.warns) {
        const warning = after.warnings.find((w) => w.code === expected.code && expected.message.test(w.message));
        assert.ok(warning, `a ${expected.code} warning matching ${expected.message}; got: ${JSON.stringify(after.warnings.map((w) => w.message))}`);
        assert.ok(!warning.message.includes('\n'), 'one line');
      }
      assert.equal(after.calls, c.calls, 'every good call recovered, no bad one added');
      assert.equal(after.status, 'passed');
      assert.ok(Math.abs(after.spend - CALLS * 0.0012) < 1e-9, `spend is the good calls' only: ${after.spend}`);
      // Recovered for good: a second open has nothing more to say about the database itself.
      const again = await reopen(tmp.dbPath);
      assert.deepEqual(again.warnings.filter((w) => w.code === 'corrupt_database' || w.code === 'torn_line'), []);
      assert.equal(again.calls, c.calls);
    });
  });

  // A database from a newer schema version: test/unit/store/schema.test.ts.

  it('a database path that is a folder: a clear error naming it', async () => {
    mkdirSync(tmp.dbPath);
    await assert.rejects(Store.open(tmp.dbPath), (e: unknown) => {
      assert.ok(e instanceof StoreError, String(e));
      assert.match(e.message, /results\.sqlite is a folder, not a database file/);
      return true;
    });
  });

  it('a journals path that is a file: a clear error naming it', async () => {
    writeFileSync(join(tmp.dir, 'results.journals'), 'not a folder');
    await assert.rejects(Store.open(tmp.dbPath), (e: unknown) => {
      assert.ok(e instanceof StoreError, String(e));
      assert.match(e.message, /results\.journals is not a folder/);
      return true;
    });
  });

  it('a lock file of garbage: not trusted as a live holder', async () => {
    await sampleRun(tmp.dbPath);
    writeFileSync(`${tmp.dbPath}.lock`, randomBytes(200));
    const after = await reopen(tmp.dbPath).catch((e: Error) => e);
    if (after instanceof Error) {
      // Refusing is acceptable only with a message that says which file to look at.
      assert.match(after.message, /results\.sqlite\.lock/);
    } else {
      assert.equal(after.calls, CALLS);
    }
  });
});

describe('hostile databases through the real CLI', function () {
  this.timeout(120_000);
  let tmp: ReturnType<typeof tempStoreDir>;
  before(() => {
    if (!existsSync(CLI)) throw new Error(`build the CLI first (npm run build): ${CLI} is missing`);
  });
  beforeEach(() => {
    tmp = tempStoreDir();
  });
  afterEach(() => tmp.cleanup());

  const runs = () => kilobench(['runs', '--db', tmp.dbPath, '--json'], { cwd: tmp.dir, env: { KILOBENCH_DEBUG: '' } });

  it('random bytes as the database: the user is told it was moved aside, and the run is listed', async () => {
    await sampleRun(tmp.dbPath);
    writeFileSync(tmp.dbPath, randomBytes(4096));
    const result = runs();
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /^kilobench: store: .*results\.sqlite could not be read .* moved to .*\.corrupt-.* rebuilt from the run journals$/m);
    const listed = JSON.parse(result.stdout) as { runs: { id: string; trials: number; passed: number; costUsd: number }[] };
    assert.deepEqual(listed.runs.map((r) => [r.id, r.trials, r.passed]), [['run-1', 1, 1]]);
    assert.equal(readdirSync(tmp.dir).filter((n) => n.includes('.corrupt-')).length, 1, 'the damaged file is kept');
  });

  it('a torn journal line: one warning line with the file and line, the run intact', async () => {
    await sampleRun(tmp.dbPath);
    rmSync(tmp.dbPath);
    appendFileSync(journalOf(tmp.dir), '{"type":"llm_call","runId":"ru');
    const result = runs();
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /^kilobench: store: .*run-1\.jsonl:9: ignored an incomplete last line/m);
    assert.equal((JSON.parse(result.stdout) as { runs: unknown[] }).runs.length, 1);
  });

  it('a database from a newer KiloBench: exit 1, one line saying to update, no stack trace', async () => {
    await writeNewerDatabase(tmp.dbPath);
    const result = runs();
    assert.equal(result.code, 1);
    const lines = result.stderr.trim().split('\n');
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0]!, /^kilobench: .*newer KiloBench.*Update KiloBench/);
    assert.doesNotMatch(result.stderr, /\n\s+at /);
  });

  it('a database path that is a folder: exit non-zero, one clear line', () => {
    mkdirSync(tmp.dbPath);
    const result = runs();
    assert.notEqual(result.code, 0);
    const lines = result.stderr.trim().split('\n');
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0]!, /^kilobench: .*results\.sqlite is a folder, not a database file/);
    assert.doesNotMatch(result.stderr, /\n\s+at |EISDIR/);
  });
});
