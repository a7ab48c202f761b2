/** Real-engine helpers for container tests (the engine comes from test/run.mjs's setup). */
import Docker from 'dockerode';
import { DockerRuntime } from '../../src/core/runtime/docker/docker-runtime';
import { dockerOptions, resolveDockerHost } from '../../src/core/runtime/docker/docker-host';
import { LABELS } from '../../src/core/runtime/container-runtime';

export function dockerRuntime(): DockerRuntime {
  return new DockerRuntime();
}

/** Raw engine access, to check what KiloBench asked for (limits, labels). */
export function rawDocker(): Docker {
  return new Docker(dockerOptions(resolveDockerHost()));
}

export async function containersOfRun(runId: string): Promise<string[]> {
  const list = await rawDocker().listContainers({ all: true, filters: { label: [`${LABELS.run}=${runId}`] } });
  return list.map((c) => c.Id);
}

export async function allLabelledContainers(): Promise<string[]> {
  const list = await rawDocker().listContainers({ all: true, filters: { label: [LABELS.run] } });
  return list.map((c) => c.Id);
}

/** Wait until `check` holds, polling; fails with `what` after `timeoutMs`. */
export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}
