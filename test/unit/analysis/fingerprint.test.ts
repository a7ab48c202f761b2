import assert from 'node:assert/strict';
import {
  groupFingerprint, resentTokens, toolCallsOf, trialFingerprint, wallTimeSplit,
} from '../../../src/core/analysis/fingerprint';
import { categoriseToolName } from '../../../src/core/domain';
import { commandOf, splitCall, type UsagePricer } from '../../../src/core/calls';
import { trialFacts } from '../../../src/core/analysis/trials';
import type { TranscriptEventRecord } from '../../../src/core/store/records';
import { call, tokens, toolEvent, trial } from '../report/fixture';

function near(actual: unknown, expected: number, tolerance = 1e-12, message = ''): void {
  assert.ok(typeof actual === 'number' && Math.abs(actual - expected) <= tolerance, `${message} expected ${expected}, got ${String(actual)}`);
}

/** $1 / $0.10 / $1.25 / $4 per million (input / cache read / cache write / output). */
const PRICE = { input: 1, cacheRead: 0.1, cacheWrite: 1.25, output: 4 };
const pricer: UsagePricer = (u) => (u.input * PRICE.input + u.cacheRead * PRICE.cacheRead + u.cacheWrite * PRICE.cacheWrite + u.output * PRICE.output) / 1e6;

/** A three-call trial: the second call re-sends the first's context from cache, the third is compacted. */
function threeCalls(trialId = 'a') {
  const usages = [
    tokens({ input: 1000, output: 100 }), // total input 1000
    tokens({ input: 200, cacheRead: 1000, output: 50, reasoning: 20 }), // total input 1200
    tokens({ input: 1000, output: 10 }), // total input 1000 (context compacted)
  ];
  return usages.map((usage, i) => call({ trialId, seq: i + 1, usage, costUsd: pricer(usage, undefined as never), latencyMs: 1000 * (i + 1) }));
}

describe('analysis: fingerprint', () => {
  it('re-sent context: min(input_k, input_{k−1} + output_{k−1}) for every call after the first', () => {
    // call 1: 0; call 2: min(1200, 1000 + 100) = 1100; call 3: min(1000, 1200 + 50) = 1000
    assert.deepEqual(resentTokens(threeCalls()), [0, 1100, 1000]);
  });

  it('a call with no usage (an error) is not taken as the previous context', () => {
    const calls = [
      call({ trialId: 'a', seq: 1, usage: tokens({ input: 500, output: 50 }) }),
      call({ trialId: 'a', seq: 2, usage: tokens(), error: 'HTTP 500' }),
      call({ trialId: 'a', seq: 3, usage: tokens({ input: 600, output: 10 }) }),
    ];
    assert.deepEqual(resentTokens(calls), [0, 0, 550]); // min(600, 500 + 50)
  });

  it('shares over a trial: re-sent context, cache hits, reasoning (hand computation)', () => {
    const [facts] = trialFacts([trial({ id: 'a', taskId: 't', modelId: 'm', agentDurationMs: 10_000 })], threeCalls(), []);
    const f = trialFingerprint(facts!);
    assert.equal(f.llmCalls, 3);
    near(f.resentContextShare, 2100 / 3200); // (1100 + 1000) / (1000 + 1200 + 1000)
    near(f.cacheHitShare, 1000 / 3200);
    near(f.reasoningShare, 20 / 160); // reasoning ÷ output (100 + 50 + 10)
    // Model time 1000 + 2000 + 3000 = 6000 ms of 10 000.
    assert.deepEqual(f.wallTime, { agentMs: 10_000, modelMs: 6000, otherMs: 4000, modelShare: 0.6 });
  });

  it('spend split in tokens without prices', () => {
    const [facts] = trialFacts([trial({ id: 'a', taskId: 't', modelId: 'm' })], threeCalls(), []);
    // re-sent 2100; new input 3200 − 2100 = 1100; output 160 − 20 reasoning = 140; reasoning 20
    assert.deepEqual(trialFingerprint(facts!).spendSplit, { unit: 'tokens', resentContext: 2100, newInput: 1100, output: 140, reasoning: 20 });
  });

  it('spend split in dollars: repeated tokens taken from cache reads first (hand computation)', () => {
    const [, second] = threeCalls();
    // Call 2: 1100 repeated = 1000 cache reads + 100 uncached input.
    // re-sent = 1000 × $0.1/M + 100 × $1/M = $0.0002; new = 100 × $1/M = $0.0001
    // output = 30 × $4/M = $0.00012; reasoning = 20 × $4/M = $0.00008; total $0.0005 = the call's cost.
    const { usd } = splitCall(second!, 1100, pricer);
    assert.ok(usd);
    near(usd.resentContext, 0.0002);
    near(usd.newInput, 0.0001);
    near(usd.output, 0.00012);
    near(usd.reasoning, 0.00008);
    near(second!.costUsd, 0.0005);
  });

  it('spend split parts are scaled to add up to the metered cost (a reported cost wins)', () => {
    const c = call({ trialId: 'a', seq: 1, usage: tokens({ input: 1000, output: 250 }), costUsd: 0.004 }); // list price 0.001 + 0.001 = 0.002
    const { usd } = splitCall(c, 0, pricer);
    near(usd!.newInput, 0.002); // half of 0.004
    near(usd!.output, 0.002);
  });

  it('an unpriced call keeps the split in tokens (never $0)', () => {
    const calls = threeCalls();
    calls[1] = { ...calls[1]!, costUsd: null, costSource: 'unpriced' };
    const [facts] = trialFacts([trial({ id: 'a', taskId: 't', modelId: 'm' })], calls, []);
    assert.equal(trialFingerprint(facts!, pricer).spendSplit.unit, 'tokens');
    const noPrice: UsagePricer = () => null;
    const [priced] = trialFacts([trial({ id: 'a', taskId: 't', modelId: 'm' })], threeCalls(), []);
    assert.equal(trialFingerprint(priced!, noPrice).spendSplit.unit, 'tokens');
    assert.equal(trialFingerprint(priced!, pricer).spendSplit.unit, 'usd');
  });

  it('model time is capped at the agent time; no agent time, no split', () => {
    const calls = threeCalls(); // 6000 ms of latency
    assert.deepEqual(wallTimeSplit(calls, 4000), { agentMs: 4000, modelMs: 4000, otherMs: 0, modelShare: 1 });
    assert.equal(wallTimeSplit(calls, null), null);
  });

  it('tool calls from the transcript, with the harness’s categories and command lengths', () => {
    const events: TranscriptEventRecord[] = [
      toolEvent('a', 1, 'read', { name: 'read', arguments: { path: 'x' } }),
      toolEvent('a', 2, 'exec', { name: 'bash', arguments: { command: 'ls -la' } }), // 6 chars
      toolEvent('a', 3, 'exec', { command: ['python3', 'run.py'] }), // "python3 run.py": 14 chars
      toolEvent('a', 4, 'read', {}),
      toolEvent('a', 5, 'write', {}),
      toolEvent('a', 6, null, {}),
      { ...toolEvent('a', 7, 'exec', { command: 'not a tool call' }), kind: 'tool_result' },
    ];
    const [facts] = trialFacts([trial({ id: 'a', taskId: 't', modelId: 'm' })], [], events);
    const f = trialFingerprint(facts!);
    assert.equal(f.toolCallSource, 'transcript');
    assert.deepEqual(
      { read: f.toolCalls.read, write: f.toolCalls.write, exec: f.toolCalls.exec, other: f.toolCalls.other, total: f.toolCalls.total },
      { read: 2, write: 1, exec: 2, other: 1, total: 6 },
    );
    near(f.readWriteRatio, 2);
    near(f.meanCommandLength, 10); // (6 + 14) / 2
  });

  it('without transcript tool calls: the model’s tool calls by name; without those: command events', () => {
    const calls = [
      call({ trialId: 'a', seq: 1, toolCalls: [{ name: 'bash', arguments: '{"command":"make test"}' }, { name: 'read_file', arguments: { path: 'a' } }] }),
      call({ trialId: 'a', seq: 2, toolCalls: [{ name: 'str_replace_based_edit_tool' }, { name: 'grep' }, { name: 'TodoWrite' }, { name: 'mystery' }] }),
    ];
    const seen = toolCallsOf(calls, []);
    assert.equal(seen.source, 'llm');
    assert.deepEqual(seen.seen.map((s) => s.category), ['exec', 'read', 'write', 'search', 'plan', 'other']);
    assert.equal(seen.seen[0]?.command, 'make test');

    const oracle: TranscriptEventRecord = { ...toolEvent('a', 1, 'exec', { command: 'bash solution.sh' }), kind: 'command' };
    const fromCommands = toolCallsOf([], [oracle]);
    assert.equal(fromCommands.source, 'commands');
    assert.deepEqual(fromCommands.seen, [{ category: 'exec', command: 'bash solution.sh' }]);
    assert.deepEqual(toolCallsOf([], []), { source: 'none', seen: [] });
  });

  it('tool names and command payloads in their common shapes', () => {
    assert.equal(categoriseToolName('Bash'), 'exec');
    assert.equal(categoriseToolName('execute_command'), 'exec');
    assert.equal(categoriseToolName('Read'), 'read');
    assert.equal(categoriseToolName('apply_patch'), 'write');
    assert.equal(categoriseToolName('Glob'), 'search');
    assert.equal(categoriseToolName('WebFetch'), 'network');
    assert.equal(categoriseToolName('something'), 'other');
    assert.equal(commandOf({ cmd: 'echo hi' }), 'echo hi');
    assert.equal(commandOf({ input: { command: 'pwd' } }), 'pwd');
    assert.equal(commandOf({ arguments: '{"command": "ls"}' }), 'ls');
    assert.equal(commandOf({ arguments: 'not json' }), undefined);
    assert.equal(commandOf('bare string'), undefined);
  });

  it('read:write ratio is null with no writes (not infinite, not 0)', () => {
    const [facts] = trialFacts([trial({ id: 'a', taskId: 't', modelId: 'm' })], [], [toolEvent('a', 1, 'read')]);
    assert.equal(trialFingerprint(facts!).readWriteRatio, null);
  });

  it('per model: totals and ratios of totals, timeouts counted', () => {
    const trials = [
      trial({ id: 'a', taskId: 't', modelId: 'm', status: 'timeout', agentDurationMs: 10_000 }),
      trial({ id: 'b', taskId: 't', modelId: 'm', status: 'passed', agentDurationMs: 2000 }),
    ];
    const calls = [
      ...threeCalls('a'), // 3200 input, 2100 re-sent, 1000 cache reads; 6000 ms
      call({ trialId: 'b', seq: 1, usage: tokens({ input: 800, output: 40 }), latencyMs: 1000, costUsd: 0.001 }),
    ];
    const events = [toolEvent('a', 1, 'read'), toolEvent('a', 2, 'read'), toolEvent('a', 3, 'write'), toolEvent('b', 1, 'read'), toolEvent('b', 2, 'write')];
    const g = groupFingerprint(trialFacts(trials, calls, events));
    assert.equal(g.trials, 2);
    assert.equal(g.llmCalls, 4);
    near(g.llmCallsPerAttempt, 2);
    near(g.readWriteRatio, 1.5); // 3 reads / 2 writes
    near(g.toolCallsPerAttempt?.total, 2.5);
    near(g.resentContextShare, 2100 / 4000); // (2100 + 0) / (3200 + 800)
    near(g.cacheHitShare, 1000 / 4000);
    near(g.reasoningShare, 20 / 200); // output 160 + 40
    assert.deepEqual(g.wallTime, { agentMs: 12_000, modelMs: 7000, otherMs: 5000, trialsTimed: 2, modelShare: 7000 / 12_000 });
    assert.equal(g.timeouts, 1);
    near(g.timeoutRate, 0.5);
  });
});
