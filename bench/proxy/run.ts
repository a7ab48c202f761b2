/**
 * Proxy overhead benchmark: the same load against the simulated upstream directly and through the
 * metering proxy, in one run, printed as ratios.
 *   node --require tsx/cjs bench/proxy/run.ts [--quick]
 * 1. throughput: autocannon at full load (non-streaming and streaming), proxied ÷ direct requests/s;
 * 2. added latency at a fixed 1,000 requests/s (non-streaming), p50 and p99 with sub-millisecond
 *    timing (autocannon's histogram has whole milliseconds), direct and proxied rounds interleaved;
 * 3. streamed time to first byte at 100 requests/s, against a sim whose first token takes 20 ms.
 * Servers run in child processes; every socket is on 127.0.0.1.
 */
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

const QUICK = process.argv.includes('--quick');
const SERVERS = resolve(__dirname, 'servers.ts');
const BODY = JSON.stringify({ model: 'sim/direct', messages: [{ role: 'user', content: 'Say hello.' }] });
const STREAM_BODY = JSON.stringify({ model: 'sim/direct', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'Say hello.' }] });
const children: ChildProcess[] = [];

function start(...args: string[]): Promise<string> {
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', SERVERS, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise((done, fail) => {
    child.stdout?.once('data', (chunk: Buffer) => done(chunk.toString().trim()));
    child.once('exit', (code) => fail(new Error(`servers.ts ${args.join(' ')} exited with ${code}`)));
  });
}

async function throughput(url: string, body: string, seconds: number): Promise<number> {
  const result = await autocannon({ url, method: 'POST', body, headers: { 'content-type': 'application/json' }, connections: 16, duration: seconds });
  if (result.non2xx || result.errors) throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result.requests.average;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
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

/** Requests started at a fixed rate (not waiting for each other), each timed on its own. */
async function paced(url: string, body: string, rate: number, seconds: number, served?: { requests: number; ms: number }): Promise<Timing[]> {
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
  if (served) {
    served.requests += count;
    served.ms += performance.now() - t0;
  }
  return timings;
}

/** Direct and proxied rounds interleaved, so drift on the machine hits both alike. */
interface Interleaved {
  direct: Timing[];
  proxied: Timing[];
  /** Per round: [direct, proxied] timings of that round, measured back to back. */
  rounds: [Timing[], Timing[]][];
  /** Requests completed per second of wall time (send of the first to end of the last). */
  directRate: number;
  proxiedRate: number;
}

async function interleaved(direct: string, proxied: string, body: string, rate: number, rounds: number, seconds: number): Promise<Interleaved> {
  const out = { direct: [] as Timing[], proxied: [] as Timing[], rounds: [] as [Timing[], Timing[]][] };
  const served = { direct: { requests: 0, ms: 0 }, proxied: { requests: 0, ms: 0 } };
  await paced(direct, body, rate, 0.5);
  await paced(proxied, body, rate, 0.5);
  for (let round = 0; round < rounds; round++) {
    const d = await paced(direct, body, rate, seconds, served.direct);
    const p = await paced(proxied, body, rate, seconds, served.proxied);
    out.direct.push(...d);
    out.proxied.push(...p);
    out.rounds.push([d, p]);
  }
  return { ...out, directRate: (served.direct.requests * 1000) / served.direct.ms, proxiedRate: (served.proxied.requests * 1000) / served.proxied.ms };
}

function sorted(timings: Timing[], field: keyof Timing): number[] {
  return timings.map((t) => t[field]).sort((a, b) => a - b);
}

/**
 * Added time at a percentile: the median over rounds of (proxied − direct), each round's pair
 * measured back to back, so a hiccup of the shared machine in one round does not decide the figure.
 */
function added(result: Interleaved, field: keyof Timing, p: number): number {
  const diffs = result.rounds.map(([d, x]) => percentile(sorted(x, field), p) - percentile(sorted(d, field), p)).sort((a, b) => a - b);
  return percentile(diffs, 50);
}

function fmt(ms: number): string {
  return `${ms.toFixed(3)} ms`;
}

async function main(): Promise<void> {
  const simUrl = await start('sim', '0');
  const proxyBase = await start('proxy', `${simUrl}/v1`);
  const slowSimUrl = await start('sim', '20');
  const slowProxyBase = await start('proxy', `${slowSimUrl}/v1`);
  const direct = `${simUrl}/v1/chat/completions`;
  const proxied = `${proxyBase}/chat/completions`;
  const seconds = QUICK ? 2 : 5;
  console.log(`proxy benchmark (node ${process.version}, ${QUICK ? 'quick' : 'full'} run); upstream = simulated provider, all on 127.0.0.1`);
  console.log(`machine: ${cpus().length} cores, load average at start ${loadavg().map((l) => l.toFixed(2)).join(' ')} (other work on the machine shows in the tails)`);

  // Warm both paths (tokenizer, JIT, keep-alive sockets).
  await throughput(direct, BODY, 1);
  await throughput(proxied, BODY, 1);

  const rpsDirect = await throughput(direct, BODY, seconds);
  const rpsProxied = await throughput(proxied, BODY, seconds);
  const srpsDirect = await throughput(direct, STREAM_BODY, seconds);
  const srpsProxied = await throughput(proxied, STREAM_BODY, seconds);
  console.log('\n1. throughput at full load (autocannon, 16 connections)');
  console.log(`   non-streaming: direct ${rpsDirect.toFixed(0)} req/s, proxied ${rpsProxied.toFixed(0)} req/s, ratio ${(rpsProxied / rpsDirect).toFixed(3)} (goal ≥ 0.90)`);
  console.log(`   streaming:     direct ${srpsDirect.toFixed(0)} req/s, proxied ${srpsProxied.toFixed(0)} req/s, ratio ${(srpsProxied / srpsDirect).toFixed(3)} (goal ≥ 0.90)`);

  const lat = await interleaved(direct, proxied, BODY, 1000, QUICK ? 3 : 9, 1);
  const d = sorted(lat.direct, 'total');
  const p = sorted(lat.proxied, 'total');
  console.log(`\n2. latency at 1,000 req/s, non-streaming (${d.length} + ${p.length} requests in ${lat.rounds.length} interleaved rounds)`);
  console.log(`   direct:  p50 ${fmt(percentile(d, 50))}, p99 ${fmt(percentile(d, 99))} (all rounds pooled)`);
  console.log(`   proxied: p50 ${fmt(percentile(p, 50))}, p99 ${fmt(percentile(p, 99))} (all rounds pooled)`);
  console.log(`   added:   p50 ${fmt(added(lat, 'total', 50))} (goal ≤ 0.3 ms), p99 ${fmt(added(lat, 'total', 99))} (goal ≤ 2 ms) (median over rounds of proxied − direct)`);
  console.log(`   served:  direct ${lat.directRate.toFixed(0)} req/s, proxied ${lat.proxiedRate.toFixed(0)} req/s, ratio ${(lat.proxiedRate / lat.directRate).toFixed(3)} (goal ≥ 0.90)`);

  const ttfb = await interleaved(`${slowSimUrl}/v1/chat/completions`, `${slowProxyBase}/chat/completions`, STREAM_BODY, 100, QUICK ? 3 : 7, 1);
  const td = sorted(ttfb.direct, 'firstByte');
  const tp = sorted(ttfb.proxied, 'firstByte');
  console.log(`\n3. streamed time to first byte at 100 req/s, sim first token 20 ms (${td.length} + ${tp.length} requests)`);
  console.log(`   direct:  p50 ${fmt(percentile(td, 50))}, p99 ${fmt(percentile(td, 99))}`);
  console.log(`   proxied: p50 ${fmt(percentile(tp, 50))}, p99 ${fmt(percentile(tp, 99))}`);
  console.log(`   ratio:   p50 ${(percentile(tp, 50) / percentile(td, 50)).toFixed(3)} (goal ≤ 1.05), added p50 ${fmt(percentile(tp, 50) - percentile(td, 50))}`);
  console.log(`\nload average at end ${loadavg().map((l) => l.toFixed(2)).join(' ')}.`);
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
