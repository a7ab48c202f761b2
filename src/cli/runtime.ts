/** The container runtime for CLI commands: Docker at --docker-host, DOCKER_HOST or the default socket. */
import { DockerRuntime } from '../core/runtime';
import { UsageError } from './errors';

export async function connectRuntime(host?: string): Promise<DockerRuntime> {
  let runtime: DockerRuntime;
  try {
    runtime = new DockerRuntime(host);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  await runtime.ping();
  return runtime;
}

