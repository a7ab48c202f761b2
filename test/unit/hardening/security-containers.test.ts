/**
 * Which trial containers get a network: only harnesses that run an agent inside the container and
 * so must reach the metering proxy on loopback (kilo, command presets) get the host network; the
 * others (built-in agent beside the container, oracle, nop) get none. The live containers are
 * inspected in test/integration/hardening/security-canary.test.ts.
 */
import assert from 'node:assert/strict';
import { getHarness, harnessNames } from '../../../src/core/harness/registry';
import { CONTAINER_CAPABILITIES } from '../../../src/core/runtime/docker/docker-runtime';

describe('security: trial container confinement (declarations)', () => {
  it('only harnesses whose agent runs in the container and needs the proxy get a network', () => {
    const names = harnessNames();
    assert.ok(names.length >= 5);
    for (const name of names) {
      const harness = getHarness(name);
      const inside = name === 'kilo' || name.startsWith('command:');
      assert.equal(harness.network, inside ? 'host' : 'none', name);
      if (!inside) assert.ok(['builtin', 'oracle', 'nop'].includes(name), `a new harness ${name}: decide its network here`);
    }
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
