/**
 * What the trial lifecycle and the scheduler know about containers. Docker (dockerode) implements
 * it today; a cluster backend (one pod per trial) can implement it later without any change above
 * this line.
 */

/** Labels every KiloBench container carries, so a reaper can find what a crash left behind. */
export const LABELS = {
  run: 'kilobench.run',
  trial: 'kilobench.trial',
  task: 'kilobench.task',
  /** `host:pid` of the process that owns the container; a dead owner means the container is an orphan. */
  owner: 'kilobench.owner',
} as const;

export interface ImageSpec {
  /** Used in the image name (`kilobench-task/<taskId>`). */
  taskId: string;
  contextDir: string;
  /** Relative to contextDir; undefined to use `prebuiltImage`. */
  dockerfile: string | undefined;
  /**
   * A prebuilt image the task names: used first (pulled when absent); the Dockerfile is built only
   * when the pull fails or `preferBuild` is set.
   */
  prebuiltImage?: string;
  /** Build from the Dockerfile even when the task names a prebuilt image (`--build-images`). */
  preferBuild?: boolean;
  buildTimeoutMs: number;
}

export interface ImageRef {
  /** `kilobench-task/<id>:<content hash>` or the prebuilt name. */
  name: string;
  /** Engine image id (sha256:…). */
  id: string;
  /** The registry digest of a prebuilt image (`name@sha256:…`), when the engine knows one. */
  repoDigest?: string;
  /** How the trial got it: built from the Dockerfile, pulled, or already present. */
  source?: 'built' | 'pulled' | 'present';
  /** False when an image with the same content hash was already there. */
  built: boolean;
  /** WORKDIR of the image ('/' when it sets none). */
  workdir: string;
}

export type NetworkMode = 'none' | 'host' | { name: string };

/** A Docker network KiloBench made for a run (or one the user named). */
export interface NetworkInfo {
  id: string;
  name: string;
  /** The gateway address: the host's side of the bridge (undefined for networks without one). */
  gateway: string | undefined;
  /** `--internal`: no route out of the network. */
  internal: boolean;
  labels: Record<string, string>;
  /** Containers attached right now. */
  containers: number;
}

export interface NetworkSpec {
  name: string;
  internal: boolean;
  labels: Record<string, string>;
}

export interface ContainerSpec {
  image: string;
  labels: Record<string, string>;
  env?: Record<string, string>;
  /** Memory limit in MiB. */
  memoryMb: number;
  cpus: number;
  pidsLimit: number;
  network: NetworkMode;
  /** Read-only bind mounts (e.g. a harness binary kept on the host). */
  readOnlyMounts?: { hostPath: string; containerPath: string }[];
  workdir?: string;
}

export interface ExecOptions {
  env?: Record<string, string>;
  workdir?: string;
  user?: string;
  /** Kill the command (and everything it started) after this long. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Live output, as it arrives. */
  onStdout?: (chunk: Buffer) => void;
  onStderr?: (chunk: Buffer) => void;
  /** Most bytes of each stream kept in the result (the rest is counted, not stored). */
  maxOutputBytes?: number;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  cancelled: boolean;
  durationMs: number;
  /** True when a stream was longer than maxOutputBytes and was cut. */
  truncated: boolean;
}

/** A file to copy into a container. */
export interface FileEntry {
  /** Path inside the archive, relative to the destination folder. */
  path: string;
  content: string | Buffer;
  mode?: number;
}

export interface ContainerInfo {
  id: string;
  labels: Record<string, string>;
  state: string;
}

export interface ContainerRuntime {
  /** A short description of the engine ("Docker 20.10.24 at unix:///…"), or an InfraError. */
  ping(): Promise<string>;
  /** Build (or reuse, when its content hash is unchanged) the image of a task. */
  ensureImage(spec: ImageSpec, onLog?: (line: string) => void, signal?: AbortSignal): Promise<ImageRef>;
  /** Create and start a container that idles until told what to run. */
  startContainer(spec: ContainerSpec): Promise<string>;
  exec(containerId: string, command: string[], options?: ExecOptions): Promise<ExecResult>;
  /** Copy a host folder's contents to `destDir` in the container. */
  copyDirIn(containerId: string, hostDir: string, destDir: string): Promise<void>;
  copyFilesIn(containerId: string, files: FileEntry[], destDir: string): Promise<void>;
  /** Read one file from the container; undefined when it does not exist. */
  readFile(containerId: string, path: string, maxBytes?: number): Promise<Buffer | undefined>;
  /** Remove the container (force); never throws for one that is already gone. */
  remove(containerId: string): Promise<void>;
  /** Containers carrying KiloBench's labels. */
  listLabelled(): Promise<ContainerInfo[]>;
  /** Create a bridge network (labelled with the owner, like containers). */
  createNetwork(spec: NetworkSpec): Promise<NetworkInfo>;
  /** A network by name or id; undefined when there is none. */
  inspectNetwork(nameOrId: string): Promise<NetworkInfo | undefined>;
  /** Remove a network; never throws for one that is already gone. */
  removeNetwork(nameOrId: string): Promise<void>;
  /** Networks carrying KiloBench's run label. */
  listLabelledNetworks(): Promise<NetworkInfo[]>;
  /** Take a container off a network (e.g. before a verifier that must run without one). */
  disconnectNetwork(containerId: string, network: string): Promise<void>;
}
