/**
 * Proxy overhead benchmark: the same load against the simulated upstream directly, through a bare
 * pass-through proxy (node:http + keep-alive agent, no metering: the baseline) and through the
 * metering proxy, in one run, printed as ratios.
 *   node --require tsx/cjs bench/proxy/run.ts [--quick] [--rounds N] [--bundled]
 * `--bundled` runs the three servers from one esbuild bundle of servers.ts built as the shipped
 * `dist/` is (.config/esbuild.mjs: minified, node20), so the proxies' code runs as users run it; by
 * default they run under tsx, whose per-closure bookkeeping costs the metering proxy (many small
 * functions per request) more than the bare pass-through (BENCHMARKS.md row 20c).
 * 1. throughput at full load (autocannon, non-streaming and streaming), rounds rotating the order
 *    of the three targets; also the CPU time each proxy process spent per request;
 * 2. added latency at a fixed 1,000 requests/s (non-streaming), p50 and p99 with sub-millisecond
 *    timing (autocannon's histogram has whole milliseconds), the three targets' rounds interleaved;
 * 3. streamed time to first byte at 100 requests/s, against a sim whose first token takes 20 ms.
 * Goals (issue 17): metering proxy ≥ 0.8 × the pass-through's full-load throughput, and ≤ 1.2 × its
 * added median latency at 1,000 req/s. Servers run in child processes; every socket is on 127.0.0.1.
 */
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { mkdtempSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildSync } from 'esbuild';
import { performance } from 'node:perf_hooks';

const QUICK = process.argv.includes('--quick');
const roundsArg = process.argv.indexOf('--rounds');
const SERVERS = resolve(__dirname, 'servers.ts');
const BUNDLED = process.argv.includes('--bundled');

/** servers.ts bundled as the shipped dist/ is built; the script to run it with. */
function serverScript(): string[] {
  if (!BUNDLED) return ['--require', 'tsx/cjs', SERVERS];
  const file = join(mkdtempSync(join(tmpdir(), 'kb-proxy-bench-')), 'servers.js');
  buildSync({
    entryPoints: [SERVERS], outfile: file, bundle: true, platform: 'node', target: 'node20', format: 'cjs', minify: true,
    logLevel: 'warning', external: ['vscode', 'cpu-features', '*.node'],
  });
  return [file];
}
let script: string[] | undefined;
const BODY = JSON.stringify({ model: 'sim/direct', messages: [{ role: 'user', content: 'Say hello.' }] });
const STREAM_BODY = JSON.stringify({ model: 'sim/direct', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'Say hello.' }] });
const children: ChildProcess[] = [];

interface Started { url: string; stats: string | null }

function start(...args: string[]): Promise<Started> {
  script ??= serverScript();
  const child = spawn(process.execPath, [...script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise((done, fail) => {
    child.stdout?.once('data', (chunk: Buffer) => done(JSON.parse(chunk.toString()) as Started));
    child.once('exit', (code) => fail(new Error(`servers.ts ${args.join(' ')} exited with ${code}`)));
  });
}

/** A way to the simulated upstream: its URL, and where to read its process's CPU (proxies only). */
interface Target { name: string; url: string; stats: string | null }

async function throughput(url: string, body: string, seconds: number): Promise<number> {
  const result = await autocannon({ url, method: 'POST', body, headers: { 'content-type': 'application/json' }, connections: 16, duration: seconds });
  if (result.non2xx || result.errors) throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result.requests.average;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

function median(xs: number[]): number {
  return percentile([...xs].sort((a, b) => a - b), 50);
}

interface Timing { total: number; firstByte: number }

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

function once(url: URL, body: string): Promise<Timing> {
  return new Promise((done, fail) => {
    const t0 = performance.now();
    let firstByte = 0;
    const req = http.request({ hostname: url.hostname, port: url.port, path: url.pathname, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.on('data', () => {
        if (!firstByte) firstByte = performance.now() - t0;
      });
      res.on('end', () => (res.statusCode === 200 ? done({ total: performance.now() - t0, firstByte }) : fail(new Error(`HTTP ${res.statusCode}`))));
    });
    req.on('error', fail);
    req.end(body);
  });
}

function getJson(url: string): Promise<{ requests: number; cpuUs: number }> {
  return new Promise((done, fail) => {
    http.get(url, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => done(JSON.parse(text) as { requests: number; cpuUs: number }));
    }).on('error', fail);
  });
}

/** Requests started at a fixed rate (not waiting for each other), each timed on its own. */
async function paced(url: string, body: string, rate: number, seconds: number): Promise<{ timings: Timing[]; rate: number }> {
  const target = new URL(url);
  const count = Math.round(rate * seconds);
  const interval = 1000 / rate;
  const pending: Promise<Timing>[] = [];
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    const due = t0 + i * interval;
    while (performance.now() < due) {
      if (due - performance.now() > 2) await new Promise((r) => setTimeout(r, 1));
      else await new Promise((r) => setImmediate(r));
    }
    pending.push(once(target, body));
  }
  const timings = await Promise.all(pending);
  return { timings, rate: (count * 1000) / (performance.now() - t0) };
}

/** The order of the targets in round `round`: rotated, so that no target always goes first or last. */
function rotated<T>(items: T[], round: number): T[] {
  const k = round % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

interface Rounds {
  /** timings[target][round] */
  timings: Timing[][][];
  /** served rate (requests completed per second of wall time) per target, per round. */
  rates: number[][];
}

/** The targets' paced rounds interleaved, so that drift on the machine hits all alike. */
async function interleaved(urls: string[], body: string, rate: number, rounds: number, seconds: number): Promise<Rounds> {
  const out: Rounds = { timings: urls.map(() => []), rates: urls.map(() => []) };
  for (const url of urls) await paced(url, body, rate, 0.5);
  for (let round = 0; round < rounds; round++) {
    for (const i of rotated(urls.map((_, index) => index), round)) {
      const result = await paced(urls[i] as string, body, rate, seconds);
      out.timings[i]?.push(result.timings);
      out.rates[i]?.push(result.rate);
    }
  }
  return out;
}

function sorted(timings: Timing[], field: keyof Timing): number[] {
  return timings.map((t) => t[field]).sort((a, b) => a - b);
}

/**
 * Time a target adds over the direct path at a percentile: the median over rounds of
 * (target − direct), the two measured back to back, so one hiccup of the shared machine does not
 * decide the figure.
 */
function added(result: Rounds, target: number, field: keyof Timing, p: number): number {
  const direct = result.timings[0] as Timing[][];
  const diffs = (result.timings[target] as Timing[][]).map((x, round) => percentile(sorted(x, field), p) - percentile(sorted(direct[round] as Timing[], field), p));
  return median(diffs);
}

function fmt(ms: number): string {
  return `${ms.toFixed(3)} ms`;
}

const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');

interface FullLoad { rps: number[][]; cpuUsPerRequest: (number | null)[][] }

/** Full-load rounds over the targets in rotating order: requests/s and the proxy's CPU per request. */
async function fullLoad(targets: Target[], body: string, rounds: number, seconds: number): Promise<FullLoad> {
  const out: FullLoad = { rps: targets.map(() => []), cpuUsPerRequest: targets.map(() => []) };
  for (let round = 0; round < rounds; round++) {
    for (const i of rotated(targets.map((_, index) => index), round)) {
      const target = targets[i] as Target;
      const before = target.stats ? await getJson(target.stats) : null;
      out.rps[i]?.push(await throughput(target.url, body, seconds));
      const after = target.stats ? await getJson(target.stats) : null;
      out.cpuUsPerRequest[i]?.push(before && after ? (after.cpuUs - before.cpuUs) / (after.requests - before.requests) : null);
    }
  }
  return out;
}

function reportFullLoad(label: string, targets: Target[], result: FullLoad): void {
  const [direct, pass, proxied] = [0, 1, 2].map((i) => median(result.rps[i] as number[]));
  const perRound = (result.rps[2] as number[]).map((x, r) => x / ((result.rps[1] as number[])[r] as number));
  console.log(`   ${label}: ${targets.map((t, i) => `${t.name} ${median(result.rps[i] as number[]).toFixed(0)}`).join(', ')} req/s (medians of ${perRound.length} rounds)`);
  console.log(`      metering proxy ÷ pass-through ${((proxied as number) / (pass as number)).toFixed(3)} (per round ${perRound.map((x) => x.toFixed(2)).join(', ')}; goal ≥ 0.80); ÷ direct ${((proxied as number) / (direct as number)).toFixed(3)}, pass-through ÷ direct ${((pass as number) / (direct as number)).toFixed(3)}`);
  const cpu = [1, 2].map((i) => median((result.cpuUsPerRequest[i] as (number | null)[]).filter((x): x is number => x !== null)));
  console.log(`      CPU per request: pass-through ${cpu[0]?.toFixed(0)} µs, metering proxy ${cpu[1]?.toFixed(0)} µs (${((cpu[1] as number) / (cpu[0] as number)).toFixed(2)}×)`);
}

async function main(): Promise<void> {
  const sim = await start('sim', '0');
  const proxy = await start('proxy', `${sim.url}/v1`);
  const pass = await start('passthrough', `${sim.url}/v1`);
  const slowSim = await start('sim', '20');
  const slowProxy = await start('proxy', `${slowSim.url}/v1`);
  const slowPass = await start('passthrough', `${slowSim.url}/v1`);
  const targets: Target[] = [
    { name: 'direct', url: `${sim.url}/v1/chat/completions`, stats: null },
    { name: 'pass-through', url: `${pass.url}/chat/completions`, stats: pass.stats },
    { name: 'metering proxy', url: `${proxy.url}/chat/completions`, stats: proxy.stats },
  ];
  const seconds = QUICK ? 2 : 5;
  const rounds = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : QUICK ? 3 : 5;
  console.log(`proxy benchmark (node ${process.version}, ${QUICK ? 'quick' : 'full'} run, ${rounds} rounds, servers ${BUNDLED ? 'bundled as shipped' : 'under tsx'}); upstream = simulated provider, all on 127.0.0.1`);
  console.log(`machine: ${cpus().length} cores, load average at start ${load()} (other work on the machine shows in the tails)`);

  // Warm every path (tokenizer, JIT, keep-alive sockets).
  for (const target of targets) await throughput(target.url, BODY, 1);
  for (const target of targets) await throughput(target.url, STREAM_BODY, 1);

  console.log(`\n1. throughput at full load (autocannon, 16 connections, ${seconds} s per target per round)`);
  reportFullLoad('non-streaming', targets, await fullLoad(targets, BODY, rounds, seconds));
  reportFullLoad('streaming    ', targets, await fullLoad(targets, STREAM_BODY, rounds, seconds));

  const lat = await interleaved(targets.map((t) => t.url), BODY, 1000, QUICK ? 3 : 9, 1);
  console.log(`\n2. latency at 1,000 req/s, non-streaming (${lat.timings[0]?.length} interleaved rounds of 1,000 requests per target)`);
  for (const [i, target] of targets.entries()) {
    const all = sorted((lat.timings[i] as Timing[][]).flat(), 'total');
    console.log(`   ${target.name.padEnd(14)} p50 ${fmt(percentile(all, 50))}, p99 ${fmt(percentile(all, 99))} (pooled), served ${median(lat.rates[i] as number[]).toFixed(0)} req/s`);
  }
  const [passP50, proxyP50, passP99, proxyP99] = [added(lat, 1, 'total', 50), added(lat, 2, 'total', 50), added(lat, 1, 'total', 99), added(lat, 2, 'total', 99)] as number[];
  console.log(`   added over direct (median over rounds of target − direct):`);
  console.log(`      pass-through   p50 ${fmt(passP50 as number)}, p99 ${fmt(passP99 as number)}`);
  console.log(`      metering proxy p50 ${fmt(proxyP50 as number)}, p99 ${fmt(proxyP99 as number)}`);
  console.log(`      ratio metering ÷ pass-through: p50 ${((proxyP50 as number) / (passP50 as number)).toFixed(3)} (goal ≤ 1.20), p99 ${((proxyP99 as number) / (passP99 as number)).toFixed(3)}`);
  const directRate = median(lat.rates[0] as number[]);
  if (directRate < 950) console.log(`   ! the direct path itself served only ${directRate.toFixed(0)} of 1,000 req/s: the machine is too busy for this test, and these latencies are queueing, not the proxies' cost.`);

  const slow = [`${slowSim.url}/v1/chat/completions`, `${slowPass.url}/chat/completions`, `${slowProxy.url}/chat/completions`];
  const ttfb = await interleaved(slow, STREAM_BODY, 100, QUICK ? 3 : 7, 1);
  console.log(`\n3. streamed time to first byte at 100 req/s, sim first token 20 ms (${ttfb.timings[0]?.length} interleaved rounds of 100 requests per target)`);
  const p50s = targets.map((_, i) => percentile(sorted((ttfb.timings[i] as Timing[][]).flat(), 'firstByte'), 50));
  targets.forEach((target, i) => console.log(`   ${target.name.padEnd(14)} p50 ${fmt(p50s[i] as number)}`));
  console.log(`   ratio metering proxy ÷ direct ${((p50s[2] as number) / (p50s[0] as number)).toFixed(3)} (goal ≤ 1.05), pass-through ÷ direct ${((p50s[1] as number) / (p50s[0] as number)).toFixed(3)}`);
  console.log(`\nload average at end ${load()}.`);
  console.log('All on one machine: at full load the load generator, the simulated upstream and the proxy share');
  console.log('the cores, so the full-load ratio measures CPU per request, not what a remote provider would see.');
}

main()
  .catch((error: Error) => {
    console.error(error.message);
    process.exitCode = 1;
  })
  .finally(() => {
    agent.destroy();
    for (const child of children) child.kill('SIGTERM');
  });
