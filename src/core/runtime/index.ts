/** The container runtime: Docker behind the `ContainerRuntime` interface, and the reaper of labelled leftovers. */
export type { ContainerRuntime } from './container-runtime';
export { DockerRuntime } from './docker/docker-runtime';
export { describeHost, resolveDockerHost } from './docker/docker-host';
export { pruneContainers, pruneNetworks } from './reaper';
export { EngineConfigError, enginesFromHosts, readEnginesConfig, readEnginesFile, type EngineEntry, type EnginesFile } from './engines-config';
export { checkRegistryHost } from './docker/image-registry';
