/**
 * The resource limits a Terminal-Bench 1.x task's `docker-compose.yaml` sets on its agent container
 * (the `client` service, else the only or first service): `deploy.resources.limits.cpus` and
 * `.memory`, or the service-level `cpus` and `mem_limit`, as Docker Compose reads them. They become
 * the task's cpu and memory limits, which the runtime applies to the trial container.
 */
import { isTable, type Table } from './fields';
import { exists, readTaskText } from './task-files';
import type { TaskError } from './task';
import { parseYaml } from './tb1-loader';

export const TB1_COMPOSE_FILE = 'docker-compose.yaml';

export interface ComposeLimits {
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

export async function readComposeLimits(dir: string, errors: TaskError[], warnings: TaskError[]): Promise<ComposeLimits> {
  if ((await exists(dir, TB1_COMPOSE_FILE)) !== 'file') return {};
  const file = await readTaskText(dir, TB1_COMPOSE_FILE);
  if (!file.ok) return {};
  const problems: TaskError[] = [];
  const parsed = parseYaml(TB1_COMPOSE_FILE, file.text, problems);
  // A compose file KiloBench cannot read only costs the limits: say so, but the task still runs.
  if (problems.length > 0) {
    warnings.push(...problems.map((p) => ({ ...p, message: `${p.message} (its resource limits are not applied)` })));
    return {};
  }
  const services = isTable(parsed.value) && isTable(parsed.value.services) ? parsed.value.services : undefined;
  const service = services ? agentService(services) : undefined;
  if (!service) return {};
  const [name, spec] = service;
  const deploy = isTable(spec.deploy) && isTable(spec.deploy.resources) && isTable(spec.deploy.resources.limits) ? spec.deploy.resources.limits : {};
  const field = (path: string) => `services.${name}.${path}`;
  const limits: ComposeLimits = {};

  const read = <T>(key: 'cpus' | 'memoryMb', candidates: [string, unknown][], parse: (v: unknown) => T | undefined, example: string) => {
    const values: [string, T][] = [];
    for (const [path, raw] of candidates) {
      if (raw === undefined || raw === null) continue;
      const value = parse(raw);
      if (value === undefined) errors.push({ file: TB1_COMPOSE_FILE, field: field(path), message: `must be ${example}, found ${JSON.stringify(raw)}` });
      else values.push([path, value]);
    }
    const [first, second] = values;
    if (first && second && first[1] !== second[1]) {
      warnings.push({ file: TB1_COMPOSE_FILE, field: field(second[0]), message: `differs from ${field(first[0])} (${JSON.stringify(first[1])}): the latter is used` });
    }
    if (first) (limits as Record<string, unknown>)[key] = first[1];
  };
  read('cpus', [['deploy.resources.limits.cpus', deploy.cpus], ['cpus', spec.cpus]], cpusOf, 'a positive number of CPUs such as 2 or "0.5"');
  read('memoryMb', [['deploy.resources.limits.memory', deploy.memory], ['mem_limit', spec.mem_limit]], composeBytesToMb, 'a size such as "4g" or "512m" (at least 1 MB)');
  return limits;
}
