/**
 * Which network a trial gets, with Terminal-Bench's semantics: internet by default (real tasks install
 * their test tools at test time), none where the task says so (Harbor `network_mode = "no-network"`,
 * TB 1.x compose `network_mode: none`). The run setting `network` may force `none` for offline work,
 * or opt in to the host's network (the old way: every container shares the host's loopback).
 */
import type { Task } from '../tasks/task';

/** Run setting: `task` (default) follows each task; `none` takes the network from every task; `host` is the explicit opt-in. */
export const NETWORK_SETTINGS = ['task', 'none', 'host'] as const;
export type NetworkSetting = (typeof NETWORK_SETTINGS)[number];

/** What a trial's container may reach besides the model channel. */
export type NetworkAccess = 'internet' | 'none';

export function taskDeclaresNoNetwork(task: Task): boolean {
  return task.environment.networkMode === 'no-network';
}

export function networkAccess(task: Task, setting: NetworkSetting = 'task'): NetworkAccess {
  return setting === 'none' || taskDeclaresNoNetwork(task) ? 'none' : 'internet';
}

/** Tasks that expect the network (they do not declare none) but lose it to a forced `none`. */
export function tasksLosingNetwork(tasks: readonly Task[], setting: NetworkSetting | undefined): Task[] {
  return setting === 'none' ? tasks.filter((t) => !taskDeclaresNoNetwork(t)) : [];
}

/** The warning line for those tasks, or undefined when there are none. */
export function forcedOfflineWarning(tasks: readonly Task[], setting: NetworkSetting | undefined): string | undefined {
  const losing = tasksLosingNetwork(tasks, setting);
  if (losing.length === 0) return undefined;
  const shown = losing.slice(0, 8).map((t) => t.id).join(', ') + (losing.length > 8 ? `, … (${losing.length} in all)` : '');
  return `network forced to none: ${shown} do not declare no-network; their tests fail if they download anything (e.g. curl or uv in tests/test.sh)`;
}

/**
 * Lines of a test run that mean it could not reach the network: name resolution or connection
 * failures as curl, uv, pip, apt, bash and Python print them.
 */
const NETWORK_FAILURE = new RegExp([
  'Could not resolve host', 'Temporary failure (in name resolution|resolving)', 'Name or service not known', 'failed to lookup address',
  'dns error', 'getaddrinfo', 'Network is unreachable', 'NewConnectionError', 'Failed to establish a new connection',
  'Failed to (connect|fetch)', 'Could not connect to', 'Connection (refused|timed out)', 'Max retries exceeded with url',
  'Failed to download', 'Unable to connect to', 'No route to host', 'Unable to fetch some archives',
].join('|'), 'i');

/** The first line of a test run's output that reads like a failed download, if any. */
export function networkFailureLine(output: string | undefined): string | undefined {
  return output?.split('\n').find((l) => NETWORK_FAILURE.test(l))?.trim().slice(0, 200);
}

/** A cause for a verifier's output, when it reads like a failed download in a container without network. */
export function offlineFailureHint(output: string | undefined): string | undefined {
  return networkFailureLine(output) ? 'the tests could not reach the network (the trial ran without one)' : undefined;
}
