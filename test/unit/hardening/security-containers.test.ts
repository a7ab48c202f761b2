/**
 * Which trial containers get which network: every harness, the oracle and nop get the task's own
 * network (internet by default, none where the task says so); no harness gets the host's network
 * unless the run opts in (`network: host`). Harnesses whose agent runs in the container and calls
 * the model (kilo, command presets) reach the metering proxy through the run's model channel (the
 * gateway of a per-run Docker network), never the host's loopback. The live containers are
 * inspected in test/integration/hardening/security-canary.test.ts and
 * test/integration/harness/network-policy.test.ts.
 */
import assert from 'node:assert/strict';
import { getHarness, harnessNames } from '../../../src/core/harness/registry';
import { CONTAINER_CAPABILITIES } from '../../../src/core/runtime/docker/docker-runtime';
import { openModelChannel, runNetworkName } from '../../../src/core/run/model-channel';
import { forcedOfflineWarning, networkAccess } from '../../../src/core/run/task-network';
import type { ContainerRuntime, NetworkInfo, NetworkSpec } from '../../../src/core/runtime/container-runtime';
import type { Task } from '../../../src/core/tasks/task';

function task(id: string, networkMode?: 'public' | 'no-network'): Task {
  return { id, environment: { ...(networkMode ? { networkMode } : {}) } } as unknown as Task;
}

/** Only the network calls matter to the channel. */
function fakeRuntime(): { runtime: ContainerRuntime; created: NetworkSpec[]; removed: string[] } {
  const created: NetworkSpec[] = [];
  const removed: string[] = [];
  const runtime = {
    inspectNetwork: async () => undefined,
    createNetwork: async (spec: NetworkSpec): Promise<NetworkInfo> => {
      created.push(spec);
      return { id: `id-${spec.name}`, name: spec.name, gateway: spec.internal ? '10.9.1.1' : '10.9.0.1', internal: spec.internal, labels: spec.labels, containers: 0 };
    },
    removeNetwork: async (id: string) => { removed.push(id); },
  } as unknown as ContainerRuntime;
  return { runtime, created, removed };
}

describe('security: trial container confinement (declarations)', () => {
  it('only harnesses whose agent runs in the container call the model from there; none asks for a network of its own', () => {
    const names = harnessNames();
    assert.ok(names.length >= 5);
    for (const name of names) {
      const harness = getHarness(name);
      const inside = name === 'kilo' || name.startsWith('command:');
      assert.equal(harness.modelInContainer, inside, name);
      assert.equal('network' in harness, false, `${name} must not choose its container's network`);
      if (!inside) assert.ok(['builtin', 'oracle', 'nop'].includes(name), `a new harness ${name}: decide whether it calls the model from the container`);
    }
  });

  it('the task decides the network: internet by default, none when declared or forced, with a warning for forced tasks', () => {
    assert.equal(networkAccess(task('a')), 'internet');
    assert.equal(networkAccess(task('b', 'public')), 'internet');
    assert.equal(networkAccess(task('c', 'no-network')), 'none');
    assert.equal(networkAccess(task('a'), 'none'), 'none');
    assert.equal(forcedOfflineWarning([task('a'), task('c', 'no-network')], 'task'), undefined);
    assert.match(forcedOfflineWarning([task('a'), task('c', 'no-network')], 'none') ?? '', /^network forced to none: a do not declare no-network/);
  });

  it('the model channel: per-run networks (internal for tasks without network), the proxy on their gateways, host only on request', async () => {
    const { runtime, created, removed } = fakeRuntime();
    const listened: string[] = [];
    const meter = { url: 'http://127.0.0.1:4000', listenOn: async (address: string) => { listened.push(address); return { url: `http://${address}:5000`, close: async () => undefined }; } };
    const channel = openModelChannel({ runtime, meter, runId: 'run-x' });
    assert.deepEqual(await channel.trialNetworks('none', false), { agent: 'none', verifier: 'none' });
    assert.deepEqual(await channel.trialNetworks('internet', false), { agent: { name: 'kilobench-run-x' }, verifier: { name: 'kilobench-run-x' } });
    assert.deepEqual(await channel.trialNetworks('internet', true), { agent: { name: 'kilobench-run-x' }, verifier: { name: 'kilobench-run-x' }, proxyOrigin: 'http://10.9.0.1:5000' });
    assert.deepEqual(await channel.trialNetworks('none', true), { agent: { name: 'kilobench-run-x-offline' }, verifier: 'none', proxyOrigin: 'http://10.9.1.1:5000' });
    await channel.trialNetworks('none', true);
    assert.deepEqual(created.map((c) => [c.name, c.internal, c.labels['kilobench.run']]), [['kilobench-run-x', false, 'run-x'], ['kilobench-run-x-offline', true, 'run-x']]);
    assert.deepEqual(listened, ['10.9.0.1', '10.9.1.1'], 'one listener per gateway, never 127.0.0.1 or 0.0.0.0');
    await channel.close();
    assert.deepEqual(removed.sort(), ['id-kilobench-run-x', 'id-kilobench-run-x-offline']);
    assert.equal(runNetworkName('run-x', true), 'kilobench-run-x-offline');

    const host = openModelChannel({ runtime, meter, runId: 'run-y', setting: 'host' });
    assert.deepEqual(await host.trialNetworks('internet', true), { agent: 'host', verifier: 'host', proxyOrigin: 'http://127.0.0.1:4000' });
  });

  it('the capability set is Docker\'s default minus the ones no task needs', () => {
    for (const dangerous of ['SYS_ADMIN', 'NET_ADMIN', 'NET_RAW', 'MKNOD', 'SYS_PTRACE', 'SYS_MODULE', 'DAC_READ_SEARCH', 'SYS_CHROOT', 'SETFCAP', 'AUDIT_WRITE']) {
      assert.ok(!(CONTAINER_CAPABILITIES as readonly string[]).includes(dangerous), dangerous);
    }
    // What package managers, chown, su and services on low ports need stays.
    for (const needed of ['CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'SETUID', 'SETGID', 'KILL', 'NET_BIND_SERVICE']) {
      assert.ok((CONTAINER_CAPABILITIES as readonly string[]).includes(needed), needed);
    }
  });
});
