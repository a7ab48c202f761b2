import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { pruneContainers } from '../../../src/core/runtime/reaper';
import type { ContainerInfo, ContainerRuntime } from '../../../src/core/runtime/container-runtime';

/** Only listLabelled and remove matter to the reaper; the rest is never called. */
function fakeRuntime(containers: ContainerInfo[]): { runtime: ContainerRuntime; removed: string[] } {
  const removed: string[] = [];
  const unused = () => Promise.reject(new Error('not used by the reaper'));
  const runtime: ContainerRuntime = {
    ping: unused, ensureImage: unused, startContainer: unused, exec: unused, copyDirIn: unused, copyFilesIn: unused, readFile: unused,
    listLabelled: async () => containers,
    createNetwork: unused, inspectNetwork: unused, removeNetwork: unused, listLabelledNetworks: async () => [], disconnectNetwork: unused,
    remove: async (id) => { removed.push(id); },
  };
  return { runtime, removed };
}

const DEAD_PID = 2 ** 22 + 12345; // above Linux's pid_max default range: never a live process
const labels = (run: string, owner: string) => ({ 'kilobench.run': run, 'kilobench.trial': `${run}-t`, 'kilobench.owner': owner });

describe('container reaper', () => {
  it('removes containers of dead owners and keeps live, active and foreign ones', async () => {
    const { runtime, removed } = fakeRuntime([
      { id: 'orphan', state: 'running', labels: labels('r1', `${hostname()}:${DEAD_PID}`) },
      { id: 'mine-active', state: 'running', labels: labels('r2', `${hostname()}:${process.pid}`) },
      { id: 'mine-finished', state: 'running', labels: labels('r3', `${hostname()}:${process.pid}`) },
      { id: 'live-other', state: 'running', labels: labels('r4', `${hostname()}:${process.ppid}`) },
      { id: 'foreign', state: 'running', labels: labels('r5', 'another-host:1') },
      { id: 'unowned', state: 'exited', labels: { 'kilobench.run': 'r6' } },
    ]);
    const result = await pruneContainers(runtime, { activeRuns: ['r2'] });
    assert.deepEqual(removed.sort(), ['mine-finished', 'orphan', 'unowned']);
    assert.deepEqual(result.kept.map((k) => [k.id, k.reason]), [
      ['mine-active', 'its run is active in this process'],
      ['live-other', `its owner (pid ${process.ppid}) is still running`],
      ['foreign', 'owned by a process on another host (another-host)'],
    ]);
  });

  it('removes everything labelled with `all`', async () => {
    const { runtime, removed } = fakeRuntime([{ id: 'a', state: 'running', labels: labels('r', 'another-host:1') }]);
    await pruneContainers(runtime, { all: true });
    assert.deepEqual(removed, ['a']);
  });
});
