/**
 * The servers of the proxy benchmark, each in its own process so the load generator does not share
 * their event loop. Each prints one JSON line `{"url": …, "stats": …}` when it listens:
 *   node --require tsx/cjs bench/proxy/servers.ts sim [firstTokenMs]          url: the sim's origin
 *   node --require tsx/cjs bench/proxy/servers.ts proxy UPSTREAM_URL          url: a trial's base URL
 *   node --require tsx/cjs bench/proxy/servers.ts passthrough UPSTREAM_URL    url: its base URL
 * `passthrough` is the baseline the metering proxy is held to: the least a Node proxy does (one
 * node:http server, one keep-alive agent, headers copied, bodies piped both ways), no metering.
 * `stats` is a second port of the proxy and pass-through processes: GET it for
 * `{"requests": N, "cpuUs": µs, "gcUs": µs}`, the requests served, the process's CPU time (all threads)
 * and the time its garbage collections took, so far.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PerformanceObserver } from 'node:perf_hooks';
import { startMeteringProxy } from '../../src/core/meter';
import { startSimProvider } from '../../src/core/providers/sim';

/** Headers that belong to one connection: not forwarded either way. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'proxy-connection', 'te', 'trailer', 'upgrade', 'host']);

function responseHeaders(raw: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (!HOP_BY_HOP.has((raw[i] as string).toLowerCase())) out.push(raw[i] as string, raw[i + 1] as string);
  }
  return out;
}

function requestHeaders(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  return out;
}

const served = { requests: 0, gcUs: 0 };

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function startStats(): Promise<string> {
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) served.gcUs += entry.duration * 1000;
  }).observe({ entryTypes: ['gc'] });
  return listen(http.createServer((_req, res) => {
    const cpu = process.cpuUsage();
    res.end(JSON.stringify({ requests: served.requests, cpuUs: cpu.user + cpu.system, gcUs: Math.round(served.gcUs) }));
  }));
}

function startPassThrough(upstream: string): Promise<string> {
  const target = new URL(upstream);
  const agent = new http.Agent({ keepAlive: true, maxFreeSockets: 256 });
  const base = target.pathname.replace(/\/$/, '');
  const server = http.createServer((req, res) => {
    served.requests++;
    const out = http.request({ hostname: target.hostname, port: target.port, method: req.method, path: base + (req.url ?? '/'), headers: requestHeaders(req.headers), agent }, (up) => {
      res.writeHead(up.statusCode ?? 502, responseHeaders(up.rawHeaders));
      up.pipe(res);
    });
    out.on('error', () => res.destroy());
    req.pipe(out);
  });
  server.keepAliveTimeout = 30_000;
  return listen(server);
}

async function startProxy(upstream: string): Promise<string> {
  const proxy = await startMeteringProxy();
  proxy.on('call', () => served.requests++);
  const trial = proxy.registerTrial({ trialId: 'bench', runId: 'bench', upstream: { kind: 'openai-compatible', baseUrl: upstream, apiKey: 'sk-test-SECRET-bench' } });
  return trial.baseUrl;
}

async function main(): Promise<void> {
  const [mode, arg] = process.argv.slice(2);
  let url: string;
  if (mode === 'sim') url = (await startSimProvider({ latency: { firstTokenMs: Number(arg ?? 0) } })).url;
  else if (mode === 'passthrough' && arg) url = await startPassThrough(arg);
  else if (mode === 'proxy' && arg) url = await startProxy(arg);
  else throw new Error('usage: servers.ts sim [firstTokenMs] | proxy UPSTREAM_URL | passthrough UPSTREAM_URL');
  process.stdout.write(`${JSON.stringify({ url, stats: mode === 'sim' ? null : await startStats() })}\n`);
  // Exit normally on a signal, so that `node --cpu-prof` writes its profile.
  process.on('SIGTERM', () => process.exit(0));
  process.on('SIGINT', () => process.exit(0));
}

void main();
