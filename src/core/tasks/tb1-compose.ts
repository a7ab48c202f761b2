/**
 * What KiloBench takes from a TB 1.x `docker-compose.yaml`: the agent service's (`client`, else the
 * first) `network_mode: none` (the task runs without network) and a literal `image:` (a prebuilt
 * image; Terminal-Bench's own `${T_BENCH_…}` placeholder names the image it builds, not one to pull).
 * Everything else that would widen the container (privileged, host network, volumes, capabilities)
 * is never read: KiloBench decides those itself.
 */
import { exists, readTaskText } from './task-files';
import { isTable } from './fields';
import type { TaskError } from './task';
import { parseYaml } from './tb1-loader';

export const TB1_COMPOSE_FILES = ['docker-compose.yaml', 'docker-compose.yml'];

export interface Tb1ComposeFacts {
  noNetwork: boolean;
  image?: string;
}

export async function readTb1Compose(dir: string, warnings: TaskError[]): Promise<Tb1ComposeFacts> {
  for (const file of TB1_COMPOSE_FILES) {
    if ((await exists(dir, file)) !== 'file') continue;
    const text = await readTaskText(dir, file);
    if (!text.ok) return { noNetwork: false };
    const problems: TaskError[] = [];
    const { value } = parseYaml(file, text.text, problems);
    if (problems.length > 0) {
      warnings.push({ file, message: `not read (${problems[0]?.message}): the task runs with network and its Dockerfile` });
      return { noNetwork: false };
    }
    const services = isTable(value) && isTable(value.services) ? value.services : undefined;
    const service = services ? (isTable(services.client) ? services.client : Object.values(services).find(isTable)) : undefined;
    if (!service) return { noNetwork: false };
    const image = typeof service.image === 'string' && service.image.trim() && !service.image.includes('$') ? service.image.trim() : undefined;
    return { noNetwork: service.network_mode === 'none', ...(image ? { image } : {}) };
  }
  return { noNetwork: false };
}
