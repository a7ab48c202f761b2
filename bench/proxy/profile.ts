/**
 * Where the metering proxy's CPU goes under load: the proxy (or the pass-through baseline) runs with
 * `node --cpu-prof` while autocannon drives it at full load, then the profile's self time is summed
 * by function and by file and the top entries printed.
 *   node --require tsx/cjs bench/proxy/profile.ts [proxy|passthrough] [seconds] [--stream] [--bundled]
 * `--bundled` runs the servers from an esbuild bundle built as the shipped ones are (no tsx: no export
 * getters, no `__name`), with syntax minified but names and lines kept, so the profile reads (inclusive times then cover
 * every function of the bundle, the libraries' too).
 * The .cpuprofile file is kept (its path is printed) for Chrome DevTools or speedscope.
 */
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildSync } from 'esbuild';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const MODE = args[0] ?? 'proxy';
const SECONDS = Number(args[1] ?? 10);
const STREAM = process.argv.includes('--stream');
const BUNDLED = process.argv.includes('--bundled');
const SERVERS = BUNDLED ? bundle() : resolve(__dirname, 'servers.ts');
const BODY = JSON.stringify({ model: 'sim/direct', ...(STREAM ? { stream: true, stream_options: { include_usage: true } } : {}), messages: [{ role: 'user', content: 'Say hello.' }] });
const children: ChildProcess[] = [];

/** servers.ts as the shipped bundles are built (.config/esbuild.mjs), names kept. */
function bundle(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'kb-prof-bundle-')), 'servers.js');
  buildSync({
    entryPoints: [resolve(__dirname, 'servers.ts')], outfile: file, bundle: true, platform: 'node', target: 'node20', format: 'cjs',
    minifySyntax: true, logLevel: 'warning', external: ['vscode', 'cpu-features', '*.node'],
  });
  return file;
}

function start(nodeArgs: string[], ...args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const script = BUNDLED ? [SERVERS] : ['--require', 'tsx/cjs', SERVERS];
  const child = spawn(process.execPath, [...nodeArgs, ...script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise((done, fail) => {
    child.stdout?.once('data', (chunk: Buffer) => done({ child, url: (JSON.parse(chunk.toString()) as { url: string }).url }));
    child.once('exit', (code) => fail(new Error(`servers.ts ${args.join(' ')} exited with ${code}`)));
  });
}

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }; children?: number[] }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

function summarise(profile: Profile, requests: number): void {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  // Samples under module loading are start-up, not requests: left out.
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const startUp = new Map<number, boolean>();
  const isStartUp = (id: number): boolean => {
    let known = startUp.get(id);
    if (known === undefined) {
      const node = byId.get(id) as ProfileNode;
      const up = parent.get(id);
      known = node.callFrame.url.startsWith('node:internal/modules') || (up !== undefined && isStartUp(up));
      startUp.set(id, known);
    }
    return known;
  };
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    if (!isStartUp(id)) selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const frame = (byId.get(id) as ProfileNode).callFrame;
    const file = frame.url.replace(/^file:\/\//, '').replace(`${process.cwd()}/`, '') || '(native)';
    const fn = `${frame.functionName || "(anonymous)"}  ${file}:${frame.lineNumber + 1}:${frame.columnNumber + 1}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
    byFile.set(file, (byFile.get(file) ?? 0) + us);
  }
  const top = (m: Map<string, number>, n: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n)
    .forEach(([k, us]) => console.log(`  ${((100 * us) / total).toFixed(1).padStart(5)} % ${(us / requests).toFixed(1).padStart(7)} µs/req  ${k}`));
  console.log(`\nself time by function (top 30 of ${(total / 1e6).toFixed(1)} s sampled):`);
  top(byFunction, 30);
  console.log('\nself time by file (top 20):');
  top(byFile, 20);
  // Inclusive time of KiloBench's own functions (self + everything they called), outermost first.
  const inclusive = new Map<string, number>();
  const walk = (id: number, onStack: Set<string>): number => {
    const node = byId.get(id) as ProfileNode;
    let us = selfUs.get(id) ?? 0;
    const frame = node.callFrame;
    const own = BUNDLED ? frame.url === `file://${SERVERS}` : frame.url.includes('/src/');
    const key = own ? `${frame.functionName || '(anonymous)'}  ${frame.url.replace(/^.*\/(src\/|servers\.js)/, '$1')}:${frame.lineNumber + 1}:${frame.columnNumber + 1}` : null;
    const counted = key !== null && !onStack.has(key);
    if (counted) onStack.add(key);
    for (const child of node.children ?? []) us += walk(child, onStack);
    if (counted) {
      onStack.delete(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + us);
    }
    return us;
  };
  walk(profile.nodes[0]!.id, new Set());
  console.log(`\ninclusive time of ${BUNDLED ? 'the bundle\'s' : 'src/'} functions (top 25):`);
  top(inclusive, 25);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kb-proxy-prof-'));
  const sim = await start([], 'sim', '0');
  const server = await start(['--cpu-prof', `--cpu-prof-dir=${dir}`], MODE, `${sim.url}/v1`);
  const url = `${server.url}/chat/completions`;
  const warm = await autocannon({ url, method: 'POST', body: BODY, headers: { 'content-type': 'application/json' }, connections: 16, duration: 1 });
  const result = await autocannon({ url, method: 'POST', body: BODY, headers: { 'content-type': 'application/json' }, connections: 16, duration: SECONDS });
  console.log(`${MODE}${STREAM ? ' (streaming)' : ''}: ${result.requests.average.toFixed(0)} req/s over ${SECONDS} s, ${result.non2xx} non-2xx, ${result.errors} errors`);
  await new Promise<void>((done) => {
    server.child.once('exit', () => done());
    server.child.kill('SIGTERM');
  });
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no .cpuprofile in ${dir}`);
  console.log(`profile: ${join(dir, file)}`);
  summarise(JSON.parse(readFileSync(join(dir, file), 'utf8')) as Profile, warm.requests.total + result.requests.total);
}

main()
  .catch((error: Error) => {
    console.error(error.message);
    process.exitCode = 1;
  })
  .finally(() => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  });
