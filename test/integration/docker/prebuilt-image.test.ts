/**
 * Prebuilt images: a task that names one (Harbor `environment.docker_image`) runs it, pulled from a
 * registry when absent; `--build-images` builds the task's Dockerfile instead; the trial records the
 * image and its registry digest, and `kilobench show` prints them. The registry is a real one of this
 * test's own (Debian's `docker-registry`, installed here when missing) on 127.0.0.1, which the engine
 * reaches over plain HTTP (Docker trusts 127.0.0.0/8 registries by default).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pack } from 'tar-stream';
import { loadTasks } from '../../../src/core/tasks';
import { nopHarness } from '../../../src/core/harness/nop';
import { runTrial } from '../../../src/core/run/trial-runner';
import { TrialRecorder } from '../../../src/core/run/trial-recorder';
import { Store } from '../../../src/core/store';
import { transcriptLines } from '../../../src/cli/commands/runs';
import { dockerRuntime, rawDocker } from '../../helpers/docker';
import { tempDir, writeFiles } from '../../helpers/task-fixtures';

const REGISTRY = '/usr/bin/docker-registry';

function ensureRegistryInstalled(): void {
  if (existsSync(REGISTRY)) return;
  if (process.getuid?.() !== 0) throw new Error(`${REGISTRY} is missing: install Debian's docker-registry package (apt-get install docker-registry)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  let r = spawnSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', 'docker-registry'], { env, encoding: 'utf8' });
  if (r.status !== 0) {
    spawnSync('apt-get', ['update', '-q'], { env, encoding: 'utf8' });
    r = spawnSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', 'docker-registry'], { env, encoding: 'utf8' });
  }
  if (r.status !== 0 || !existsSync(REGISTRY)) throw new Error(`could not install docker-registry: ${r.stderr}`);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function waitForRegistry(port: number): Promise<void> {
  const end = Date.now() + 20_000;
  while (Date.now() < end) {
    const ok = await fetch(`http://127.0.0.1:${port}/v2/`).then((r) => r.status === 200, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the registry on 127.0.0.1:${port} did not answer`);
}

/** Build a one-layer image from debian:bookworm-slim with a marker file, without any network. */
async function buildMarkerImage(tag: string, marker: string): Promise<void> {
  const context = pack();
  context.entry({ name: 'Dockerfile' }, `FROM debian:bookworm-slim\nRUN echo ${marker} > /marker\n`);
  context.finalize();
  const docker = rawDocker();
  const stream = await docker.buildImage(context as unknown as NodeJS.ReadableStream, { t: tag, networkmode: 'none', rm: true, forcerm: true });
  await new Promise<void>((resolve, reject) => docker.modem.followProgress(stream, (e: Error | null, out: { error?: string }[]) => {
    const failed = out?.find((o) => o.error);
    if (e || failed) reject(e ?? new Error(failed?.error));
    else resolve();
  }));
}

async function push(tag: string): Promise<string> {
  const docker = rawDocker();
  // The engine wants an auth header even for a registry without auth.
  const stream = await docker.getImage(tag).push({ authconfig: { serveraddress: tag.split('/')[0] } });
  const events: { aux?: { Digest?: string }; error?: string }[] = await new Promise((resolve, reject) => docker.modem.followProgress(stream, (e: Error | null, out: { aux?: { Digest?: string }; error?: string }[]) => (e ? reject(e) : resolve(out))));
  const failed = events.find((e) => e.error);
  if (failed) throw new Error(`push failed: ${failed.error}`);
  const digest = events.find((e) => e.aux?.Digest)?.aux?.Digest;
  assert.ok(digest, 'the registry answered the push with a digest');
  return digest;
}

describe('prebuilt task images from a registry (integration)', function () {
  this.timeout(300_000);
  let registry: ChildProcess | undefined;
  let dir: string;
  let port: number;
  let image: string;
  let digest: string;

  before(async () => {
    ensureRegistryInstalled();
    dir = tempDir('kilobench-registry-');
    port = await freePort();
    const config = join(dir, 'registry.yml');
    writeFileSync(config, `version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, 'data')}\nhttp:\n  addr: 127.0.0.1:${port}\n`);
    registry = spawn(REGISTRY, ['serve', config], { stdio: 'ignore' });
    await waitForRegistry(port);
    image = `127.0.0.1:${port}/kbtest/prebuilt-${process.pid}:1`;
    await buildMarkerImage(image, 'prebuilt');
    digest = await push(image);
    // Gone from the engine: the trial must pull it.
    await rawDocker().getImage(image).remove({ force: true });
    console.log(`      registry pid ${registry.pid} on 127.0.0.1:${port}; pushed ${image} (${digest})`);
  });

  after(async () => {
    if (registry?.pid) process.kill(registry.pid, 'SIGTERM');
    if (image) await rawDocker().getImage(image).remove({ force: true }).catch(() => undefined);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('pulls the image the task names, records its digest, and builds the Dockerfile instead when asked', async () => {
    const taskDir = writeFiles(join(dir, 'tasks', 'prebuilt-marker'), {
      'task.toml': `version = "1.0"\n[verifier]\ntimeout_sec = 60.0\n[agent]\ntimeout_sec = 60.0\n[environment]\ndocker_image = "${image}"\nmemory_mb = 512\n`,
      'instruction.md': 'Nothing to do.\n',
      'environment/Dockerfile': 'FROM debian:bookworm-slim\nRUN echo built-from-dockerfile > /marker\n',
      'tests/test.sh': '#!/bin/bash\nmkdir -p /logs/verifier\necho "marker: $(cat /marker)"\necho 1 > /logs/verifier/reward.txt\n',
      'solution/solve.sh': '#!/bin/bash\ntrue\n',
    });
    const [task] = await loadTasks([taskDir]);
    assert.ok(task && task.errors.length === 0, JSON.stringify(task?.errors));
    const runtime = dockerRuntime();
    const store = await Store.open(join(dir, 'results.sqlite'));
    try {
      const recorder = new TrialRecorder(store, `prebuilt-${process.pid}`);
      recorder.createRun('prebuilt', { tasks: [task.id], models: [], harness: 'nop', trialsPerPair: 1 }, {});
      await recorder.snapshotTask(task);
      const run = async (id: string, buildImages: boolean) => {
        recorder.queue({ id, taskId: task.id, modelId: 'nop', harness: 'nop', trialIndex: 0 });
        recorder.start(id);
        const outcome = await runTrial(runtime, { runId: recorder.runId, trialId: id, task, harness: nopHarness, buildImages });
        recorder.finish(id, outcome);
        return outcome;
      };
      const pulled = await run(`${recorder.runId}-pulled`, false);
      const built = await run(`${recorder.runId}-built`, true);
      await store.flush();
      console.log(`      pulled: ${pulled.taskImage?.source} ${pulled.taskImage?.name} ${pulled.taskImage?.repoDigest}; verifier says ${pulled.verifierOutput?.trim()}`);
      console.log(`      --build-images: ${built.taskImage?.source} ${built.taskImage?.name}; verifier says ${built.verifierOutput?.trim()}`);
      assert.equal(pulled.status, 'passed', pulled.error);
      assert.equal(pulled.taskImage?.source, 'pulled');
      assert.equal(pulled.taskImage?.repoDigest, `${image.replace(/:1$/, '')}@${digest}`);
      assert.match(pulled.verifierOutput ?? '', /marker: prebuilt/);
      assert.equal(built.taskImage?.source, 'built');
      assert.match(built.taskImage?.name ?? '', /^kilobench-task\/prebuilt-marker:/);
      assert.match(built.verifierOutput ?? '', /marker: built-from-dockerfile/);

      // An image the registry does not have: the Dockerfile is built instead.
      const missing = { ...task, environment: { ...task.environment, image: `127.0.0.1:${port}/kbtest/missing-${process.pid}:1` } };
      const fallback = await runTrial(runtime, { runId: recorder.runId, trialId: `${recorder.runId}-fallback`, task: missing, harness: nopHarness }, { onBuildLog: (line) => { if (/cannot be pulled/.test(line)) console.log(`      fallback: ${line.slice(0, 160)}`); } });
      assert.equal(fallback.taskImage?.source, 'built');
      assert.match(fallback.verifierOutput ?? '', /marker: built-from-dockerfile/);
      if (built.taskImage) await rawDocker().getImage(built.taskImage.name).remove({ force: true }).catch(() => undefined);

      const record = store.getTrial(`${recorder.runId}-pulled`);
      assert.equal(record?.image, image);
      assert.equal(record?.imageRepoDigest, `${image.replace(/:1$/, '')}@${digest}`);
      assert.equal(record?.network, 'agent none, verifier none');
      const shown = transcriptLines(store, record as NonNullable<typeof record>).join('\n');
      console.log(shown.split('\n').slice(0, 6).map((l) => `      | ${l}`).join('\n'));
      assert.match(shown, new RegExp(`image: ${image.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(.*@${digest}\\)`));
    } finally {
      await store.close();
    }
  });
});
