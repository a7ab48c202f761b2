import assert from 'node:assert/strict';
import { EnginePlacement, type PoolEngine } from '../../../src/core/run/engine-placement';
import { parseEnginesConfig, parseEnginesFile, enginesFromHosts } from '../../../src/core/runtime/engines-config';

function engine(name: string, capacity: number, extra: Partial<PoolEngine> = {}): PoolEngine & { up: boolean } {
  const e: PoolEngine & { up: boolean } = {
    name, capacity, labels: {}, up: true,
    runtime: {} as PoolEngine['runtime'], channel: {} as PoolEngine['channel'],
    alive: async (): Promise<boolean> => e.up,
    ...extra,
  };
  return e;
}

describe('engine placement', () => {
  it('fills free slots, the engine with most free first, and never beyond capacity', async () => {
    const a = engine('a', 2);
    const b = engine('b', 1);
    const p = new EnginePlacement([a, b]);
    const need = { cpus: 1, memoryMb: 512 };
    const got = [await p.acquire(need), await p.acquire(need), await p.acquire(need)];
    assert.deepEqual(got.map((e) => e?.name).sort(), ['a', 'a', 'b']);
    const fourth: { engine?: PoolEngine } = {};
    void p.acquire(need).then((e) => { fourth.engine = e; });
    await new Promise((r) => setTimeout(r, 10));
    assert.equal(fourth.engine, undefined, 'a fourth trial waits');
    p.release(b);
    await new Promise((r) => setTimeout(r, 10));
    assert.equal((fourth as { engine?: PoolEngine }).engine?.name, 'b');
    p.stop();
  });

  it('lets a big run’s trials wait on one cancel signal without a listener-leak warning, and cancels them all', async () => {
    const p = new EnginePlacement([engine('a', 1)]);
    const cancel = new AbortController();
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      await p.acquire({ cpus: 1, memoryMb: 1 }, cancel.signal);
      const waiting = Array.from({ length: 50 }, () => p.acquire({ cpus: 1, memoryMb: 1 }, cancel.signal));
      cancel.abort();
      assert.deepEqual(await Promise.all(waiting), Array(50).fill(undefined), 'every waiting trial is let go on cancel');
      await new Promise((r) => setImmediate(r));
      assert.deepEqual(warnings, []);
    } finally {
      process.off('warning', onWarning);
      p.stop();
    }
  });

  it('never places a task on an engine too small for it, and refuses one no engine can hold', async () => {
    const small = engine('small', 4, { cpus: 1, memoryMb: 1024 });
    const big = engine('big', 1, { cpus: 4, memoryMb: 8192 });
    const p = new EnginePlacement([small, big]);
    assert.equal((await p.acquire({ cpus: 2, memoryMb: 512 }))?.name, 'big');
    await assert.rejects(p.acquire({ cpus: 8, memoryMb: 512 }), /no engine of the run can hold this task \(8 cpus/);
    p.stop();
  });

  it('takes a lost engine out, says so, pauses when all are lost, and lets it rejoin when it answers', async () => {
    const a = engine('a', 1);
    const said: string[] = [];
    const p = new EnginePlacement([a], { lost: (e) => said.push(`lost ${e.name}`), paused: () => said.push('paused'), rejoined: (e) => said.push(`rejoined ${e.name}`) }, { first: 20, max: 40 });
    const first = await p.acquire({ cpus: 1, memoryMb: 1 });
    a.up = false;
    assert.equal(await p.checkLost(first as PoolEngine, 'gone'), true);
    p.release(first as PoolEngine);
    const waiting = p.acquire({ cpus: 1, memoryMb: 1 });
    await new Promise((r) => setTimeout(r, 60));
    assert.deepEqual(said, ['lost a', 'paused']);
    a.up = true;
    assert.equal((await waiting)?.name, 'a');
    assert.deepEqual(said, ['lost a', 'paused', 'rejoined a']);
    p.stop();
  });
});

describe('engines file', () => {
  it('reads hosts, capacities, labels and credentials, with defaults per scheme', () => {
    const [local, ssh] = parseEnginesFile('engines:\n  - host: unix:///var/run/docker.sock\n    capacity: 3\n  - host: ssh://bench@vm1:2222\n    labels: [gpu, arch=arm64]\n', 'e.yaml');
    assert.deepEqual(local, { name: 'local', host: 'unix:///var/run/docker.sock', labels: {}, modelRoute: 'gateway', files: 'bind', capacity: 3 });
    assert.equal(ssh?.name, 'bench@vm1:2222');
    assert.deepEqual(ssh?.labels, { gpu: 'true', arch: 'arm64' });
    assert.equal(ssh?.modelRoute, 'ssh-forward');
    assert.equal(ssh?.files, 'copy');
  });

  it('takes the relay route for tcp:// engines elsewhere, the gateway for loopback ones, and any route the file names', () => {
    const [far, near, forced] = parseEnginesFile('engines:\n  - host: tcp://build.example:2376\n  - host: tcp://127.0.0.1:2375\n  - host: tcp://127.0.0.1:2376\n    modelRoute: relay\n', 'e.yaml');
    assert.equal(far?.modelRoute, 'relay');
    assert.equal(near?.modelRoute, 'gateway');
    assert.equal(forced?.modelRoute, 'relay');
    assert.equal(far?.files, 'copy');
  });

  it('reads the registry the engines share images through, and refuses what is not HOST:PORT', () => {
    assert.equal(parseEnginesConfig('engines:\n  - host: tcp://a:2375\nregistry: 127.0.0.1:5000\n', 'e.yaml').registry, '127.0.0.1:5000');
    assert.equal(parseEnginesConfig('engines:\n  - host: tcp://a:2375\n', 'e.yaml').registry, undefined);
    assert.throws(() => parseEnginesConfig('engines:\n  - host: tcp://a:2375\nregistry: http://r:5000/x\n', 'e.yaml'), /e\.yaml: registry: "http:\/\/r:5000\/x" is not a registry address; write HOST:PORT/);
    assert.throws(() => parseEnginesConfig('engines:\n  - host: tcp://a:2375\nregistries: r:5000\n', 'e.yaml'), /e\.yaml: registries: unknown key \(known: engines, registry\)/);
  });

  it('names the file, the entry and the field of each mistake', () => {
    assert.throws(() => parseEnginesFile('engines:\n  - host: tcp://a:2375\n    capacity: 0\n', 'e.yaml'), /^Error: e\.yaml: engines\[0\]\.capacity: 0 is not a whole number above 0$|e\.yaml: engines\[0\]\.capacity: 0 is not a whole number above 0/);
    assert.throws(() => parseEnginesFile('engines:\n  - host: ssh://vm1\n', 'e.yaml'), /e\.yaml: engines\[0\]\.host: "ssh:\/\/vm1" names no user/);
    assert.throws(() => parseEnginesFile('engines:\n  - host: ftp://x\n', 'e.yaml'), /engines\[0\]\.host: unsupported scheme ftp:/);
    assert.throws(() => parseEnginesFile('engines:\n  - host: unix:///a\n    sshKey: k\n', 'e.yaml'), /engines\[0\]\.sshKey: only an ssh:\/\/ engine/);
    assert.throws(() => parseEnginesFile('engines:\n  - host: unix:///a\n    colour: red\n', 'e.yaml'), /engines\[0\]\.colour: unknown field/);
    assert.throws(() => parseEnginesFile('engines: []\n', 'e.yaml'), /e\.yaml: write a list "engines:"/);
    assert.throws(() => enginesFromHosts(['tcp://a:1', 'tcp://a:1']), /engine #2 has the name "a:1"/);
  });
});
