/** ContainerRuntime on the Docker Engine API (dockerode), local or remote. */
import { createHash } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import Docker from 'dockerode';
import { pack as packDir } from 'tar-fs';
import { extract, pack as packFiles } from 'tar-stream';
import { CancelledError, InfraError } from '../../errors';
import { imageRepository, packBuildContext, readBuildContext } from '../build-context';
import type {
  ContainerInfo, ContainerRuntime, ContainerSpec, ExecOptions, ExecResult, FileEntry, ImageRef, ImageSpec, NetworkInfo, NetworkSpec,
} from '../container-runtime';
import { LABELS } from '../container-runtime';
import { describeHost, dockerOptions, resolveDockerHost, type EngineCredentials } from './docker-host';
import { OutputCapture } from './output-capture';
import type { ImageRegistry } from './image-registry';
import { openRelay, type RelayHandle } from './model-relay';

const DEFAULT_MAX_OUTPUT = 4 * 1024 * 1024;
/** How often a running exec is polled, to notice it ended while a background child holds its output open. */
const EXEC_POLL_MS = 200;

/** `host:pid` of this process, stored on containers so a reaper can tell orphans from live trials. */
/**
 * The capabilities a trial container keeps: Docker's default set without NET_RAW (raw sockets,
 * spoofing), MKNOD (device nodes), AUDIT_WRITE, SETFCAP (file capabilities) and SYS_CHROOT, which
 * no task or harness needs. What remains lets package managers, `chown`, `su` and ports < 1024 work.
 */
export const CONTAINER_CAPABILITIES = ['CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'SETGID', 'SETUID', 'SETPCAP', 'NET_BIND_SERVICE'] as const;

export function ownerLabel(): string {
  return `${hostname()}:${process.pid}`;
}

function statusOf(error: unknown): number | undefined {
  return (error as { statusCode?: number }).statusCode;
}

function messageOf(error: unknown): string {
  const e = error as { json?: { message?: string }; reason?: string; message?: string };
  return e.json?.message ?? e.message ?? e.reason ?? String(error);
}

export interface DockerRuntimeOptions {
  credentials?: EngineCredentials;
  /**
   * How read-only host folders (a harness binary) reach containers: `bind` mounts them (the engine
   * runs on this machine), `copy` copies each once into a volume on the engine that containers mount
   * read-only (a remote engine cannot see this machine's files).
   */
  files?: 'bind' | 'copy';
  /** How messages name the engine, when the host the client dials is a local tunnel to it. */
  displayHost?: string;
  /** Share task images with the pool's other engines through this registry (built once, pushed, pulled). */
  registry?: ImageRegistry;
}

/** The file a filled harness-files volume holds last, so a half-filled one is filled again. */
const FILLED_MARKER = '.kilobench-filled';

export class DockerRuntime implements ContainerRuntime {
  private readonly docker: Docker;
  private readonly building = new Map<string, Promise<ImageRef>>();
  private readonly volumes = new Map<string, Promise<string>>();

  private readonly host: string | undefined;

  constructor(host?: string, private readonly options: DockerRuntimeOptions = {}) {
    this.host = resolveDockerHost(host);
    this.docker = new Docker(dockerOptions(this.host, options.credentials));
  }

  /** The engine's `docker version` (architecture and OS as Docker names them: amd64, linux). */
  async engineVersion(): Promise<{ Arch?: string; Os?: string }> {
    return this.docker.version();
  }

  /** What the engine offers one container: its CPUs, memory and architecture. */
  async resources(): Promise<{ cpus: number; memoryMb: number; arch: string }> {
    const info = await this.docker.info() as { NCPU?: number; MemTotal?: number; Architecture?: string };
    return { cpus: info.NCPU ?? 1, memoryMb: Math.floor((info.MemTotal ?? 0) / 1024 / 1024), arch: info.Architecture ?? '' };
  }

  /**
   * The volume on this engine holding a copy of `hostDir` (filled once, through a stopped helper
   * container of `image`). Its name carries a hash of the folder's listing, so a changed folder gets
   * a new volume and an unchanged one is reused by later runs.
   */
  private filesVolume(hostDir: string, image: string): Promise<string> {
    let pending = this.volumes.get(hostDir);
    if (!pending) {
      pending = this.fillVolume(hostDir, image);
      pending.catch(() => this.volumes.delete(hostDir));
      this.volumes.set(hostDir, pending);
    }
    return pending;
  }

  private async fillVolume(hostDir: string, image: string): Promise<string> {
    const hash = createHash('sha256').update(hostDir);
    for (const entry of (await readdir(hostDir, { recursive: true })).sort()) {
      const s = await stat(posix.join(hostDir, entry));
      hash.update(`\0${entry}\0${s.size}\0${s.mtimeMs}`);
    }
    const name = `kilobench-files-${hash.digest('hex').slice(0, 16)}`;
    let helper: Docker.Container | undefined;
    try {
      await this.docker.createVolume({ Name: name, Labels: { 'kilobench.files': hostDir } });
      helper = await this.docker.createContainer({ Image: image, Cmd: ['true'], NetworkDisabled: true, HostConfig: { Binds: [`${name}:/kilobench-fill`] } });
      const filled = await helper.infoArchive({ path: `/kilobench-fill/${FILLED_MARKER}` }).then(() => true, () => false);
      if (!filled) {
        const archive = packDir(hostDir, { map: (header) => ({ ...header, name: posix.join('kilobench-fill', header.name), uid: 0, gid: 0 }) });
        await helper.putArchive(archive as unknown as Readable, { path: '/' });
        const marker = packFiles();
        marker.entry({ name: `kilobench-fill/${FILLED_MARKER}`, mode: 0o644 }, new Date().toISOString());
        marker.finalize();
        await helper.putArchive(marker as unknown as Readable, { path: '/' });
      }
      return name;
    } catch (e) {
      throw new InfraError(`cannot copy ${hostDir} to the engine at ${describeHost(this.options.displayHost ?? this.host)}: ${messageOf(e)}`);
    } finally {
      await helper?.remove({ force: true }).catch(() => undefined);
    }
  }

  /** A model relay on `network` (model-relay.ts): its containers reach the proxy at `proxyUrl()` through this engine's API. */
  openRelay(network: NetworkInfo, proxyUrl: () => string): Promise<RelayHandle> {
    return openRelay(this.docker, network, { proxyUrl, owner: ownerLabel(), where: describeHost(this.options.displayHost ?? this.host) });
  }

  async ping(): Promise<string> {
    try {
      const version = await this.docker.version();
      return `Docker ${version.Version} (API ${version.ApiVersion}) at ${describeHost(this.options.displayHost ?? this.host)}`;
    } catch (e) {
      throw new InfraError(
        `Docker engine not reachable at ${describeHost(this.options.displayHost ?? this.host)}: ${messageOf(e)}. ` +
          'Start one (on Debian as root: `bash .ci/docker-engine.sh`) or point DOCKER_HOST / kilobench.dockerHost at one.',
        undefined,
        { cause: e },
      );
    }
  }

  async ensureImage(spec: ImageSpec, onLog?: (line: string) => void, signal?: AbortSignal): Promise<ImageRef> {
    if (!spec.dockerfile) {
      if (!spec.prebuiltImage) throw new InfraError(`task ${spec.taskId} has neither a Dockerfile nor an image`);
      return this.prebuilt(spec.prebuiltImage, onLog);
    }
    if (spec.prebuiltImage && !spec.preferBuild) {
      try {
        return await this.prebuilt(spec.prebuiltImage, onLog);
      } catch (e) {
        onLog?.(`${(e as Error).message}; building it from the task's Dockerfile instead`);
      }
    }
    return this.buildTaskImage(spec, spec.dockerfile, onLog, signal);
  }

  private async buildTaskImage(spec: ImageSpec, dockerfile: string, onLog?: (line: string) => void, signal?: AbortSignal): Promise<ImageRef> {
    const context = await readBuildContext(spec.contextDir, dockerfile).catch((e: Error) => {
      throw new InfraError(`cannot read the build context of ${spec.taskId}: ${e.message}`);
    });
    const local = `${imageRepository(spec.taskId)}:${context.hash.slice(0, 16)}`;
    const { registry } = this.options;
    const name = registry ? registry.nameOf(local) : local;
    // Trials of one task starting together share one build (one per engine and tag).
    let pending = this.building.get(name);
    if (!pending) {
      pending = (registry
        ? this.throughRegistry(registry, name, { ...spec, dockerfile }, onLog, signal)
        : this.buildOrReuse(name, { ...spec, dockerfile }, onLog, signal)).finally(() => this.building.delete(name));
      this.building.set(name, pending);
    }
    return pending;
  }

  private async inspectImage(name: string): Promise<ImageRef | undefined> {
    try {
      const info = await this.docker.getImage(name).inspect();
      // The registry digest of this repository (an image pushed to several has one per repository).
      const repository = name.replace(/@.*$/, '').replace(/:[^:/]+$/, '');
      const repoDigest = (info.RepoDigests ?? []).find((d) => d.startsWith(`${repository}@`));
      return { name, id: info.Id, built: false, workdir: info.Config?.WorkingDir || '/', ...(repoDigest ? { repoDigest } : {}) };
    } catch (e) {
      if (statusOf(e) === 404) return undefined;
      throw new InfraError(`cannot inspect image ${name}: ${messageOf(e)}`);
    }
  }

  private async prebuilt(image: string, onLog?: (line: string) => void): Promise<ImageRef> {
    const found = await this.inspectImage(image);
    if (found) return { ...found, source: 'present' };
    onLog?.(`pulling ${image}`);
    try {
      const stream = await this.docker.pull(image);
      await new Promise<void>((resolve, reject) => this.docker.modem.followProgress(stream, (e) => (e ? reject(e) : resolve())));
    } catch (e) {
      throw new InfraError(`image ${image} is not present and cannot be pulled: ${messageOf(e)}`);
    }
    const pulled = await this.inspectImage(image);
    if (!pulled) throw new InfraError(`image ${image} is missing after the pull`);
    return { ...pulled, built: true, source: 'pulled' };
  }

  /**
   * A task image through the pool's registry: present here, or published by the first engine that
   * needed it (pulled when an earlier run pushed it, else built here and pushed) and pulled by the rest.
   */
  private async throughRegistry(registry: ImageRegistry, name: string, spec: ImageSpec & { dockerfile: string }, onLog?: (line: string) => void, signal?: AbortSignal): Promise<ImageRef> {
    const existing = await this.inspectImage(name);
    if (existing) {
      onLog?.(`reusing ${name} (build context unchanged)`);
      return { ...existing, source: 'present' };
    }
    let source = 'pulled' as 'built' | 'pulled';
    const { owner, published } = registry.once(name, async () => {
      if (await this.pullImage(name, registry).then(() => true, () => false)) return;
      source = 'built';
      await this.buildOrReuse(name, spec, onLog, signal);
      await this.pushImage(name, registry, onLog);
    });
    if (!owner) onLog?.(`waiting for ${name} (built by another engine of the run)`);
    await published;
    if (!owner) await this.pullImage(name, registry, onLog);
    const ref = await this.inspectImage(name);
    if (!ref) throw new InfraError(`image ${name} is missing after it was ${source === 'built' ? 'built' : 'pulled'}`);
    return { ...ref, built: true, source };
  }

  /** Pull a registry image; an InfraError naming the registry and the fix when it fails. */
  private async pullImage(name: string, registry: ImageRegistry, onLog?: (line: string) => void): Promise<void> {
    onLog?.(`pulling ${name}`);
    try {
      const stream = await this.docker.pull(name) as unknown as Readable;
      const failure = await this.follow(stream);
      if (failure) throw new Error(failure);
    } catch (e) {
      throw new InfraError(`cannot pull ${name} from the registry ${registry.host} to the engine at ${describeHost(this.options.displayHost ?? this.host)}: ${messageOf(e)}; ${registry.fix}`);
    }
  }

  /** Push a built image to the registry; an InfraError naming the registry and the fix when it fails. */
  private async pushImage(name: string, registry: ImageRegistry, onLog?: (line: string) => void): Promise<void> {
    onLog?.(`pushing ${name}`);
    const tagAt = name.lastIndexOf(':');
    try {
      const stream = await this.docker.getImage(name.slice(0, tagAt)).push({ tag: name.slice(tagAt + 1), authconfig: {} }) as unknown as Readable;
      const failure = await this.follow(stream);
      if (failure) throw new Error(failure);
    } catch (e) {
      throw new InfraError(`cannot push ${name} to the registry ${registry.host} from the engine at ${describeHost(this.options.displayHost ?? this.host)}: ${messageOf(e)}; ${registry.fix}`);
    }
  }

  /** Read a pull or push progress stream to its end; the error it reports, if any. */
  private follow(stream: Readable): Promise<string | undefined> {
    return new Promise((resolve) => {
      let error: string | undefined;
      this.docker.modem.followProgress(
        stream,
        (e: Error | null) => resolve(error ?? (e ? messageOf(e) : undefined)),
        (event: { error?: string; errorDetail?: { message?: string } }) => {
          if (event.error) error ??= event.errorDetail?.message ?? event.error;
        },
      );
    });
  }

  private async buildOrReuse(name: string, spec: ImageSpec & { dockerfile: string }, onLog?: (line: string) => void, signal?: AbortSignal): Promise<ImageRef> {
    const existing = await this.inspectImage(name);
    if (existing) {
      onLog?.(`reusing ${name} (build context unchanged)`);
      return { ...existing, source: 'built' };
    }
    onLog?.(`building ${name}`);
    const log: string[] = [];
    const remember = (line: string) => {
      log.push(line);
      if (log.length > 400) log.shift();
      onLog?.(line);
    };
    let stream: Readable;
    try {
      stream = (await this.docker.buildImage(await packBuildContext(spec.contextDir), {
        t: name,
        dockerfile: spec.dockerfile,
        // apt-get in a task's Dockerfile reaches the mirror through the host's network.
        networkmode: 'host',
        rm: true,
        forcerm: true,
        labels: { [LABELS.task]: spec.taskId },
      })) as unknown as Readable;
    } catch (e) {
      throw new InfraError(`image build for ${spec.taskId} could not start: ${messageOf(e)}`);
    }
    const failure = await new Promise<string | undefined>((resolve) => {
      let settled = false;
      const finish = (error?: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        resolve(error);
      };
      const timer = setTimeout(() => {
        stream.destroy();
        finish(`build timed out after ${Math.round(spec.buildTimeoutMs / 1000)} s`);
      }, spec.buildTimeoutMs);
      const onAbort = () => {
        stream.destroy();
        finish('build cancelled');
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.docker.modem.followProgress(
        stream,
        (error: Error | null) => finish(error ? messageOf(error) : undefined),
        (event: { stream?: string; status?: string; error?: string; errorDetail?: { message?: string } }) => {
          const text = event.stream ?? event.status;
          if (text) for (const line of text.split('\n')) if (line.trim()) remember(line.trimEnd());
          if (event.error) {
            remember(event.error);
            finish(event.errorDetail?.message ?? event.error);
          }
        },
      );
    });
    if (signal?.aborted) throw new CancelledError('image build cancelled');
    if (failure !== undefined) {
      throw new InfraError(`image build failed for ${spec.taskId}: ${failure}`, log.slice(-60).join('\n'));
    }
    const built = await this.inspectImage(name);
    if (!built) throw new InfraError(`image ${name} is missing after its build`, log.slice(-60).join('\n'));
    return { ...built, built: true, source: 'built' };
  }

  async startContainer(spec: ContainerSpec): Promise<string> {
    const network = typeof spec.network === 'string' ? spec.network : spec.network.name;
    const mounts = spec.readOnlyMounts ?? [];
    const binds = this.options.files === 'copy'
      ? await Promise.all(mounts.map(async (m) => `${await this.filesVolume(m.hostPath, spec.image)}:${m.containerPath}:ro`))
      : mounts.map((m) => `${m.hostPath}:${m.containerPath}:ro`);
    let container: Docker.Container;
    try {
      container = await this.docker.createContainer({
        Image: spec.image,
        Cmd: ['sleep', 'infinity'],
        Labels: { ...spec.labels, [LABELS.owner]: ownerLabel() },
        Env: Object.entries(spec.env ?? {}).map(([k, v]) => `${k}=${v}`),
        ...(spec.workdir ? { WorkingDir: spec.workdir } : {}),
        HostConfig: {
          Memory: spec.memoryMb * 1024 * 1024,
          NanoCpus: Math.round(spec.cpus * 1e9),
          PidsLimit: spec.pidsLimit,
          NetworkMode: network,
          Privileged: false,
          SecurityOpt: ['no-new-privileges'],
          CapDrop: ['ALL'],
          CapAdd: [...CONTAINER_CAPABILITIES],
          Binds: binds,
        },
      });
    } catch (e) {
      throw new InfraError(`cannot create a container from ${spec.image}: ${messageOf(e)}`);
    }
    try {
      await container.start();
    } catch (e) {
      await this.remove(container.id);
      throw new InfraError(`container from ${spec.image} did not start: ${messageOf(e)}`);
    }
    return container.id;
  }

  async exec(containerId: string, command: string[], options: ExecOptions = {}): Promise<ExecResult> {
    const started = Date.now();
    const container = this.docker.getContainer(containerId);
    const max = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT;
    const stdout = new OutputCapture(max, options.onStdout);
    const stderr = new OutputCapture(max, options.onStderr);
    let exec: Docker.Exec;
    let stream: NodeJS.ReadWriteStream;
    try {
      exec = await container.exec({
        Cmd: command,
        AttachStdout: true,
        AttachStderr: true,
        Env: Object.entries(options.env ?? {}).map(([k, v]) => `${k}=${v}`),
        ...(options.workdir ? { WorkingDir: options.workdir } : {}),
        ...(options.user ? { User: options.user } : {}),
      });
      stream = await exec.start({ hijack: true, stdin: false });
    } catch (e) {
      throw new InfraError(`cannot run a command in container ${containerId.slice(0, 12)}: ${messageOf(e)}`);
    }
    this.docker.modem.demuxStream(stream, stdout, stderr);

    let timedOut = false;
    let cancelled = false;
    await new Promise<void>((resolve) => {
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        clearInterval(poll);
        options.signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const stop = (why: 'timeout' | 'cancel') => {
        if (why === 'timeout') timedOut = true;
        else cancelled = true;
        void this.killAll(containerId).finally(() => setTimeout(() => {
          (stream as unknown as Readable).destroy();
          finish();
        }, 2000));
      };
      const onAbort = () => stop('cancel');
      const timer = options.timeoutMs ? setTimeout(() => stop('timeout'), options.timeoutMs) : undefined;
      if (options.signal?.aborted) onAbort();
      options.signal?.addEventListener('abort', onAbort, { once: true });
      stream.on('end', finish);
      stream.on('close', finish);
      stream.on('error', finish);
      // A background child can keep the output open after the command itself exited.
      const poll = setInterval(() => {
        exec.inspect().then((info) => {
          if (!info.Running) setTimeout(() => { (stream as unknown as Readable).destroy(); finish(); }, 300);
        }, () => undefined);
      }, EXEC_POLL_MS);
    });

    let exitCode = -1;
    let answered = false;
    for (let attempt = 0; attempt < 20; attempt++) {
      const info = await exec.inspect().catch(() => undefined);
      answered ||= info !== undefined;
      if (info && !info.Running) {
        exitCode = info.ExitCode ?? -1;
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    if (timedOut || cancelled) exitCode = exitCode === -1 ? 137 : exitCode;
    // The engine never said how the command ended: it is gone (daemon killed, connection dropped).
    else if (!answered) throw new InfraError(`lost the Docker engine at ${describeHost(this.options.displayHost ?? this.host)} while a command ran in container ${containerId.slice(0, 12)}`);
    return {
      exitCode,
      stdout: stdout.text(),
      stderr: stderr.text(),
      timedOut,
      cancelled,
      durationMs: Date.now() - started,
      truncated: stdout.truncated || stderr.truncated,
    };
  }

  /**
   * End every process in the container except its idle PID 1: `kill -1` from inside reaches the whole
   * tree a command started, daemons included, which the engine's exec API cannot signal itself.
   */
  private async killAll(containerId: string): Promise<void> {
    try {
      const exec = await this.docker.getContainer(containerId).exec({ Cmd: ['sh', '-c', 'kill -KILL -1'], AttachStdout: true, AttachStderr: true, User: 'root' });
      const stream = await exec.start({ hijack: true, stdin: false });
      stream.resume();
      await new Promise((resolve) => { stream.on('end', resolve); stream.on('close', resolve); setTimeout(resolve, 5000); });
    } catch {
      // The container may already be gone; removal follows anyway.
    }
  }

  async copyDirIn(containerId: string, hostDir: string, destDir: string): Promise<void> {
    const prefix = destDir.replace(/^\/+/, '').replace(/\/+$/, '');
    const archive = packDir(hostDir, {
      map: (header) => {
        header.name = posix.join(prefix, header.name);
        header.uid = 0;
        header.gid = 0;
        return header;
      },
    });
    await this.putArchive(containerId, archive as unknown as Readable, destDir);
  }

  async copyFilesIn(containerId: string, files: FileEntry[], destDir: string): Promise<void> {
    const prefix = destDir.replace(/^\/+/, '').replace(/\/+$/, '');
    const archive = packFiles();
    for (const file of files) {
      const content = typeof file.content === 'string' ? Buffer.from(file.content) : file.content;
      archive.entry({ name: posix.join(prefix, file.path), mode: file.mode ?? 0o644, uid: 0, gid: 0, size: content.length }, content);
    }
    archive.finalize();
    await this.putArchive(containerId, archive as unknown as Readable, destDir);
  }

  private async putArchive(containerId: string, archive: Readable, destDir: string): Promise<void> {
    try {
      // Paths in the archive are absolute-from-root, so missing parent folders are created.
      await this.docker.getContainer(containerId).putArchive(archive, { path: '/' });
    } catch (e) {
      throw new InfraError(`cannot copy files to ${destDir} in container ${containerId.slice(0, 12)}: ${messageOf(e)}`);
    }
  }

  async readFile(containerId: string, path: string, maxBytes = DEFAULT_MAX_OUTPUT, linksFollowed = 0): Promise<Buffer | undefined> {
    let archive: NodeJS.ReadableStream;
    try {
      archive = await this.docker.getContainer(containerId).getArchive({ path });
    } catch (e) {
      if (statusOf(e) === 404) return undefined;
      throw new InfraError(`cannot read ${path} from container ${containerId.slice(0, 12)}: ${messageOf(e)}`);
    }
    const first = await new Promise<{ content?: Buffer; link?: string }>((resolve, reject) => {
      const untar = extract();
      let found: { content?: Buffer; link?: string } | undefined;
      untar.on('entry', (header, body, next) => {
        const chunks: Buffer[] = [];
        let size = 0;
        body.on('data', (data: unknown) => {
          const chunk = data as Buffer;
          if (!found && header.type === 'file' && size < maxBytes) chunks.push(chunk);
          size += chunk.length;
        });
        body.on('end', () => {
          if (!found && header.type === 'file') found = { content: Buffer.concat(chunks).subarray(0, maxBytes) };
          else if (!found && header.type === 'symlink' && header.linkname) found = { link: header.linkname };
          next();
        });
        body.resume();
      });
      untar.on('finish', () => resolve(found ?? {}));
      untar.on('error', reject);
      archive.pipe(untar);
    });
    // The engine hands back a symlink as a link entry: follow it (a few hops at most), as `cat` would.
    if (first.link !== undefined && linksFollowed < 8) {
      return this.readFile(containerId, posix.resolve(posix.dirname(path), first.link), maxBytes, linksFollowed + 1);
    }
    return first.content;
  }

  async remove(containerId: string): Promise<void> {
    try {
      await this.docker.getContainer(containerId).remove({ force: true, v: true });
    } catch (e) {
      const status = statusOf(e);
      if (status === 404 || (status === 409 && /already in progress/.test(messageOf(e)))) return;
      throw new InfraError(`cannot remove container ${containerId.slice(0, 12)}: ${messageOf(e)}`);
    }
  }

  async listLabelled(): Promise<ContainerInfo[]> {
    const list = await this.docker.listContainers({ all: true, filters: { label: [LABELS.run] } });
    return list.map((c) => ({ id: c.Id, labels: c.Labels ?? {}, state: c.State }));
  }

  async createNetwork(spec: NetworkSpec): Promise<NetworkInfo> {
    try {
      const created = await this.docker.createNetwork({
        Name: spec.name, Driver: 'bridge', Internal: spec.internal, CheckDuplicate: true,
        Labels: { ...spec.labels, [LABELS.owner]: ownerLabel() },
      });
      const info = await this.inspectNetwork(created.id);
      if (!info) throw new Error('it is gone right after its creation');
      return info;
    } catch (e) {
      throw new InfraError(`cannot create the Docker network ${spec.name}: ${messageOf(e)}`);
    }
  }

  async inspectNetwork(nameOrId: string): Promise<NetworkInfo | undefined> {
    try {
      return networkInfo(await this.docker.getNetwork(nameOrId).inspect() as DockerNetwork);
    } catch (e) {
      if (statusOf(e) === 404) return undefined;
      throw new InfraError(`cannot inspect the Docker network ${nameOrId}: ${messageOf(e)}`);
    }
  }

  async removeNetwork(nameOrId: string): Promise<void> {
    try {
      await this.docker.getNetwork(nameOrId).remove();
    } catch (e) {
      if (statusOf(e) === 404) return;
      throw new InfraError(`cannot remove the Docker network ${nameOrId}: ${messageOf(e)}`);
    }
  }

  async listLabelledNetworks(): Promise<NetworkInfo[]> {
    const list = await this.docker.listNetworks({ filters: { label: [LABELS.run] } }) as DockerNetwork[];
    // The list leaves out attached containers: inspect each (few networks, at most two per run).
    const infos = await Promise.all(list.map((n) => this.inspectNetwork(n.Id)));
    return infos.filter((n): n is NetworkInfo => n !== undefined);
  }

  async disconnectNetwork(containerId: string, network: string): Promise<void> {
    try {
      await this.docker.getNetwork(network).disconnect({ Container: containerId, Force: true });
    } catch (e) {
      throw new InfraError(`cannot take container ${containerId.slice(0, 12)} off the network ${network}: ${messageOf(e)}`);
    }
  }
}

interface DockerNetwork {
  Id: string;
  Name: string;
  Internal?: boolean;
  Labels?: Record<string, string> | null;
  IPAM?: { Config?: { Gateway?: string }[] | null };
  Containers?: Record<string, unknown> | null;
}

function networkInfo(n: DockerNetwork): NetworkInfo {
  const gateway = (n.IPAM?.Config ?? []).map((c) => c.Gateway).find((g): g is string => Boolean(g) && !String(g).includes(':'));
  return { id: n.Id, name: n.Name, gateway, internal: Boolean(n.Internal), labels: n.Labels ?? {}, containers: Object.keys(n.Containers ?? {}).length };
}

