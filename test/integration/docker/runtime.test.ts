/** The Docker runtime against a real engine: images, containers, exec, copies, limits, removal. */
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DockerRuntime } from '../../../src/core/runtime/docker/docker-runtime';
import { LABELS } from '../../../src/core/runtime/container-runtime';
import { InfraError } from '../../../src/core/errors';
import { tempDir, writeFiles } from '../../helpers/task-fixtures';
import { containersOfRun, dockerRuntime, rawDocker } from '../../helpers/docker';

describe('Docker runtime (real engine)', function () {
  this.timeout(180_000);
  const runId = `rt-${process.pid}`;
  let runtime: DockerRuntime;
  let context: string;
  let image: string;
  let container: string;

  before(async () => {
    runtime = dockerRuntime();
    context = writeFiles(tempDir(), {
      Dockerfile: 'FROM debian:bookworm-slim\nRUN useradd -m agent\nWORKDIR /work\nCOPY data.txt /work/data.txt\n',
      'data.txt': 'original\n',
    });
    image = (await runtime.ensureImage({ taskId: 'runtime-test', contextDir: context, dockerfile: 'Dockerfile', buildTimeoutMs: 120_000 })).name;
    container = await runtime.startContainer({
      image, labels: { [LABELS.run]: runId, [LABELS.trial]: 't1', [LABELS.task]: 'runtime-test' },
      env: { FROM_SPEC: 'spec-value' }, memoryMb: 512, cpus: 1, pidsLimit: 256, network: 'none',
    });
  });
  after(async () => {
    await runtime.remove(container);
    rmSync(context, { recursive: true, force: true });
  });

  it('reports the engine it talks to', async () => {
    assert.match(await runtime.ping(), /^Docker \S+ \(API [\d.]+\) at /);
  });

  it('reuses an image whose build context is unchanged and rebuilds after a change', async () => {
    const again = await runtime.ensureImage({ taskId: 'runtime-test', contextDir: context, dockerfile: 'Dockerfile', buildTimeoutMs: 120_000 });
    assert.equal(again.name, image);
    assert.equal(again.built, false);
    assert.equal(again.workdir, '/work');
    // Content no earlier test run has built, so the engine cannot have an image for it yet.
    writeFileSync(join(context, 'data.txt'), `changed ${process.pid} ${Date.now()}\n`);
    const changed = await runtime.ensureImage({ taskId: 'runtime-test', contextDir: context, dockerfile: 'Dockerfile', buildTimeoutMs: 120_000 });
    assert.notEqual(changed.name, image);
    assert.equal(changed.built, true);
    writeFileSync(join(context, 'data.txt'), 'original\n');
  });

  it('turns a failing build into an InfraError carrying the failing step output', async () => {
    const broken = writeFiles(tempDir(), { Dockerfile: 'FROM debian:bookworm-slim\nRUN echo kb-build-marker-42 && exit 3\n' });
    try {
      await assert.rejects(runtime.ensureImage({ taskId: 'broken', contextDir: broken, dockerfile: 'Dockerfile', buildTimeoutMs: 60_000 }), (e: unknown) => {
        assert.ok(e instanceof InfraError);
        assert.match(e.message, /image build failed for broken: .*returned a non-zero code: 3/);
        assert.match(e.detail ?? '', /kb-build-marker-42/);
        return true;
      });
    } finally {
      rmSync(broken, { recursive: true, force: true });
    }
  });

  it('starts containers unprivileged, without network, with the limits and labels asked for', async () => {
    const info = await rawDocker().getContainer(container).inspect();
    assert.equal(info.HostConfig.Privileged, false);
    assert.equal(info.HostConfig.NetworkMode, 'none');
    assert.equal(info.HostConfig.Memory, 512 * 1024 * 1024);
    assert.equal(info.HostConfig.PidsLimit, 256);
    assert.equal(info.HostConfig.NanoCpus, 1e9);
    assert.ok(!(info.HostConfig.Binds ?? []).some((b) => b.includes('docker.sock')));
    assert.equal(info.Config.Labels[LABELS.run], runId);
    assert.match(info.Config.Labels[LABELS.owner] ?? '', new RegExp(`:${process.pid}$`));
    const net = await runtime.exec(container, ['ls', '/sys/class/net']);
    assert.equal(net.stdout.trim(), 'lo');
  });

  it('runs commands with separate stdout and stderr, exit code, environment, folder and user', async () => {
    const r = await runtime.exec(container, ['bash', '-c', 'echo "out:$FROM_SPEC:$EXTRA:$(pwd)"; echo err-line >&2; exit 7'], { env: { EXTRA: 'x1' }, workdir: '/tmp' });
    assert.equal(r.exitCode, 7);
    assert.equal(r.stdout, 'out:spec-value:x1:/tmp\n');
    assert.equal(r.stderr, 'err-line\n');
    assert.equal(r.timedOut, false);
    const who = await runtime.exec(container, ['id', '-un'], { user: 'agent' });
    assert.equal(who.stdout.trim(), 'agent');
    const home = await runtime.exec(container, ['pwd']);
    assert.equal(home.stdout.trim(), '/work');
  });

  it('kills a command and everything it started when its timeout passes', async () => {
    const started = Date.now();
    const r = await runtime.exec(container, ['bash', '-c', 'sleep 301 & (setsid sleep 302 &); sleep 303'], { timeoutMs: 1500 });
    assert.equal(r.timedOut, true);
    assert.notEqual(r.exitCode, 0);
    assert.ok(Date.now() - started < 15_000, 'returned soon after the timeout');
    const left = await runtime.exec(container, ['bash', '-c', 'cat /proc/[0-9]*/cmdline 2>/dev/null | tr "\\0" " " | grep -o "sleep 30[123]" || true']);
    assert.equal(left.stdout.trim(), '', 'no sleep process survives');
  });

  it('returns when the command ends even if a background child keeps its output open', async () => {
    const r = await runtime.exec(container, ['bash', '-c', 'sleep 30 & echo done'], { timeoutMs: 20_000 });
    assert.equal(r.timedOut, false);
    assert.equal(r.stdout, 'done\n');
    assert.ok(r.durationMs < 10_000);
  });

  it('caps kept output and says how much was cut', async () => {
    const r = await runtime.exec(container, ['bash', '-c', 'head -c 300000 /dev/zero | tr "\\0" x'], { maxOutputBytes: 1000 });
    assert.equal(r.truncated, true);
    assert.match(r.stdout, /^x{1000}\n\[… 299000 more bytes not kept\]$/);
  });

  it('copies files in (creating folders) and reads them back, binary included', async () => {
    const binary = Buffer.from([0, 1, 2, 250, 255]);
    await runtime.copyFilesIn(container, [{ path: 'a/b.txt', content: 'hello' }, { path: 'bin.dat', content: binary, mode: 0o600 }], '/deep/dest');
    assert.equal(String(await runtime.readFile(container, '/deep/dest/a/b.txt')), 'hello');
    assert.deepEqual(await runtime.readFile(container, '/deep/dest/bin.dat'), binary);
    assert.equal(await runtime.readFile(container, '/no/such/file'), undefined);
    // Symlinks are followed, relative and absolute (Debian's /etc/os-release is one).
    assert.match(String(await runtime.readFile(container, '/etc/os-release')), /bookworm/);
    await runtime.exec(container, ['ln', '-s', 'a/b.txt', '/deep/dest/link']);
    assert.equal(String(await runtime.readFile(container, '/deep/dest/link')), 'hello');
    const dir = writeFiles(tempDir(), { 'x/y.txt': 'from host' });
    await runtime.copyDirIn(container, dir, '/copied');
    assert.equal(String(await runtime.readFile(container, '/copied/x/y.txt')), 'from host');
    rmSync(dir, { recursive: true, force: true });
  });

  it('removes containers, and removing one twice is harmless', async () => {
    const extra = await runtime.startContainer({ image, labels: { [LABELS.run]: runId }, memoryMb: 256, cpus: 1, pidsLimit: 64, network: 'none' });
    assert.ok((await containersOfRun(runId)).includes(extra));
    await runtime.remove(extra);
    await runtime.remove(extra);
    assert.ok(!(await containersOfRun(runId)).includes(extra));
  });
});
