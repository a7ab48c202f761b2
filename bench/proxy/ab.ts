/**
 * Before/after of the metering proxy, in the same minutes: the pass-through, the metering proxy of
 * another checkout (the code before a change) and the metering proxy of this one, behind one
 * simulated provider, in rounds of a fixed number of requests that rotate the order; prints each
 * process's CPU time per request (all threads, read from the process: robust to other load on the
 * machine) and its garbage-collection time per request, median over rounds.
 *   git archive COMMIT src bench package.json tsconfig.json | tar -x -C /tmp/before
 *   ln -s "$PWD/node_modules" /tmp/before/node_modules
 *   node --require tsx/cjs bench/proxy/ab.ts /tmp/before [rounds] [requests per round] [--bundled] [--big] [--only streaming|non-streaming]
 * `--bundled` runs every server from an esbuild bundle of its checkout's servers.ts, built with the
 * options the shipped CLI and extension are built with (no tsx: no export getters, no `__name` for
 * each closure), so the figures are the shipped code's. `--big` sends an agent's ~100 kB chat instead
 * of a one-line one (streamed without `stream_options`, as agent SDKs do), so the costs that grow with
 * the request show.
 */
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildSync } from 'esbuild';
import { agentChat, CHAT } from './bodies';

const [otherArg, roundsArg, amountArg] = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && all[i - 1] !== '--only');
const BUNDLED = process.argv.includes('--bundled');
const bundles = new Map<string, string>();

/** servers.ts of a checkout as the shipped bundles are built (.config/esbuild.mjs, production). */
function bundleOf(checkout: string): string {
  let file = bundles.get(checkout);
  if (!file) {
    file = join(mkdtempSync(join(tmpdir(), 'kb-ab-')), 'servers.js');
    buildSync({
      entryPoints: [resolve(checkout, 'bench/proxy/servers.ts')], outfile: file, bundle: true, platform: 'node', target: 'node20',
      format: 'cjs', minify: true, logLevel: 'warning', external: ['vscode', 'cpu-features', '*.node'], nodePaths: [resolve(checkout, 'node_modules')],
    });
    bundles.set(checkout, file);
  }
  return file;
}
const children: ChildProcess[] = [];

interface Stats { requests: number; cpuUs: number; gcUs: number }

function start(checkout: string, ...args: string[]): Promise<{ url: string; stats: string }> {
  const script = BUNDLED ? [bundleOf(checkout)] : ['--require', 'tsx/cjs', resolve(checkout, 'bench/proxy/servers.ts')];
  const child = spawn(process.execPath, [...script, ...args], { cwd: checkout, stdio: ['ignore', 'pipe', 'inherit'] });
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

// `--big`: an agent's ~100 kB chat, streamed without stream_options as agent SDKs send it (the proxy asks for usage).
const BIG = process.argv.includes('--big');
/** `--only streaming` or `--only non-streaming`: one half, for more rounds in the same minutes. */
const ONLY = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
const BODY = JSON.stringify(BIG ? agentChat() : CHAT);
const STREAM_BODY = JSON.stringify(BIG ? { ...agentChat(), stream: true } : { ...CHAT, stream: true, stream_options: { include_usage: true } });
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
  console.log(`metering proxy before (${other}) and after (${here}), ${rounds} rounds of ${amount} requests per target, 16 connections${BUNDLED ? ', servers bundled as shipped' : ', servers under tsx'}${BIG ? `, ${BODY.length} B requests` : ''}`);
  console.log(`load average at start ${load()}`);
  for (const [label, body] of [['non-streaming', BODY], ['streaming', STREAM_BODY]] as const) {
    if (ONLY && ONLY !== label) continue;
    const cpu: number[][] = targets.map(() => []);
    const gc: number[][] = targets.map(() => []);
    for (const target of targets) await autocannon({ url: `${target.url}/chat/completions`, method: 'POST', body, headers: { 'content-type': 'application/json' }, connections: 16, amount: Math.min(1000, amount) });
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
    // Paired within each round (the same minute's load on both): steadier than the ratio of medians.
    const paired = (i: number): string => median((cpu[i] as number[]).map((x, r) => x / ((cpu[0] as number[])[r] as number))).toFixed(2);
    const change = median((cpu[2] as number[]).map((x, r) => x / ((cpu[1] as number[])[r] as number)));
    console.log(`  per-round ratios (median): before ${paired(1)}×, after ${paired(2)}× the pass-through; after ÷ before ${change.toFixed(3)}`);
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
