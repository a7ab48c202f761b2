/**
 * The network each task asks for, on the real engine:
 *  (a) a Harbor task whose tests/test.sh fetches its test tool over HTTP (as Terminal-Bench's install
 *      curl/uv at test time) from a server this test starts on the gateway of a Docker network it
 *      creates and hands to the run: the oracle passes, nop fails; the same task with
 *      `network_mode = "no-network"` has no route in either phase and the fetch fails.
 *  (b) the real Kilo CLI (simulated provider, which plays the task's solution) passes with no host
 *      networking, on a task with network and one without; the solution probes a service this test
 *      starts on the host's 127.0.0.1 from inside the trial container: refused.
 *  (c) the metering proxy on a run network's gateway answers 401 to a request without a trial token.
 * Traffic goes only to this test's own servers and Docker networks, by IP address.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { hostname } from 'node:os';
import type { AddressInfo } from 'node:net';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { startMeteringProxy, type MeteringProxy } from '../../../src/core/meter';
import { startSimProvider, type SimProvider } from '../../../src/core/providers/sim';
import { Store } from '../../../src/core/store';
import { loadTasks } from '../../../src/core/tasks';
import type { Task } from '../../../src/core/tasks/task';
import { builtinModels } from '../../../src/core/models/models-file';
import { DEFAULT_SETTINGS } from '../../../src/core/run/plan';
import { startRun } from '../../../src/core/run/scheduler';
import { validateTasks } from '../../../src/core/run/validate-tasks';
import { openModelChannel, runNetworkName } from '../../../src/core/run/model-channel';
import { kiloHarness, prepareKilo, type PreparedKilo } from '../../../src/core/harness/kilo';
import type { DockerRuntime } from '../../../src/core/runtime/docker/docker-runtime';
import { LABELS } from '../../../src/core/runtime/container-runtime';
import { pruneNetworks } from '../../../src/core/runtime/reaper';
import { containersOfRun, dockerRuntime, rawDocker } from '../../helpers/docker';
import { tempDir, writeFiles } from '../../helpers/task-fixtures';

const TASK_TOML = (noNetwork: boolean) => [
  'version = "1.0"', '', '[metadata]', 'difficulty = "easy"', 'category = "networking"', '',
  '[verifier]', 'timeout_sec = 60.0', '', '[agent]', 'timeout_sec = 240.0', '',
  '[environment]', 'build_timeout_sec = 120.0', 'cpus = 1', 'memory_mb = 1024',
  ...(noNetwork ? ['network_mode = "no-network"'] : []), '',
].join('\n');

/** The container's routes (interface, destination, gateway) from /proc/net/route, one line each; `none` when it has none. */
const ROUTES = `awk 'NR>1 {print $1, $2, $3; n++} END {if (!n) print "none"}' /proc/net/route`;

/** Bash's own /dev/tcp: fetch http://HOST:PORT/PATH into FILE (the base image has no curl). */
function fetchScript(host: string, port: number, path: string, file: string): string {
  return `timeout 10 bash -c 'exec 3<>/dev/tcp/${host}/${port} && printf "GET ${path} HTTP/1.0\\r\\nHost: ${host}\\r\\n\\r\\n" >&3 && sed "1,/^\\r$/d" <&3 > ${file}'`;
}

function fetchToolTask(host: string, port: number, noNetwork: boolean): Record<string, string> {
  return {
    'task.toml': TASK_TOML(noNetwork),
    'instruction.md': 'Write the word ready to /app/answer.txt.\n',
    'environment/Dockerfile': 'FROM debian:bookworm-slim\nWORKDIR /app\n',
    'solution/solve.sh': [
      '#!/bin/bash',
      'echo ready > /app/answer.txt',
      '# What the agent phase could reach, for the verifier to print.',
      `{ echo "agent routes:"; ${ROUTES}; if ${fetchScript(host, port, '/check.sh', '/tmp/agent-check.sh')}; then echo "agent fetch: ok"; else echo "agent fetch: failed"; fi; } > /app/agent-net.txt 2>&1`,
      '',
    ].join('\n'),
    // Like Terminal-Bench's test.sh: the test tool is downloaded at test time.
    'tests/test.sh': [
      '#!/bin/bash',
      'mkdir -p /logs/verifier',
      'cat /app/agent-net.txt 2>/dev/null',
      `echo "verifier routes:"; ${ROUTES}`,
      `if ! ${fetchScript(host, port, '/check.sh', '/tmp/check.sh')} || [ ! -s /tmp/check.sh ]; then`,
      '  echo "verifier fetch: failed (cannot download the test tool)"',
      '  echo 0 > /logs/verifier/reward.txt',
      '  exit 1',
      'fi',
      'echo "verifier fetch: ok"',
      'bash /tmp/check.sh',
      '',
    ].join('\n'),
  };
}

/** The test tool the server hands out: it checks the answer and writes the reward. */
const CHECK_SH = '#!/bin/bash\nif [ "$(cat /app/answer.txt 2>/dev/null)" = ready ]; then echo "check: PASS"; echo 1 > /logs/verifier/reward.txt; else echo "check: FAIL"; echo 0 > /logs/verifier/reward.txt; fi\n';

function probeTask(loopbackPort: number, noNetwork: boolean): Record<string, string> {
  return {
    'task.toml': TASK_TOML(noNetwork),
    'instruction.md': 'Write the word done to /app/answer.txt, and record in /app/probe.txt whether 127.0.0.1 answers on the port named in the solution.\n',
    'environment/Dockerfile': 'FROM debian:bookworm-slim\nWORKDIR /app\n',
    'solution/solve.sh': [
      '#!/bin/bash',
      `if timeout 5 bash -c 'exec 3<>/dev/tcp/127.0.0.1/${loopbackPort}' 2>/dev/null; then r=reachable; else r=unreachable; fi`,
      `echo "probe 127.0.0.1:${loopbackPort} $r" > /app/probe.txt`,
      `{ echo "agent routes:"; ${ROUTES}; } >> /app/probe.txt`,
      'echo done > /app/answer.txt',
      '',
    ].join('\n'),
    'tests/test.sh': [
      '#!/bin/bash',
      'mkdir -p /logs/verifier',
      'cat /app/probe.txt',
      `echo "verifier routes:"; ${ROUTES}`,
      'if [ "$(cat /app/answer.txt 2>/dev/null)" = done ] && grep -q "^probe .* unreachable$" /app/probe.txt; then echo 1 > /logs/verifier/reward.txt; else echo 0 > /logs/verifier/reward.txt; fi',
      '',
    ].join('\n'),
  };
}

/** A server of this test's own: exactly one route, 404 elsewhere; counts what it served. */
async function startServer(host: string, routes: Record<string, string>): Promise<{ port: number; served: string[]; connections: number; close(): Promise<void> }> {
  const state = { port: 0, served: [] as string[], connections: 0, close: async () => undefined as void };
  const server = http.createServer((req, res) => {
    const body = routes[req.url ?? ''];
    if (req.method === 'GET' && body !== undefined) {
      state.served.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'text/x-shellscript', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found\n');
    }
  });
  server.on('connection', () => state.connections++);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  state.port = (server.address() as AddressInfo).port;
  state.close = () => new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
  return state;
}

function verifierOutputOf(store: Store, trialId: string): string {
  const finding = store.getTrial(trialId)?.findings.find((f) => f.kind === 'verifier_output');
  return typeof finding?.text === 'string' ? finding.text : '';
}

describe('network policy: the task decides, the model goes through a channel (integration)', function () {
  this.timeout(900_000);
  let runtime: DockerRuntime;
  let dir: string;
  const testNetwork = `kbtest-net-${process.pid}`;
  let gateway: string;

  before(async () => {
    runtime = dockerRuntime();
    dir = tempDir('kilobench-net-it-');
    await rawDocker().createNetwork({ Name: testNetwork, Driver: 'bridge', Labels: { 'kilobench.test': String(process.pid) } });
    const info = await runtime.inspectNetwork(testNetwork);
    assert.ok(info?.gateway, 'the test network has a gateway');
    gateway = info.gateway;
    console.log(`      test network ${testNetwork} (${info.id.slice(0, 12)}), gateway ${gateway}`);
  });

  after(async () => {
    await runtime?.removeNetwork(testNetwork).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('(a) tests that download their tool pass with network (oracle passes, nop fails); with no-network neither phase has a route', async () => {
    const tools = await startServer(gateway, { '/check.sh': CHECK_SH });
    try {
      writeFiles(join(dir, 'a', 'fetch-tool'), fetchToolTask(gateway, tools.port, false));
      writeFiles(join(dir, 'a', 'fetch-tool-offline'), fetchToolTask(gateway, tools.port, true));
      const tasks = await loadTasks([join(dir, 'a')]);
      assert.deepEqual(tasks.map((t) => [t.id, t.environment.networkMode ?? 'default']), [['fetch-tool', 'default'], ['fetch-tool-offline', 'no-network']]);
      const runId = `net-a-${process.pid}`;
      const results = await validateTasks(runtime, tasks, { runId, concurrency: 1, dockerNetwork: testNetwork });
      const online = results.find((r) => r.task === 'fetch-tool');
      const offline = results.find((r) => r.task === 'fetch-tool-offline');
      assert.ok(online && offline);
      for (const r of results) {
        for (const [who, o] of [['oracle', r.oracle], ['nop', r.nop]] as const) {
          console.log(`      ${r.task} ${who}: ${o.status} (network ${o.network})\n${(o.verifierOutput ?? '').trim().split('\n').map((l) => `        | ${l}`).join('\n')}`);
        }
      }
      assert.equal(online.oracle.status, 'passed', online.oracle.verifierOutput);
      assert.equal(online.nop.status, 'failed');
      assert.equal(online.ok, true, online.problems.join('; '));
      assert.equal(online.oracle.network, `agent ${testNetwork}, verifier ${testNetwork}`);
      assert.match(online.oracle.verifierOutput ?? '', /agent fetch: ok[\s\S]*verifier fetch: ok[\s\S]*check: PASS/);
      assert.match(online.nop.verifierOutput ?? '', /verifier fetch: ok[\s\S]*check: FAIL/);
      // The oracle's solution fetched once, each verifier once: three downloads, all for this task.
      assert.equal(tools.served.length, 3);

      assert.equal(offline.oracle.network, 'agent none, verifier none');
      assert.equal(offline.oracle.status, 'failed');
      assert.equal(offline.nop.status, 'failed');
      for (const o of [offline.oracle, offline.nop]) {
        assert.match(o.verifierOutput ?? '', /verifier routes:\nnone\n[\s\S]*Network is unreachable[\s\S]*verifier fetch: failed/);
      }
      assert.match(offline.oracle.verifierOutput ?? '', /agent routes:\nnone\n[\s\S]*Network is unreachable[\s\S]*agent fetch: failed/);
      assert.equal(tools.served.length, 3, 'nothing fetched without network');
      assert.match(offline.problems.join('; '), /^the tests could not reach the network \(.*Network is unreachable.*\): they download their tools at test time, so they need network at verification/);
      assert.equal(offline.nop.error, 'the tests could not reach the network (the trial ran without one)');
      console.log(`      validate problems for the offline task: ${offline.problems.join('; ')}`);
      assert.equal((await containersOfRun(runId)).length, 0);
    } finally {
      await tools.close();
    }
  });

  describe('(b, c) the kilo harness and the proxy on the run network', () => {
    let prepared: PreparedKilo;
    let meter: MeteringProxy;
    let sim: SimProvider;
    let store: Store;

    before(async () => {
      prepared = await prepareKilo();
      meter = await startMeteringProxy();
      sim = await startSimProvider();
      store = await Store.open(join(dir, 'results.sqlite'));
    });

    after(async () => {
      await store?.close();
      await meter?.close();
      await sim?.close();
    });

    it('(b) kilo passes without host networking, with and without task network; the host\'s loopback is unreachable from the container', async () => {
      const loopback = await startServer('127.0.0.1', { '/secret': 'host-only\n' });
      try {
        writeFiles(join(dir, 'b', 'probe-online'), probeTask(loopback.port, false));
        writeFiles(join(dir, 'b', 'probe-offline'), probeTask(loopback.port, true));
        const tasks = await loadTasks([join(dir, 'b')]);
        const runId = `net-b-${process.pid}`;
        const seen = new Map<string, string>();
        const models = builtinModels().filter((m) => m.id === 'sim/direct');
        const summary = await startRun(
          { runId, name: 'network-b', tasks: tasks as Task[], models, harness: 'kilo', settings: { ...DEFAULT_SETTINGS, trialsPerPair: 1, concurrency: 2 } },
          { runtime, store, meter, sim, harness: kiloHarness, harnessMounts: prepared.mounts },
          {
            onEvent: (event) => {
              if (event.type !== 'trial_phase' || event.phase !== 'agent') return;
              void rawDocker().listNetworks({ filters: { label: [`${LABELS.run}=${runId}`] } }).then((list) => {
                for (const n of list) seen.set(n.Name, `${n.Id.slice(0, 12)} internal=${String(n.Internal)} subnet=${n.IPAM?.Config?.[0]?.Subnet} gateway=${n.IPAM?.Config?.[0]?.Gateway}`);
              });
            },
          },
        );
        for (const [name, text] of seen) console.log(`      run network ${name}: ${text}`);
        for (const trial of store.listTrials(runId)) {
          const output = verifierOutputOf(store, trial.id);
          console.log(`      ${trial.taskId}: ${trial.status}, ${store.listLlmCalls(trial.id).length} metered calls\n${output.trim().split('\n').map((l) => `        | ${l}`).join('\n')}`);
          assert.equal(trial.status, 'passed', `${trial.taskId}: ${trial.error ?? ''}\n${output}`);
          assert.ok(store.listLlmCalls(trial.id).length > 0, 'model calls went through the proxy');
          assert.match(output, new RegExp(`probe 127\\.0\\.0\\.1:${loopback.port} unreachable`));
        }
        assert.equal(summary.progress.passed, 2);
        assert.equal(loopback.connections, 0, 'nothing reached the host-loopback service');
        assert.ok(seen.has(runNetworkName(runId, false)) && seen.has(runNetworkName(runId, true)), `both run networks existed: ${[...seen.keys()].join(', ')}`);
        assert.match(seen.get(runNetworkName(runId, true)) ?? '', /internal=true/);
        const offline = verifierOutputOf(store, `${runId}.probe-offline.sim_direct.1`);
        assert.match(offline, /verifier routes:\nnone/, 'the offline task\'s verifier ran without network');
        // The run removed its networks.
        const left = await rawDocker().listNetworks({ filters: { label: [`${LABELS.run}=${runId}`] } });
        assert.deepEqual(left.map((n) => n.Name), []);
        assert.deepEqual(await containersOfRun(runId), []);
      } finally {
        await loopback.close();
      }
    });

    it('(c) the proxy on the run network\'s gateway answers 401 without a trial token; the reaper removes a crashed run\'s network', async () => {
      const runId = `net-c-${process.pid}`;
      const channel = openModelChannel({ runtime, meter, runId });
      try {
        const networks = await channel.trialNetworks('internet', true);
        assert.ok(networks.proxyOrigin && !networks.proxyOrigin.includes('127.0.0.1'), networks.proxyOrigin);
        const container = await runtime.startContainer({ image: 'debian:bookworm-slim', labels: { [LABELS.run]: runId }, memoryMb: 256, cpus: 1, pidsLimit: 64, network: networks.agent });
        try {
          const { hostname: host, port } = new URL(networks.proxyOrigin);
          const ask = (path: string) => ['bash', '-c', `exec 3<>/dev/tcp/${host}/${port} && printf 'POST ${path} HTTP/1.0\\r\\nHost: ${host}\\r\\ncontent-type: application/json\\r\\ncontent-length: 2\\r\\n\\r\\n{}' >&3 && head -1 <&3`];
          const noToken = await runtime.exec(container, ask('/v1/chat/completions'));
          const badToken = await runtime.exec(container, ask('/t/not-a-token/v1/chat/completions'));
          console.log(`      from the container to ${networks.proxyOrigin}: no token → ${noToken.stdout.trim()}; unknown token → ${badToken.stdout.trim()}`);
          assert.match(noToken.stdout, /^HTTP\/1\.[01] 401/);
          assert.match(badToken.stdout, /^HTTP\/1\.[01] 401/);
        } finally {
          await runtime.remove(container);
        }
      } finally {
        await channel.close();
      }
      assert.equal(await runtime.inspectNetwork(runNetworkName(runId, false)), undefined, 'closed channel removed its network');

      // A network a dead process left behind: the reaper removes it.
      const orphan = `kilobench-net-orphan-${process.pid}`;
      await rawDocker().createNetwork({ Name: orphan, Labels: { [LABELS.run]: orphan, [LABELS.owner]: `${hostname()}:${2 ** 22 + 12345}` } });
      const pruned = await pruneNetworks(runtime);
      console.log(`      reaper: removed ${pruned.removed.map((n) => n.name).join(', ')}`);
      assert.ok(pruned.removed.some((n) => n.name === orphan));
      assert.equal(await runtime.inspectNetwork(orphan), undefined);
    });
  });
});
