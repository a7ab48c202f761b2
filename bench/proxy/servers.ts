/**
 * The servers of the proxy benchmark, each in its own process so the load generator does not share
 * their event loop:
 *   node --require tsx/cjs bench/proxy/servers.ts sim [firstTokenMs]   → prints the sim's URL
 *   node --require tsx/cjs bench/proxy/servers.ts proxy UPSTREAM_URL   → prints a trial base URL
 */
import { startMeteringProxy } from '../../src/core/meter';
import { startSimProvider } from '../../src/core/providers/sim';

async function main(): Promise<void> {
  const [mode, arg] = process.argv.slice(2);
  if (mode === 'sim') {
    const sim = await startSimProvider({ latency: { firstTokenMs: Number(arg ?? 0) } });
    process.stdout.write(`${sim.url}\n`);
  } else if (mode === 'proxy' && arg) {
    const proxy = await startMeteringProxy();
    let calls = 0;
    proxy.on('call', () => calls++);
    const trial = proxy.registerTrial({ trialId: 'bench', runId: 'bench', upstream: { kind: 'openai-compatible', baseUrl: arg, apiKey: 'sk-test-SECRET-bench' } });
    process.stdout.write(`${trial.baseUrl}\n`);
    const stop = (): void => {
      process.stderr.write(`proxy metered ${calls} calls\n`);
      process.exit(0);
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  } else {
    throw new Error('usage: servers.ts sim [firstTokenMs] | proxy UPSTREAM_URL');
  }
}

void main();
