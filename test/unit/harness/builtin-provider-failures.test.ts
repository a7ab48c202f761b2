/**
 * The built-in agent meeting a misbehaving provider (the real simulated provider on loopback, a
 * scripted sandbox): responses it cannot read are tried again, then end as provider_error; errors
 * the SDK already retried end as provider_error at once. Never an agent's fail, never a crash.
 */
import assert from 'node:assert/strict';
import { builtinHarness, UNREADABLE_RESPONSE_RETRIES } from '../../../src/core/harness/builtin/agent';
import type { HarnessContext, TranscriptEntry } from '../../../src/core/harness/harness';
import { startSimProvider, type SimFault, type SimProvider } from '../../../src/core/providers/sim';
import type { ExecResult } from '../../../src/core/runtime/container-runtime';
import type { Task } from '../../../src/core/tasks/task';

const OK: ExecResult = { exitCode: 0, stdout: '', stderr: '', timedOut: false, cancelled: false, durationMs: 1, truncated: false };

describe('builtin agent: provider failures', function () {
  this.timeout(30_000);
  let sim: SimProvider;
  before(async () => {
    sim = await startSimProvider();
  });
  after(() => sim.close());

  async function run(protocol: 'openai' | 'anthropic', faults: SimFault[]): Promise<{ status: string; error?: string; entries: TranscriptEntry[]; requests: number }> {
    sim.setFaults(faults);
    const before = sim.requestCount;
    const session = sim.registerSession({ profile: 'direct', seed: 1, solution: { commands: ['echo done > /app/out.txt'] } });
    const entries: TranscriptEntry[] = [];
    const ctx: HarnessContext = {
      task: { id: 't', instruction: 'Write /app/out.txt' } as Task,
      sandbox: {
        containerId: 'c', workdir: '/app',
        exec: async () => OK, copyFilesIn: async () => undefined, copyDirIn: async () => undefined, readFile: async () => undefined,
      },
      timeoutMs: 20_000, signal: new AbortController().signal, seed: 1,
      model: { id: 'sim/direct', providerModel: 'sim/direct', protocol, baseUrl: `${sim.url}/s/${session}${protocol === 'openai' ? '/v1' : ''}`, apiKey: 'k', simulated: true },
      record: (entry) => entries.push(entry),
    };
    const outcome = await builtinHarness.run(ctx);
    sim.unregisterSession(session);
    return { status: outcome.status, ...(outcome.error ? { error: outcome.error } : {}), entries, requests: sim.requestCount - before };
  }

  for (const protocol of ['openai', 'anthropic'] as const) {
    it(`${protocol}: a malformed and a cut response are tried again and the agent completes`, async () => {
      const r = await run(protocol, [{ kind: 'malformed_json' }, { kind: 'cut_stream' }]);
      assert.equal(r.status, 'completed', r.error);
      const errors = r.entries.filter((e) => e.kind === 'error').map((e) => String(e.payload.message));
      assert.equal(errors.length, 2);
      assert.match(errors[0] as string, /response was not valid JSON/);
      assert.match(errors[1] as string, /response was cut off before its end/);
    });

    it(`${protocol}: unreadable responses ${UNREADABLE_RESPONSE_RETRIES + 1} times in a row end as provider_error`, async () => {
      const r = await run(protocol, Array.from({ length: UNREADABLE_RESPONSE_RETRIES + 1 }, () => ({ kind: 'malformed_json' as const })));
      assert.equal(r.status, 'provider_error');
      assert.match(r.error ?? '', /the model provider failed 3 times in a row: response was not valid JSON/);
      assert.equal(r.requests, UNREADABLE_RESPONSE_RETRIES + 1);
    });

    it(`${protocol}: a 500 the SDK already retried ends as provider_error at once`, async () => {
      const r = await run(protocol, [{ kind: 'server_error' }, { kind: 'server_error' }, { kind: 'server_error' }]);
      assert.equal(r.status, 'provider_error');
      assert.match(r.error ?? '', /the model provider failed: 500/);
      assert.equal(r.requests, 3, 'the SDK tried three times, the agent did not add more');
    });
  }
});
