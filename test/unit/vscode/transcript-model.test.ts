import * as assert from 'node:assert/strict';
import { cumulativeCost, NO_FILTERS, tail, toolInput, transcriptNav, transcriptSteps, transcriptView, verdictOf } from '../../../src/vscode/transcript-model';
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
    const v = transcriptView(t, [call(T.id, 1, { costUsd: 0.002 }), call(T.id, 2, { costUsd: 0.004 })], events(), false);
    assert.equal(v.header.status, 'passed');
    assert.equal(v.header.costText, '$0.006', 'the sum of the metered calls');
    assert.equal(v.header.durationText, '5.0 s');
    assert.deepEqual(v.tests, [{ name: 'test_x', status: 'passed' }]);
    assert.equal(v.verifierOutput, '1 passed');
    assert.deepEqual(v.findings.map((f) => f.kind), ['infra_retry']);
    assert.doesNotThrow(() => EVENTS['transcript/data'](JSON.parse(JSON.stringify(v)), 'transcript'));
  });

  it('the header names the trial\'s engine only when the run\'s trials ran on more than one', () => {
    const here = { ...T, id: 'a', engine: 'local' };
    const there = { ...T, id: 'b', engine: 'engine2' };
    const pending = { ...T, id: 'c', engine: null };
    const context = (runTrials: TrialRecord[]) => ({ instruction: null, runTrials, filters: NO_FILTERS });
    assert.equal(transcriptView(there, [], [], false, context([here, there, pending])).header.engine, 'engine2');
    assert.equal(transcriptView(here, [], [], false, context([here, { ...here, id: 'd' }, pending])).header.engine, null, 'one engine: nothing extra');
    assert.equal(transcriptView(pending, [], [], false, context([here, there, pending])).header.engine, null, 'a trial not placed yet has none');
    const v = transcriptView(there, [], [], false, context([here, there]));
    assert.equal(EVENTS['transcript/data'](JSON.parse(JSON.stringify(v)), 'transcript').header.engine, 'engine2');
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

  it("Kilo's step summaries are telemetry, never the model's words, and carry no cost of their own", () => {
    const kilo = event(T.id, 2, 'model_message', { kiloStep: { index: 1, reason: 'tool-calls', tokens: { input: 1200, cacheRead: 800, cacheWrite: 0, output: 95, reasoning: 0 }, cost: 0 }, text: '[Kilo step 1, tool-calls] … Kilo cost $0' });
    const steps = transcriptSteps([kilo, event(T.id, 3, 'model_message', { text: 'Done.' })], []);
    assert.deepEqual(steps.map((s) => s.kind), ['telemetry', 'message']);
    const tele = steps[0] as Extract<typeof steps[number], { kind: 'telemetry' }>;
    assert.equal(tele.source, 'Kilo');
    assert.equal(tele.text, 'step 1 ended (tool-calls) · Kilo counted in 1,200 · cache read 800 · cache write 0 · out 95 tokens');
    assert.doesNotMatch(tele.text, /\$/);
  });

  it('the verdict names the failed tests and ends with the verifier output tail', () => {
    const failed: TrialRecord = { ...T, status: 'failed', tests: [{ name: 'test_a', status: 'passed' }, { name: 'test_b', status: 'failed' }, { name: 'test_c', status: 'error' }] };
    const output = Array.from({ length: 50 }, (_, i) => `line ${i + 1}`).join('\n');
    const v = verdictOf(failed, output);
    assert.deepEqual([v.passed, v.reason, v.failedTests], [false, '2 of 3 tests failed', ['test_b', 'test_c']]);
    assert.match(v.verifierTail ?? '', /^… 30 earlier lines\nline 31\n[^]*line 50$/);
    assert.equal(tail('a\nb\n'), 'a\nb');
    const infra = verdictOf({ ...T, status: 'infra_error', error: 'image build failed\nstack…' }, null);
    assert.deepEqual([infra.passed, infra.reason], [null, 'Docker or the task setup failed (not counted as an attempt): image build failed']);
    assert.equal(verdictOf({ ...T, tests: [{ name: 'x', status: 'passed' }] }, null).reason, 'all 1 test passed');
  });

  it('the instruction comes first; next/previous walk the run by task, model and trial, within the filters', () => {
    const runTrials = [
      trial({ taskId: 'beta', modelId: 'm1', status: 'failed' }),
      trial({ taskId: 'alpha', modelId: 'm2', status: 'passed' }),
      trial({ taskId: 'alpha', modelId: 'm1', status: 'failed' }),
      trial({ taskId: 'alpha', modelId: 'm1', trialIndex: 1, status: 'passed' }),
    ];
    const [beta, alphaM2, alphaM1a, alphaM1b] = runTrials as [TrialRecord, TrialRecord, TrialRecord, TrialRecord];
    const nav = transcriptNav(alphaM1b, runTrials, NO_FILTERS);
    assert.deepEqual([nav.index, nav.count, nav.prevTrialId, nav.nextTrialId], [2, 4, alphaM1a.id, alphaM2.id]);
    assert.deepEqual(nav.choices, { tasks: ['alpha', 'beta'], models: ['m1', 'm2'], statuses: ['failed', 'passed'] });
    const failedOnly = transcriptNav(alphaM1a, runTrials, { ...NO_FILTERS, status: 'failed' });
    assert.deepEqual([failedOnly.index, failedOnly.count, failedOnly.prevTrialId, failedOnly.nextTrialId], [1, 2, null, beta.id]);
    const v = transcriptView(alphaM1a, [], [], false, { instruction: 'Convert the CSV.', runTrials, filters: NO_FILTERS });
    assert.equal(v.instruction, 'Convert the CSV.');
    assert.equal(v.nav.count, 4);
    assert.doesNotThrow(() => EVENTS['transcript/data'](JSON.parse(JSON.stringify(v)), 'transcript'));
  });
});
