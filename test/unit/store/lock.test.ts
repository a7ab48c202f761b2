import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { Store, StoreError } from '../../../src/core/store';
import { runCreated, tempStoreDir } from './helpers';

function lockFile(dbPath: string, pid: number, host = hostname()): void {
  writeFileSync(`${dbPath}.lock`, JSON.stringify({ pid, hostname: host, since: '2025-01-01T00:00:00.000Z' }));
}

function isLocked(pattern: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof StoreError, String(error));
    assert.equal(error.code, 'locked');
    assert.match(error.message, pattern);
    return true;
  };
}

describe('store: one process at a time', () => {
  let tmp: ReturnType<typeof tempStoreDir>;
  beforeEach(() => { tmp = tempStoreDir(); });
  afterEach(() => tmp.cleanup());

  it('a second open while the store is open fails with a clear error, and works after close', async () => {
    const first = await Store.open(tmp.dbPath);
    await assert.rejects(Store.open(tmp.dbPath), isLocked(/already open in this process/));
    first.append(runCreated('run-1')); // the failed open did not disturb the holder
    await first.close();
    assert.equal(existsSync(`${tmp.dbPath}.lock`), false, 'close releases the lock');
    const second = await Store.open(tmp.dbPath);
    assert.equal(second.getRun('run-1')?.id, 'run-1');
    await second.close();
  });

  it('a store held by another running process is refused, naming that process', async () => {
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    try {
      const pid = holder.pid as number;
      lockFile(tmp.dbPath, pid);
      await assert.rejects(Store.open(tmp.dbPath), isLocked(new RegExp(`in use by another KiloBench process \\(pid ${pid}`)));
      assert.equal(JSON.parse(readFileSync(`${tmp.dbPath}.lock`, 'utf8')).pid, pid, 'the holder keeps its lock');
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it('a stale lock left by a dead process is taken over and reported', async () => {
    const gone = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
    await new Promise((done) => gone.on('exit', done));
    lockFile(tmp.dbPath, gone.pid as number);
    const store = await Store.open(tmp.dbPath);
    try {
      assert.deepEqual(store.warnings.map((w) => w.code), ['stale_lock']);
      assert.match(store.warnings[0]?.message ?? '', new RegExp(`left by process ${gone.pid}`));
      assert.equal(JSON.parse(readFileSync(`${tmp.dbPath}.lock`, 'utf8')).pid, process.pid);
    } finally {
      await store.close();
    }
  });

  it('a lock from another host is not guessed at: the error says how to clear it', async () => {
    lockFile(tmp.dbPath, 4242, 'build-server-7');
    await assert.rejects(Store.open(tmp.dbPath), isLocked(/process 4242 on host build-server-7 .* delete .*results\.sqlite\.lock/));
  });
});
