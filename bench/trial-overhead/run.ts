/**
 * KiloBench's per-trial container overhead against the docker CLI doing the same steps, measured
 * side by side in one run: create + start a container, run one command, copy a file in, remove it.
 * Rounds alternate between the two so that engine warm-up and machine load hit both alike.
 *
 *   node --require tsx/cjs bench/trial-overhead/run.ts [rounds]
 * Prints the median and mean of each and the ratio KiloBench / docker CLI (goal: ≤ 1.0).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DockerRuntime } from '../../src/core/runtime/docker/docker-runtime';
import { resolveDockerHost } from '../../src/core/runtime/docker/docker-host';
import { LABELS } from '../../src/core/runtime/container-runtime';

const IMAGE = 'debian:bookworm-slim';
const run = promisify(execFile);
const ROUNDS = Number(process.argv[2] ?? 20);

async function kilobenchRound(runtime: DockerRuntime): Promise<number> {
  const start = performance.now();
  const id = await runtime.startContainer({ image: IMAGE, labels: { [LABELS.run]: 'bench' }, memoryMb: 512, cpus: 1, pidsLimit: 256, network: 'none' });
  await runtime.exec(id, ['true']);
  await runtime.copyFilesIn(id, [{ path: 'input.txt', content: 'benchmark payload\n' }], '/tmp');
  await runtime.remove(id);
  return performance.now() - start;
}

async function cliRound(env: NodeJS.ProcessEnv, file: string): Promise<number> {
  const docker = async (...args: string[]) => (await run('docker', args, { env, encoding: 'utf8' })).stdout.trim();
  const start = performance.now();
  const id = await docker('create', '--label', `${LABELS.run}=bench`, '--memory', '512m', '--cpus', '1', '--pids-limit', '256', '--network', 'none', IMAGE, 'sleep', 'infinity');
  await docker('start', id);
  await docker('exec', id, 'true');
  await docker('cp', file, `${id}:/tmp/input.txt`);
  await docker('rm', '-f', id);
  return performance.now() - start;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

async function main(): Promise<void> {
  const host = resolveDockerHost();
  const env = { ...process.env, ...(host ? { DOCKER_HOST: host } : {}) };
  const runtime = new DockerRuntime(host);
  console.log(`engine: ${await runtime.ping()}; image ${IMAGE}; ${ROUNDS} rounds each, alternating`);
  const dir = mkdtempSync(join(tmpdir(), 'kb-bench-'));
  const file = join(dir, 'input.txt');
  writeFileSync(file, 'benchmark payload\n');
  // One warm-up round each, not counted.
  await kilobenchRound(runtime);
  await cliRound(env, file);
  const kb: number[] = [];
  const cli: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    if (i % 2 === 0) {
      kb.push(await kilobenchRound(runtime));
      cli.push(await cliRound(env, file));
    } else {
      cli.push(await cliRound(env, file));
      kb.push(await kilobenchRound(runtime));
    }
  }
  rmSync(dir, { recursive: true, force: true });
  const row = (name: string, xs: number[]) => console.log(`${name.padEnd(12)} median ${median(xs).toFixed(1)} ms   mean ${mean(xs).toFixed(1)} ms`);
  row('kilobench', kb);
  row('docker CLI', cli);
  console.log(`ratio kilobench / docker CLI: median ${(median(kb) / median(cli)).toFixed(2)}, mean ${(mean(kb) / mean(cli)).toFixed(2)} (goal ≤ 1.0)`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
