/**
 * What KiloBench takes from a Terminal-Bench 1.x `docker-compose.yaml`, read once, from the agent's
 * service (`client` as Terminal-Bench names it, else the only or first one):
 * - `network_mode: none`: the task runs without network;
 * - a literal `image:`: a prebuilt image (Terminal-Bench's own `${T_BENCH_…}` placeholder names the
 *   image it builds, not one to pull);
 * - `deploy.resources.limits.cpus` / `.memory`, or the service-level `cpus` / `mem_limit`, as Docker
 *   Compose reads them: the task's cpu and memory limits, which the runtime applies.
 * Everything else that would widen the container (privileged, host network, volumes, capabilities)
 * is never read: KiloBench decides those itself.
 */
import { isTable, type Table } from './fields';
import { exists, readTaskText } from './task-files';
import type { TaskError } from './task';
import { parseYaml } from './yaml-file';

export const TB1_COMPOSE_FILES = ['docker-compose.yaml', 'docker-compose.yml'];

export interface Tb1ComposeFacts {
  noNetwork: boolean;
  image?: string;
  cpus?: number;
  memoryMb?: number;
}

/** Compose's byte sizes: a bare number is bytes; units b, k, m, g (powers of 1024, an optional trailing b). */
export function composeBytesToMb(value: unknown): number | undefined {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value : undefined;
  const match = text === undefined ? null : /^\s*(\d+(?:\.\d+)?)\s*([bkmg])?b?\s*$/i.exec(text);
  if (!match) return undefined;
  const scale: Record<string, number> = { b: 1 / (1024 * 1024), k: 1 / 1024, m: 1, g: 1024 };
  const mb = Number(match[1]) * scale[(match[2] ?? 'b').toLowerCase()]!;
  return mb >= 1 ? Math.round(mb) : undefined;
}

function cpusOf(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) : NaN;
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

/** The agent's service: `client` as Terminal-Bench names it, else the only (or first) one. */
function agentService(services: Table): [string, Table] | undefined {
  const entries = Object.entries(services).filter((e): e is [string, Table] => isTable(e[1]));
  return entries.find(([name]) => name === 'client') ?? entries[0];
}

export async function readTb1Compose(dir: string, errors: TaskError[], warnings: TaskError[]): Promise<Tb1ComposeFacts> {
  for (const file of TB1_COMPOSE_FILES) {
    if ((await exists(dir, file)) !== 'file') continue;
    const text = await readTaskText(dir, file);
    if (!text.ok) return { noNetwork: false };
    const problems: TaskError[] = [];
    const { value } = parseYaml(file, text.text, problems);
    // A compose file KiloBench cannot read costs only what it would say: the task still runs.
    if (problems.length > 0) {
      warnings.push({ file, message: `not read (${problems[0]?.message}): the task runs with network, its Dockerfile and the default limits` });
      return { noNetwork: false };
    }
    const services = isTable(value) && isTable(value.services) ? value.services : undefined;
    const service = services ? agentService(services) : undefined;
    if (!service) return { noNetwork: false };
    const [name, spec] = service;
    const image = typeof spec.image === 'string' && spec.image.trim() && !spec.image.includes('$') ? spec.image.trim() : undefined;
    return { noNetwork: spec.network_mode === 'none', ...(image ? { image } : {}), ...readLimits(file, name, spec, errors, warnings) };
  }
  return { noNetwork: false };
}

function readLimits(file: string, name: string, spec: Table, errors: TaskError[], warnings: TaskError[]): Pick<Tb1ComposeFacts, 'cpus' | 'memoryMb'> {
  const deploy = isTable(spec.deploy) && isTable(spec.deploy.resources) && isTable(spec.deploy.resources.limits) ? spec.deploy.resources.limits : {};
  const field = (path: string) => `services.${name}.${path}`;
  const limits: Pick<Tb1ComposeFacts, 'cpus' | 'memoryMb'> = {};
  const read = <T>(key: 'cpus' | 'memoryMb', candidates: [string, unknown][], parse: (v: unknown) => T | undefined, example: string) => {
    const values: [string, T][] = [];
    for (const [path, raw] of candidates) {
      if (raw === undefined || raw === null) continue;
      const value = parse(raw);
      if (value === undefined) errors.push({ file, field: field(path), message: `must be ${example}, found ${JSON.stringify(raw)}` });
      else values.push([path, value]);
    }
    const [first, second] = values;
    if (first && second && first[1] !== second[1]) {
      warnings.push({ file, field: field(second[0]), message: `differs from ${field(first[0])} (${JSON.stringify(first[1])}): the latter is used` });
    }
    if (first) (limits as Record<string, unknown>)[key] = first[1];
  };
  read('cpus', [['deploy.resources.limits.cpus', deploy.cpus], ['cpus', spec.cpus]], cpusOf, 'a positive number of CPUs such as 2 or "0.5"');
  read('memoryMb', [['deploy.resources.limits.memory', deploy.memory], ['mem_limit', spec.mem_limit]], composeBytesToMb, 'a size such as "4g" or "512m" (at least 1 MB)');
  return limits;
}
