/**
 * A remote-style engine, for real: a second dockerd listening on tcp://127.0.0.1:PORT with
 * `--tlsverify` (a CA, a server certificate for the IP 127.0.0.1 and a client certificate, all made
 * by openssl here), reached through an engines file with `tlsCertDir`, sharing task images with the
 * main engine through Debian's docker-registry on loopback (`registry:`), and with its model traffic
 * forced through the relay (`modelRoute: relay`): the metering proxy does not listen on that engine's
 * gateway, the relay container on the run network carries the calls back over the Docker API.
 *
 * Builtin and Kilo trials; the Kilo trials on the remote engine must have metered calls (only the
 * relay can carry them). KILOBENCH_POOL_LONG=1 runs two trials per pair. Needs root (it starts daemons).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Store, type TrialRecord } from '../../../src/core/store';
import { resolveDockerHost } from '../../../src/core/runtime/docker/docker-host';
import { CLI } from '../../helpers/cli';
import { tempDir, wordTaskFiles, writeHarborTask } from '../../helpers/task-fixtures';
import { freePort, makeCertificates, startDockerd, startRegistry, type ExtraEngine, type Registry } from '../../helpers/extra-engines';

const LONG = process.env.KILOBENCH_POOL_LONG === '1';

function task(cpus: number, word: string): Record<string, string> {
  // A layer of its own, so the pushed and pulled image is the task's, not only the base.
  return wordTaskFiles(word, { cpus, memory: '2G', dockerfile: `FROM debian:bookworm-slim\nWORKDIR /app\nRUN echo ${word} > /etc/kilobench-task-word\n` });
}

/** `ACTION NAME` lines of the image events an engine saw since `since` (unix seconds). */
function imageEvents(host: string, since: number): string[] {
  const out = execFileSync('docker', ['-H', host, 'events', '--since', String(since), '--until', String(Math.ceil(Date.now() / 1000)), '--filter', 'type=image', '--format', '{{.Action}} {{.Actor.ID}}'], { encoding: 'utf8' });
  return out.split('\n').filter(Boolean);
}

function cli(args: string[]): { status: number; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, SSH_AUTH_SOCK: '' }, timeout: 900_000 });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

describe('engine pool: a TLS tcp engine sharing images through a registry, model traffic through the relay', function () {
  this.timeout(LONG ? 1_800_000 : 900_000);
  let root: string;
  let remote: ExtraEngine | undefined;
  let registry: Registry | undefined;
  let clientDir: string;
  let port: number;
  const main = resolveDockerHost() ?? 'unix:///var/run/docker.sock';

  before(async function () {
    // Extra dockerd and registry daemons need root (CI runs as root); elsewhere this test cannot start them.
    if (process.getuid?.() !== 0) this.skip();
    root = tempDir('kb-remote-');
    registry = await startRegistry(root);
    const certs = makeCertificates(root, 'remote-ca');
    clientDir = certs.clientDir;
    port = await freePort();
    remote = await startDockerd(root, 'remote', { tcpPort: port, pool: '10.213.0.0/16', tls: certs.server, insecureRegistries: [registry.host] });
  });

  after(async () => {
    // The images this test pushed and pulled on the shared main engine are its own: remove them.
    if (registry) {
      const ours = spawnSync('docker', ['-H', main, 'images', '--format', '{{.Repository}}:{{.Tag}}', '--filter', `reference=${registry.host}/*/*`], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
      if (ours.length) spawnSync('docker', ['-H', main, 'rmi', '-f', ...ours], { stdio: 'ignore' });
    }
    await remote?.stop();
    await registry?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('a wrong CA is one clear error naming the engine and its tlsCertDir', () => {
    const other = makeCertificates(root, 'other-ca');
    const file = join(root, 'wrong-ca.yaml');
    writeFileSync(file, `engines:\n  - name: remote\n    host: tcp://127.0.0.1:${port}\n    tlsCertDir: ${other.clientDir}\n`);
    const tasksDir = join(root, 'tasks-ca');
    writeHarborTask(tasksDir, 'ca-one', task(1, 'one'));
    const result = cli(['run', '--no-bundled', '-p', tasksDir, '-H', 'builtin', '--models', 'sim/direct', '--engines', file, '--db', join(root, 'ca.sqlite'), '--yes']);
    assert.notEqual(result.status, 0, result.stdout);
    const line = result.stderr.trim().split('\n').find((l) => l.includes('TLS')) ?? result.stderr;
    assert.match(line, /engine remote \(tcp:\/\/127\.0\.0\.1:\d+\): the TLS handshake failed/);
    assert.ok(line.includes(`tlsCertDir ${other.clientDir}`), line);
  });

  it('an unreachable registry is one clear error naming it and the fix', async () => {
    const closed = await freePort();
    const tasksDir = join(root, 'tasks-reg');
    writeHarborTask(tasksDir, 'reg-one', task(1, 'one'));
    const result = cli(['run', '--no-bundled', '-p', tasksDir, '-H', 'builtin', '--models', 'sim/direct', '--docker-host', main, '--registry', `127.0.0.1:${closed}`, '--db', join(root, 'reg.sqlite'), '--yes']);
    assert.notEqual(result.status, 0, result.stdout);
    assert.match(result.stderr, new RegExp(`registry 127\\.0\\.0\\.1:${closed} does not answer \\(ECONNREFUSED\\): start it, or fix --registry`));
  });

  it('builds a shared task image once, pushes it, the other engine pulls it; TLS engine trials pass', async () => {
    const tasksDir = join(root, 'tasks');
    // Fits both engines: each needs its image before its trials; one builds and pushes, the other pulls.
    writeHarborTask(tasksDir, 'shared-one', task(1, 'one'));
    // Needs 2 cpus: only the remote engine (the file says main offers 1), so its trials run there.
    writeHarborTask(tasksDir, 'remote-big', task(2, 'big'));
    const file = join(root, 'engines.yaml');
    writeFileSync(file, [
      'engines:',
      // The TLS engine first: it also serves what needs one engine (the Kilo CLI's architecture).
      `  - name: remote\n    host: tcp://127.0.0.1:${port}\n    tlsCertDir: ${clientDir}\n    capacity: 2\n    modelRoute: relay`,
      `  - name: main\n    host: ${main}\n    capacity: 2\n    cpus: 1`,
      `registry: ${registry!.host}`,
      '',
    ].join('\n'));
    const db = join(root, 'results.sqlite');
    const since = Math.floor(Date.now() / 1000) - 1;
    const child = spawn(process.execPath, [CLI, 'run', '--no-bundled', '-p', tasksDir, '-H', 'builtin,kilo', '--models', 'sim/direct',
      '--trials', LONG ? '2' : '1', '--engines', file, '--db', db, '--json', '--yes'], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, SSH_AUTH_SOCK: '' } });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    // While the run goes: what listens on this machine. The remote engine's networks are in
    // 10.213.0.0/16; with the relay nothing may listen there (the main engine's gateways may).
    const listening = new Set<string>();
    const watch = setInterval(() => {
      for (const line of spawnSync('ss', ['-ltnH'], { encoding: 'utf8' }).stdout.split('\n')) {
        const local = line.trim().split(/\s+/)[3];
        if (local) listening.add(local);
      }
    }, 500);
    const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
    clearInterval(watch);
    assert.equal(code, 0, stderr.slice(-3000));
    const onRemoteGateway = [...listening].filter((a) => a.startsWith('10.213.'));
    const onMainGateway = [...listening].filter((a) => /^(10\.|172\.|192\.168\.)/.test(a) && !a.startsWith('10.213.'));
    console.log(`      listening on run gateways during the run: remote engine: ${onRemoteGateway.join(', ') || 'none'}; main engine: ${onMainGateway.join(', ') || 'none'}`);
    assert.deepEqual(onRemoteGateway, [], 'the proxy listened on the relay engine\'s gateway');

    const store = await Store.open(db);
    let trials: TrialRecord[];
    const calls = new Map<string, number>();
    try {
      const [run] = store.listRuns();
      trials = store.listTrials(run!.id);
      for (const t of trials) calls.set(t.id, store.listLlmCalls(t.id).filter((c) => c.httpStatus === 200).length);
    } finally {
      await store.close();
    }
    const rows = trials.map((t) => `${t.taskId.padEnd(11)} ${t.harness.padEnd(8)} ${(t.engine ?? '?').padEnd(7)} ${t.status.padEnd(8)} ${calls.get(t.id)} metered call(s) ${t.image ?? ''}${t.error ? ` (${t.error.slice(0, 80)})` : ''}`);
    console.log(`      TASK        HARNESS  ENGINE  STATUS   METERED / IMAGE\n${rows.map((r) => `      ${r}`).join('\n')}`);

    assert.ok(trials.every((t) => t.status === 'passed'), rows.join('\n'));
    assert.ok(trials.filter((t) => t.taskId === 'remote-big').every((t) => t.engine === 'remote'), rows.join('\n'));
    // Kilo calls the model from inside its container: on the remote engine only the relay can carry them.
    const kiloRemote = trials.filter((t) => t.harness.startsWith('kilo') && t.engine === 'remote');
    assert.ok(kiloRemote.length > 0, rows.join('\n'));
    assert.ok(kiloRemote.every((t) => (calls.get(t.id) ?? 0) > 0), rows.join('\n'));

    // The shared task's image: pushed by exactly one engine, pulled (not built) by the other.
    const tag = `${registry!.host}/kilobench-task/shared-one:`;
    const seen = { main: imageEvents(main, since).filter((e) => e.includes(tag)), remote: imageEvents(`unix://${join(root, 'remote', 'docker.sock')}`, since).filter((e) => e.includes(tag)) };
    console.log(`      image events: main: ${seen.main.join(', ') || 'none'}; remote: ${seen.remote.join(', ') || 'none'}`);
    const pushed = (Object.keys(seen) as (keyof typeof seen)[]).filter((k) => seen[k].some((e) => e.startsWith('push ')));
    assert.equal(pushed.length, 1, `one engine pushes the shared image: ${JSON.stringify(seen)}`);
    const puller = pushed[0] === 'main' ? 'remote' : 'main';
    assert.ok(seen[puller].some((e) => e.startsWith('pull ')), `the ${puller} engine pulls it: ${JSON.stringify(seen)}`);
    assert.ok(!seen[puller].some((e) => e.startsWith('push ') || e.startsWith('tag ')), `the ${puller} engine did not build it: ${JSON.stringify(seen)}`);

    // The report says where each trial ran: an engines section and each trial's engine (JSON, CSV).
    const runId = trials[0]!.runId;
    const json = JSON.parse(cli(['report', runId, '--format', 'json', '--db', db]).stdout) as { engines?: { engine: string; trials: number; passed: number }[]; trialEngines?: { trial: string; engine: string }[] };
    assert.deepEqual(json.engines?.map((e) => [e.engine, e.trials, e.passed]), [...new Set(trials.map((t) => t.engine as string))].sort().map((name) => [name, trials.filter((t) => t.engine === name).length, trials.filter((t) => t.engine === name && t.status === 'passed').length]));
    assert.deepEqual(json.trialEngines?.map((t) => t.engine).sort(), trials.map((t) => t.engine).sort());
    const csv = cli(['report', runId, '--format', 'csv', '--db', db]).stdout;
    assert.match(csv, /engine,trials,passed,infra_failures,median_trial_ms\r\nmain,/);
    console.log(`      report table:\n${cli(['report', runId, '--db', db]).stdout.split('\n').filter((l) => l).slice(-4).map((l) => `        ${l}`).join('\n')}`);

    // Nothing of the run left on either engine.
    for (const host of [main, remote!.socket]) {
      const left = execFileSync('docker', ['-H', host, 'ps', '-aq', '--filter', `label=kilobench.run=${runId}`], { encoding: 'utf8' }).trim();
      assert.equal(left, '', `containers left on ${host}`);
    }
  });
});
