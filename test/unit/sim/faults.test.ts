import assert from 'node:assert/strict';
import { parseFaultFlags } from '../../../src/cli/commands/sim';
import { UsageError } from '../../../src/cli/errors';
import { FAULT_KINDS, startSimProvider } from '../../../src/core/providers/sim';
import { FaultQueue, type RandomFaults, type SimFault } from '../../../src/core/providers/sim/faults';

function draws(options: RandomFaults, n: number): (SimFault | undefined)[] {
  const queue = new FaultQueue();
  queue.setRandom(options);
  return Array.from({ length: n }, () => queue.next());
}

describe('sim: random faults', () => {
  it('faults about the given share of requests, reproducibly from the seed', () => {
    const a = draws({ rate: 0.2, seed: 7 }, 5000);
    assert.deepEqual(draws({ rate: 0.2, seed: 7 }, 5000), a, 'same seed, same sequence');
    assert.notDeepEqual(draws({ rate: 0.2, seed: 8 }, 5000), a, 'another seed, another sequence');
    const share = a.filter(Boolean).length / a.length;
    assert.ok(share > 0.17 && share < 0.23, `share ${share}`);
    for (const kind of FAULT_KINDS) {
      const n = a.filter((f) => f?.kind === kind).length;
      assert.ok(n > 100, `${kind} drawn ${n} times of ~1000 faults`);
    }
  });

  it('draws only the kinds asked for, with their settings, and counts each one handed out', () => {
    const queue = new FaultQueue();
    queue.setRandom({ rate: 1, kinds: ['rate_limit', 'slow_first_token'], retryAfterSeconds: 3, slowFirstTokenMs: 50 });
    const seen = Array.from({ length: 200 }, () => queue.next());
    assert.ok(seen.every((f) => (f?.kind === 'rate_limit' && f.retryAfterSeconds === 3) || (f?.kind === 'slow_first_token' && f.delayMs === 50)));
    const counts = queue.injected;
    assert.equal(counts.rate_limit + counts.slow_first_token, 200);
    assert.equal(counts.rate_limit, seen.filter((f) => f?.kind === 'rate_limit').length);
    assert.equal(counts.server_error + counts.reset + counts.cut_stream + counts.malformed_json, 0);
  });

  it('serves queued faults first, rate 0 faults nothing, and off means off', () => {
    const queue = new FaultQueue();
    queue.setRandom({ rate: 0 });
    queue.set([{ kind: 'reset' }]);
    assert.deepEqual(queue.next(), { kind: 'reset' });
    assert.ok(Array.from({ length: 500 }, () => queue.next()).every((f) => f === undefined));
    queue.setRandom({ rate: 1 });
    assert.ok(queue.next());
    queue.setRandom(undefined);
    assert.equal(queue.next(), undefined);
    assert.equal(Object.values(queue.injected).reduce((a, b) => a + b, 0), 2);
  });

  it('refuses bad settings with a clear message', () => {
    const queue = new FaultQueue();
    assert.throws(() => queue.setRandom({ rate: 1.5 }), /rate must be a number from 0 to 1/);
    assert.throws(() => queue.setRandom({ rate: Number.NaN }), /rate must be a number from 0 to 1/);
    assert.throws(() => queue.setRandom({ rate: 0.2, kinds: [] }), /at least one fault kind/);
    assert.throws(() => queue.setRandom({ rate: 0.2, kinds: ['timeout' as never] }), /unknown fault kind "timeout"/);
    assert.throws(() => queue.setRandom({ rate: 0.2, seed: 1.5 }), /seed must be an integer/);
  });

  it('the server injects them and reports what it injected', async () => {
    const sim = await startSimProvider({ randomFaults: { rate: 0.5, kinds: ['server_error', 'rate_limit'], seed: 3, retryAfterSeconds: 2 } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 40; i++) {
        const res = await fetch(`${sim.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'sim/direct', messages: [{ role: 'user', content: 'hi' }] }) });
        await res.text();
        if (res.status === 429) assert.equal(res.headers.get('retry-after'), '2');
        statuses.push(res.status);
      }
      const counts = sim.injectedFaults;
      assert.equal(counts.server_error, statuses.filter((s) => s === 500).length);
      assert.equal(counts.rate_limit, statuses.filter((s) => s === 429).length);
      assert.equal(counts.server_error + counts.rate_limit + statuses.filter((s) => s === 200).length, 40);
      assert.ok(counts.server_error > 0 && counts.rate_limit > 0, JSON.stringify(counts));
    } finally {
      await sim.close();
    }
    await assert.rejects(startSimProvider({ randomFaults: { rate: -1 } }), /rate must be a number from 0 to 1/);
  });
});

describe('sim: --fault-* flags', () => {
  it('reads rate, kinds and seed', () => {
    assert.equal(parseFaultFlags({}), undefined);
    assert.deepEqual(parseFaultFlags({ faultRate: '0.2' }), { rate: 0.2 });
    assert.deepEqual(parseFaultFlags({ faultRate: '1', faultKinds: 'reset, cut_stream', faultSeed: '42' }), { rate: 1, kinds: ['reset', 'cut_stream'], seed: 42 });
  });

  it('gives a usage error naming the flag and the problem', () => {
    const cases: [Parameters<typeof parseFaultFlags>[0], RegExp][] = [
      [{ faultRate: 'lots' }, /--fault-rate must be a number from 0 to 1, not "lots"/],
      [{ faultRate: '20' }, /--fault-rate must be a number from 0 to 1/],
      [{ faultRate: '' }, /--fault-rate must be a number/],
      [{ faultRate: '0.2', faultKinds: 'reset,slow' }, /--fault-kinds: unknown kind "slow" \(known: rate_limit, server_error/],
      [{ faultRate: '0.2', faultKinds: ' , ' }, /--fault-kinds needs at least one/],
      [{ faultRate: '0.2', faultSeed: 'x' }, /--fault-seed must be an integer, not "x"/],
      [{ faultKinds: 'reset' }, /need --fault-rate/],
      [{ faultSeed: '3' }, /need --fault-rate/],
    ];
    for (const [flags, message] of cases) {
      assert.throws(() => parseFaultFlags(flags), (e: Error) => e instanceof UsageError && message.test(e.message), JSON.stringify(flags));
    }
  });
});
