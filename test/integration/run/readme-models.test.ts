/**
 * The README's models file is the contract: its JSON block (under **Models:**) is read as written,
 * only the host part of each baseUrl is pointed at a provider-contract upstream (entries without
 * one get their provider's default base URL, host replaced the same way), and trials run through
 * `builtin`, `kilo` (the real Kilo binary) and `command:codex` (the real Codex CLI from npm, over
 * the Responses API) on the real engine. Every call must arrive on the provider's real route
 * (`/v1/chat/completions`, `/v1/responses`, `/api/v1/chat/completions`, `/v1/messages`) with the
 * provider's credential headers, and be metered with the tokens the upstream reported.
 *
 * The contract upstreams answer with the simulated provider's content (a text reply, no tool
 * calls), so the agents stop after their first answer and the tasks' tests fail: what is checked
 * is the route and the tokens, not the verdict. KILOBENCH_SKIP_CODEX=1 leaves the Codex case out.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startMeteringProxy, type MeteredCall, type MeteringProxy } from '../../../src/core/meter';
import { readModelsFile } from '../../../src/core/models/models-file';
import type { ModelSpec } from '../../../src/core/models/model-spec';
import { DEFAULT_BASE_URLS } from '../../../src/core/domain';
import { Store } from '../../../src/core/store';
import { loadTasks } from '../../../src/core/tasks';
import type { Task } from '../../../src/core/tasks/task';
import { DEFAULT_SETTINGS } from '../../../src/core/run/plan';
import { startRun } from '../../../src/core/run/scheduler';
import { getHarness } from '../../../src/core/harness/registry';
import { prepareKilo, type PreparedKilo } from '../../../src/core/harness/kilo';
import type { DockerRuntime } from '../../../src/core/runtime/docker/docker-runtime';
import { containersOfRun, dockerRuntime } from '../../helpers/docker';
import { tempDir } from '../../helpers/task-fixtures';
import { startProviderContract, type ContractProvider, type ProviderContract } from '../../helpers/provider-contract';

const ROOT = join(__dirname, '../../..');
const TASK = 'access-log-report';
/**
 * The agents answer once and stop; a stuck one ends at half the task's agent time (Kilo alone takes
 * some 15-60 s to start on a loaded 2-core machine, so less leaves it no time to call at all).
 */
const AGENT_TIME = 0.5;

const CONTRACT_OF: Record<string, ContractProvider> = { 'openai-compatible': 'openai', openrouter: 'openrouter', anthropic: 'anthropic' };

/** The real routes of each provider: what every recorded request must be. */
const ROUTES: Record<ContractProvider, string[]> = {
  openai: ['POST /v1/chat/completions', 'POST /v1/responses'],
  openrouter: ['POST /api/v1/chat/completions'],
  anthropic: ['POST /v1/messages'],
};

/** The JSON block of the README's **Models:** paragraph, as written. */
export function readmeModelsJson(readme: string): { models: Record<string, unknown>[] } {
  const at = readme.indexOf('**Models:**');
  assert.ok(at >= 0, 'the README has a **Models:** paragraph');
  const block = /```json\n([\s\S]*?)```/.exec(readme.slice(at));
  assert.ok(block, 'the **Models:** paragraph has a ```json block');
  return JSON.parse(block[1] as string) as { models: Record<string, unknown>[] };
}

describe('the README models file against provider-contract upstreams (real engine)', function () {
  this.timeout(1_800_000);
  const contracts = new Map<ContractProvider, ProviderContract>();
  let models: ModelSpec[];
  let env: NodeJS.ProcessEnv;
  let runtime: DockerRuntime;
  let meter: MeteringProxy;
  let store: Store;
  let dir: string;
  let task: Task;
  let prepared: PreparedKilo;
  const runIds: string[] = [];

  before(async () => {
    dir = tempDir('kilobench-readme-models-');
    env = { ...process.env };
    const entries = readmeModelsJson(readFileSync(join(ROOT, 'README.md'), 'utf8')).models;
    for (const entry of entries) {
      const kind = CONTRACT_OF[String(entry.provider)];
      assert.ok(kind, `README model ${String(entry.id)} has a real provider`);
      let contract = contracts.get(kind);
      if (!contract) contracts.set(kind, (contract = await startProviderContract(kind)));
      // Only the host part changes: the path is the README's (or the provider's default).
      const written = new URL(typeof entry.baseUrl === 'string' ? entry.baseUrl : DEFAULT_BASE_URLS[entry.provider as keyof typeof DEFAULT_BASE_URLS]);
      entry.baseUrl = `${contract.origin}${written.pathname.replace(/\/+$/, '')}`;
      env[String(entry.keyEnv)] = contract.key;
    }
    const file = join(dir, 'kilobench.models.json');
    writeFileSync(file, JSON.stringify({ models: entries }));
    models = readModelsFile(file);
    runtime = dockerRuntime();
    meter = await startMeteringProxy();
    store = await Store.open(join(dir, 'results.sqlite'));
    task = (await loadTasks([join(ROOT, 'tasks')])).find((t) => t.id === TASK) as Task;
  });

  after(async () => {
    for (const runId of runIds) assert.deepEqual(await containersOfRun(runId), [], `no container of ${runId} outlives its trials`);
    await store?.close();
    await meter?.close();
    for (const c of contracts.values()) await c.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Runs one trial per model through `harness`; returns each model's trial's metered calls. */
  async function run(harness: string, runModels: ModelSpec[], mounts?: PreparedKilo['mounts']): Promise<Map<string, MeteredCall[]>> {
    const runId = `readme-models-${harness.replace(':', '-')}-${process.pid}`;
    runIds.push(runId);
    const calls = new Map<string, MeteredCall[]>();
    const onCall = (c: MeteredCall): void => {
      calls.set(c.trialId, [...(calls.get(c.trialId) ?? []), c]);
    };
    meter.on('call', onCall);
    try {
      await startRun(
        { runId, name: runId, tasks: [task], models: runModels, harness, settings: { ...DEFAULT_SETTINGS, trialsPerPair: 1, concurrency: 1, agentTimeoutMultiplier: AGENT_TIME } },
        { runtime, store, meter, env, harness: getHarness(harness), ...(mounts ? { harnessMounts: mounts } : {}) },
      );
    } finally {
      meter.off('call', onCall);
    }
    const byModel = new Map<string, MeteredCall[]>();
    for (const trial of store.listTrials(runId)) {
      assert.ok(['passed', 'failed'].includes(trial.status), `${harness} × ${trial.modelId}: ${trial.status} ${trial.error ?? ''}`);
      byModel.set(trial.modelId, calls.get(trial.id) ?? []);
    }
    return byModel;
  }

  /**
   * Every request the contract upstreams recorded since `marks` is on its provider's real route,
   * answered 200, with its credentials; and the trial's metered calls, in order, carry the tokens
   * each reply reported.
   */
  function checkRoutes(harness: string, runModels: ModelSpec[], marks: Map<ContractProvider, number>, calls: Map<string, MeteredCall[]>): void {
    for (const model of runModels) {
      const contract = contracts.get(CONTRACT_OF[model.provider] as ContractProvider) as ProviderContract;
      const seen = contract.requests.slice(marks.get(contract.provider) ?? 0).filter((r) => r.method === 'POST');
      const trialCalls = calls.get(model.id) ?? [];
      assert.ok(seen.length > 0, `${harness} × ${model.id}: the upstream got no call`);
      for (const r of seen) {
        assert.ok(ROUTES[contract.provider].includes(`${r.method} ${r.path.split('?')[0]}`), `${harness} × ${model.id}: ${r.method} ${r.path} is not a ${contract.provider} route`);
        assert.equal(r.status, 200, `${harness} × ${model.id}: ${r.method} ${r.path} answered ${r.status}`);
        if (contract.provider === 'anthropic') {
          assert.equal(r.headers['x-api-key'], contract.key);
          assert.ok(r.headers['anthropic-version']);
          assert.equal(r.headers.authorization, undefined, 'the trial token never goes upstream');
        } else {
          assert.equal(r.headers.authorization, `Bearer ${contract.key}`);
        }
      }
      assert.equal(trialCalls.length, seen.length, `${harness} × ${model.id}: one metered call per upstream request`);
      trialCalls.forEach((call, i) => {
        const reported = seen[i]?.reported;
        assert.ok(reported, `${harness} × ${model.id}: the reply reported usage`);
        const input = call.usage.input + call.usage.cacheRead + call.usage.cacheWrite;
        assert.equal(call.estimated, false);
        assert.equal(input, reported.input, `${harness} × ${model.id} call ${i + 1}: input tokens`);
        assert.equal(call.usage.output, reported.output, `${harness} × ${model.id} call ${i + 1}: output tokens`);
      });
      const routes = [...new Set(seen.map((r) => `${r.method} ${r.path.split('?')[0]}`))].join(', ');
      const tokens = trialCalls.map((c, i) => `${c.usage.input + c.usage.cacheRead + c.usage.cacheWrite}/${c.usage.output} = ${seen[i]?.reported?.input}/${seen[i]?.reported?.output}`).join('; ');
      console.log(`      ${harness} × ${model.id} (${contract.provider}): ${seen.length} call(s) on ${routes}; metered in/out = reported: ${tokens}`);
    }
  }

  function marks(): Map<ContractProvider, number> {
    return new Map([...contracts].map(([k, c]) => [k, c.requests.length]));
  }

  it('reads the README models and points only their hosts at the contract upstreams', () => {
    assert.deepEqual(models.map((m) => m.provider).sort(), ['anthropic', 'openai-compatible', 'openrouter']);
    for (const m of models) {
      const contract = contracts.get(CONTRACT_OF[m.provider] as ContractProvider) as ProviderContract;
      assert.equal(m.baseUrl, contract.base, `${m.id}: the README's base path is the provider's SDK base`);
    }
  });

  it('builtin: every README model on its provider\'s route, tokens as reported', async () => {
    const before = marks();
    const calls = await run('builtin', models);
    checkRoutes('builtin', models, before, calls);
  });

  it('a base URL without /v1 ends the trial as provider_error naming the provider, the path and the fix', async () => {
    const openai = models.find((m) => m.provider === 'openai-compatible') as ModelSpec;
    const wrong = { ...openai, id: `${openai.id}-no-v1`, baseUrl: openai.baseUrl.replace(/\/v1$/, '') };
    const runId = `readme-models-wrong-${process.pid}`;
    runIds.push(runId);
    await startRun(
      { runId, name: runId, tasks: [task], models: [wrong], harness: 'builtin', settings: { ...DEFAULT_SETTINGS, trialsPerPair: 1, concurrency: 1 } },
      { runtime, store, meter, env, harness: getHarness('builtin') },
    );
    const [trial] = store.listTrials(runId);
    console.log(`      ${trial?.status}: ${trial?.error}`);
    assert.equal(trial?.status, 'provider_error');
    assert.match(trial?.error ?? '', /^openai-compatible \(127\.0\.0\.1:\d+\) returned 404 for POST \/chat\/completions: check the model's baseUrl \(it should end in \/v1/);
  });

  // Kilo reaches the proxy through the run's network (no host networking), as in any real run.
  it('kilo (real Kilo binary): every README model on its provider\'s route, tokens as reported', async function () {
    prepared = await prepareKilo();
    const before = marks();
    const calls = await run('kilo', models, prepared.mounts);
    checkRoutes('kilo', models, before, calls);
  });

  it('command:codex (real Codex CLI): the README\'s OpenAI model over the Responses API', async function () {
    if (process.env.KILOBENCH_SKIP_CODEX === '1') this.skip();
    const openai = models.filter((m) => m.provider === 'openai-compatible');
    const before = marks();
    const calls = await run('command:codex', openai);
    checkRoutes('command:codex', openai, before, calls);
    const contract = contracts.get('openai') as ProviderContract;
    assert.ok(contract.requests.slice(before.get('openai')).some((r) => r.path === '/v1/responses'), 'Codex spoke the Responses API');
  });
});
