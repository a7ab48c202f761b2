import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Store } from '../../../src/core/store';
import { writeFileAtomic } from '../../../src/core/store/atomic-file';
import { journalLines, llmCall, queryFile, runCreated, tempStoreDir, transcript, trialCreated, trialPassed, waitFor } from './helpers';

/** A database file is whole when its size is what its own header says (page size × page count). */
function isWholeDatabase(bytes: Buffer): boolean {
  if (bytes.length < 100 || bytes.toString('latin1', 0, 15) !== 'SQLite format 3') return false;
  const pageSize = bytes.readUInt16BE(16) === 1 ? 65536 : bytes.readUInt16BE(16);
  return bytes.length === pageSize * bytes.readUInt32BE(28);
}

async function storeWithEvents(dbPath: string, calls: number): Promise<void> {
  const store = await Store.open(dbPath);
  store.append(runCreated('run-1'));
  store.append(trialCreated('run-1', 'trial-1'));
  for (let i = 0; i < calls; i++) store.append(i % 3 ? llmCall('run-1', 'trial-1', i, 200) : transcript('run-1', 'trial-1', i));
  store.append(trialPassed('run-1', 'trial-1'));
  await store.close();
}

describe('store: atomic saves and a corrupt database', () => {
  let tmp: ReturnType<typeof tempStoreDir>;
  beforeEach(() => { tmp = tempStoreDir(); });
  afterEach(() => tmp.cleanup());

  it('a reader never sees a partly written database file while saves are running', async () => {
    const store = await Store.open(tmp.dbPath, { saveDelayMs: 0 });
    store.append(runCreated('run-1'));
    store.append(trialCreated('run-1', 'trial-1'));
    let reads = 0;
    let stop = false;
    const reader = (async () => {
      while (!stop) {
        const bytes = readFileSync(tmp.dbPath);
        assert.ok(isWholeDatabase(bytes), `read ${reads}: ${bytes.length} bytes is not a whole database`);
        reads += 1;
        await new Promise((r) => setImmediate(r));
      }
    })();
    for (let i = 0; i < 600; i++) {
      store.append(llmCall('run-1', 'trial-1', i, 1000));
      if (i % 50 === 0) await store.flush();
      else await new Promise((r) => setImmediate(r));
    }
    await store.close();
    stop = true;
    await reader;
    assert.ok(reads > 50, `the reader checked the file ${reads} times`);
    assert.deepEqual(await queryFile(tmp.dbPath, 'SELECT count(*) FROM llm_calls'), [[600]]);
  });

  it('a save that fails leaves the previous file in place and no temporary file', async () => {
    const target = join(tmp.dir, 'target.bin');
    writeFileSync(target, 'previous');
    await writeFileAtomic(target, Buffer.from('next'));
    assert.equal(readFileSync(target, 'utf8'), 'next');
    // Renaming a file over a non-empty folder fails: the save must fail cleanly.
    const blocked = join(tmp.dir, 'blocked');
    mkdirSync(join(blocked, 'inside'), { recursive: true });
    await assert.rejects(writeFileAtomic(blocked, Buffer.from('data')));
    assert.ok(existsSync(join(blocked, 'inside')), 'what was at the target is untouched');
    assert.deepEqual(readdirSync(tmp.dir).filter((n) => n.includes('.tmp-')), []);
  });

  it('saves wait for the debounce delay, but the end of a trial is saved at once', async () => {
    const store = await Store.open(tmp.dbPath, { saveDelayMs: 150 });
    try {
      store.append(runCreated('run-1'));
      store.append(trialCreated('run-1', 'trial-1'));
      assert.deepEqual(await queryFile(tmp.dbPath, 'SELECT count(*) FROM trials'), [[0]], 'not saved right away');
      await waitFor(async () => (await queryFile(tmp.dbPath, 'SELECT count(*) FROM trials'))[0]?.[0] === 1, 2000);
    } finally {
      await store.close();
    }
    const slow = await Store.open(tmp.dbPath, { saveDelayMs: 60_000 });
    try {
      slow.append(trialPassed('run-1', 'trial-1'));
      await waitFor(async () => (await queryFile(tmp.dbPath, 'SELECT status FROM trials'))[0]?.[0] === 'passed', 2000);
    } finally {
      await slow.close();
    }
  });

  it('a steady stream of events is still saved every maxSaveDelayMs', async () => {
    const store = await Store.open(tmp.dbPath, { saveDelayMs: 200, maxSaveDelayMs: 300 });
    try {
      store.append(runCreated('run-1'));
      store.append(trialCreated('run-1', 'trial-1'));
      let saved = false;
      for (let i = 0; i < 40 && !saved; i++) {
        store.append(llmCall('run-1', 'trial-1', i)); // every 50 ms: the 200 ms debounce alone would never fire
        await new Promise((r) => setTimeout(r, 50));
        saved = (await queryFile(tmp.dbPath, 'SELECT count(*) FROM trials'))[0]?.[0] === 1;
      }
      assert.ok(saved, 'saved while events kept coming');
    } finally {
      await store.close();
    }
  });

  for (const [damage, harm] of [
    ['garbage', (path: string) => writeFileSync(path, Buffer.from('this is not a database at all, just words'.repeat(100)))],
    ['truncated', (path: string) => truncateSync(path, Math.floor(readFileSync(path).length / 2))],
  ] as const) {
    it(`a ${damage} database file is moved aside with its bytes and rebuilt from the journals`, async () => {
      await storeWithEvents(tmp.dbPath, 300);
      harm(tmp.dbPath);
      const damaged = readFileSync(tmp.dbPath);

      const store = await Store.open(tmp.dbPath);
      try {
        const corrupt = readdirSync(tmp.dir).filter((n) => n.startsWith('results.sqlite.corrupt-'));
        assert.equal(corrupt.length, 1, 'the damaged file is kept beside the database');
        assert.deepEqual(readFileSync(join(tmp.dir, corrupt[0] as string)), damaged, 'with its original bytes');
        assert.deepEqual(store.warnings.map((w) => w.code), ['corrupt_database']);
        assert.match(store.warnings[0]?.message ?? '', /could not be read .* moved to .*\.corrupt-.* rebuilt from the run journals/);

        const lines = journalLines(tmp.dir, 'run-1');
        assert.equal(store.listLlmCalls('trial-1').length, lines.filter((l) => l.type === 'llm_call').length);
        assert.equal(store.listTranscript('trial-1').length, lines.filter((l) => l.type === 'transcript_event').length);
        assert.equal(store.getTrial('trial-1')?.status, 'passed');
      } finally {
        await store.close();
      }
      assert.ok(isWholeDatabase(readFileSync(tmp.dbPath)), 'a good database is saved in its place');
    });
  }

  it('temporary files left by a crash mid-save are removed, never read as the database', async () => {
    await storeWithEvents(tmp.dbPath, 20);
    const leftover = join(tmp.dir, 'results.sqlite.tmp-99999-deadbeef');
    writeFileSync(leftover, readFileSync(tmp.dbPath).subarray(0, 4096)); // a half-written save
    const store = await Store.open(tmp.dbPath);
    try {
      assert.deepEqual(store.warnings.map((w) => w.code), ['temp_removed']);
      assert.equal(existsSync(leftover), false);
      assert.equal(store.listLlmCalls('trial-1').length, 13);
    } finally {
      await store.close();
    }
  });
});
