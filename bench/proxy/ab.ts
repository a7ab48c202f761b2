/**
 * Before/after of the metering proxy, in the same minutes: the pass-through, the metering proxy of
 * another checkout (the code before a change) and the metering proxy of this one, behind one
 * simulated provider, in rounds of a fixed number of requests that rotate the order; prints each
 * process's CPU time per request (all threads, read from the process: robust to other load on the
 * machine) and its garbage-collection time per request, median over rounds.
 *   git archive COMMIT src bench package.json tsconfig.json | tar -x -C /tmp/before
 *   ln -s "$PWD/node_modules" /tmp/before/node_modules
 *   node --require tsx/cjs bench/proxy/ab.ts /tmp/before [rounds] [requests per round]
 */
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';

const [otherArg, roundsArg, amountArg] = process.argv.slice(2);
const children: ChildProcess[] = [];

interface Stats { requests: number; cpuUs: number; gcUs: number }

function start(checkout: string, ...args: string[]): Promise<{ url: string; stats: string }> {
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', resolve(checkout, 'bench/proxy/servers.ts'), ...args], { cwd: checkout, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise((done, fail) => {
    child.stdout?.once('data', (chunk: Buffer) => done(JSON.parse(chunk.toString()) as { url: string; stats: string }));
    child.once('exit', (code) => fail(new Error(`${checkout}: servers.ts ${args.join(' ')} exited with ${code}`)));
  });
}

function getJson(url: string): Promise<Stats> {
  return new Promise((done, fail) => {
    http.get(url, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => done(JSON.parse(text) as Stats));
    }).on('error', fail);
  });
}

const BODY = JSON.stringify({ model: 'sim/direct', messages: [{ role: 'user', content: 'Say hello.' }] });
const STREAM_BODY = JSON.stringify({ model: 'sim/direct', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'Say hello.' }] });
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');

async function main(): Promise<void> {
  if (!otherArg) throw new Error('usage: ab.ts OTHER_CHECKOUT [rounds] [requests per round]');
  const here = resolve(__dirname, '../..');
  const other = resolve(otherArg);
  const rounds = Number(roundsArg ?? 6);
  const amount = Number(amountArg ?? 2000);
  const sim = await start(here, 'sim', '0');
  const targets = [
    { name: 'pass-through', ...(await start(here, 'passthrough', `${sim.url}/v1`)) },
    { name: 'before', ...(await start(other, 'proxy', `${sim.url}/v1`)) },
    { name: 'after', ...(await start(here, 'proxy', `${sim.url}/v1`)) },
  ];
  console.log(`metering proxy before (${other}) and after (${here}), ${rounds} rounds of ${amount} requests per target, 16 connections`);
  console.log(`load average at start ${load()}`);
  for (const [label, body] of [['non-streaming', BODY], ['streaming', STREAM_BODY]] as const) {
    const cpu: number[][] = targets.map(() => []);
    const gc: number[][] = targets.map(() => []);
    for (const target of targets) await autocannon({ url: `${target.url}/chat/completions`, method: 'POST', body, headers: { 'content-type': 'application/json' }, connections: 16, amount: 1000 });
    for (let round = 0; round < rounds; round++) {
      for (let k = 0; k < targets.length; k++) {
        const i = (k + round) % targets.length;
        const target = targets[i] as (typeof targets)[number];
        const before = await getJson(target.stats);
        const result = await autocannon({ url: `${target.url}/chat/completions`, method: 'POST', body, headers: { 'content-type': 'application/json' }, connections: 16, amount });
        if (result.non2xx || result.errors) throw new Error(`${target.name}: ${result.non2xx} non-2xx, ${result.errors} errors`);
        const after = await getJson(target.stats);
        const served = after.requests - before.requests;
        cpu[i]?.push((after.cpuUs - before.cpuUs) / served);
        gc[i]?.push((after.gcUs - before.gcUs) / served);
      }
    }
    const base = median(cpu[0] as number[]);
    console.log(`${label}: CPU per request (median of ${rounds} rounds; ratio to the pass-through)`);
    targets.forEach((target, i) => console.log(`  ${target.name.padEnd(13)} ${median(cpu[i] as number[]).toFixed(0).padStart(5)} µs (${(median(cpu[i] as number[]) / base).toFixed(2)}×), GC ${median(gc[i] as number[]).toFixed(0)} µs; rounds ${(cpu[i] as number[]).map((x) => x.toFixed(0)).join(' ')}`));
  }
  console.log(`load average at end ${load()}`);
}

main()
  .catch((error: Error) => {
    console.error(error.message);
    process.exitCode = 1;
  })
  .finally(() => {
    for (const child of children) child.kill('SIGTERM');
  });
