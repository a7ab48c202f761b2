import * as assert from 'node:assert/strict';
import { cumulativeCost, toolInput, transcriptSteps, transcriptView } from '../../../src/vscode/transcript-model';
import { EVENTS } from '../../../src/protocol';
import type { JsonObject, TrialRecord } from '../../../src/core/store/records';
import { call, event, tokens, trial } from './fixture';

const T = trial({ taskId: 'alpha', modelId: 'sim/explorer', tokens: tokens({ input: 300, cacheRead: 100, output: 40, reasoning: 10 }), costUsd: 0.006 });

function events() {
  return [
    event(T.id, 1, 'llm_call', { seq: 1, text: 'Looking around.', toolCalls: [{ name: 'bash' }], usage: { input: 100 }, costUsd: 0.002 }),
    event(T.id, 2, 'model_message', { step: 1, text: 'Looking around.' }),
    event(T.id, 3, 'tool_call', { step: 1, tool: 'bash', input: { command: 'ls -la' } }, 'read'),
    event(T.id, 4, 'tool_result', { step: 1, tool: 'bash', output: 'total 0', outputBytes: 7, isError: false, exitCode: 0, durationMs: 120 }, 'read'),
    event(T.id, 5, 'llm_call', { seq: 2, text: '', toolCalls: [{ name: 'write_file' }] }),
    event(T.id, 6, 'tool_call', { step: 2, tool: 'write_file', input: { path: '/app/x', content: 'hi' } }, 'write'),
    event(T.id, 7, 'tool_result', { step: 2, tool: 'write_file', output: 'error: read-only', outputBytes: 16, isError: true }, 'write'),
    event(T.id, 8, 'limit', { message: 'stopped after 40 steps' }),
    event(T.id, 9, 'test_result', { name: 'test_x', status: 'passed' }),
  ];
}

describe('transcript view model', () => {
  it('a timeline of LLM calls (by call number, with tokens, cost, latency) and tool calls with their results', () => {
    const calls = [call(T.id, 1, { usage: tokens({ input: 100, cacheRead: 0, output: 20, reasoning: 5 }), costUsd: 0.002, latencyMs: 1500 }), call(T.id, 2, { costUsd: 0.004 })];
    const steps = transcriptSteps(events(), calls);
    assert.deepEqual(steps.map((s) => s.kind), ['llm', 'message', 'tool', 'llm', 'tool', 'note']);
    const first = steps[0] as Extract<typeof steps[number], { kind: 'llm' }>;
    assert.equal(first.seq, 1);
    assert.deepEqual(first.tokens, { input: 100, cacheRead: 0, cacheWrite: 0, output: 20, reasoning: 5 });
    assert.equal(first.costText, '$0.002');
    assert.equal(first.latencyText, '1.5 s');
    assert.deepEqual(first.toolNames, ['bash']);
    const bash = steps[2] as Extract<typeof steps[number], { kind: 'tool' }>;
    assert.deepEqual([bash.tool, bash.category, bash.input, bash.output, bash.exitCode, bash.isError], ['bash', 'read', 'ls -la', 'total 0', 0, false]);
    const write = steps[4] as Extract<typeof steps[number], { kind: 'tool' }>;
    assert.equal(write.category, 'write');
    assert.equal(write.isError, true);
    assert.match(write.input, /"path": "\/app\/x"/);
    assert.equal((steps[3] as { seq: number }).seq, 2);
  });

  it('oracle-style commands get their output attached', () => {
    const steps = transcriptSteps([
      event(T.id, 1, 'command', { command: 'bash /solution/solve.sh' }, 'exec'),
      event(T.id, 2, 'output', { exitCode: 1, stdout: 'out', stderr: 'err' }),
    ], []);
    assert.equal(steps.length, 1);
    assert.deepEqual(steps[0], { kind: 'tool', seq: 1, at: steps[0]!.at, tool: 'command', category: 'exec', input: 'bash /solution/solve.sh', output: 'out\nerr', outputBytes: 7, isError: true, exitCode: 1, durationText: '' });
  });

  it('cumulative cost follows call order; unknown costs add nothing', () => {
    assert.deepEqual(cumulativeCost([call(T.id, 2, { costUsd: 0.003 }), call(T.id, 1, { costUsd: 0.001 }), call(T.id, 3, { costUsd: null })]),
      [{ seq: 1, usd: 0.001 }, { seq: 2, usd: 0.004 }, { seq: 3, usd: 0.004 }]);
  });

  it('header, tests, findings and the verifier output', () => {
    const findings: JsonObject[] = [{ kind: 'verifier_output', text: '1 passed' }, { kind: 'infra_retry', attempt: 1, error: 'x' }];
    const t: TrialRecord = { ...T, tests: [{ name: 'test_x', status: 'passed' }], findings };
    const v = transcriptView(t, [call(T.id, 1)], events(), false);
    assert.equal(v.header.status, 'passed');
    assert.equal(v.header.costText, '$0.006');
    assert.equal(v.header.durationText, '5.0 s');
    assert.deepEqual(v.tests, [{ name: 'test_x', status: 'passed' }]);
    assert.equal(v.verifierOutput, '1 passed');
    assert.deepEqual(v.findings.map((f) => f.kind), ['infra_retry']);
    assert.doesNotThrow(() => EVENTS['transcript/data'](JSON.parse(JSON.stringify(v)), 'transcript'));
  });

  it('a verifier error keeps its output as the verifier output', () => {
    const t = { ...T, status: 'verifier_error' as const, findings: [{ kind: 'detail', text: 'no summary' }] };
    assert.equal(transcriptView(t, [], [], false).verifierOutput, 'no summary');
  });

  it('shows a shell command as the command, other inputs as JSON', () => {
    assert.equal(toolInput({ command: 'make test' }), 'make test');
    assert.equal(toolInput({ path: 'a' }), '{\n  "path": "a"\n}');
  });

  it('a long transcript stays a flat list the webview can page through', () => {
    const many = Array.from({ length: 2000 }, (_, i) => event(T.id, i + 1, i % 2 ? 'tool_result' : 'tool_call', { tool: 'bash', input: { command: `echo ${i}` }, output: 'x'.repeat(100) }, 'exec'));
    const started = performance.now();
    const steps = transcriptSteps(many, []);
    assert.equal(steps.length, 1000);
    assert.ok(performance.now() - started < 500);
  });
});
