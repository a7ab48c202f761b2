/**
 * The usage a CLI reports about itself (Claude Code's result event, OpenCode's step_finish,
 * Codex's turn.completed), read from its stdout in arbitrary chunks, and reconciled with the
 * proxy's calls into one finding.
 */
import assert from 'node:assert/strict';
import type { TokenUsage } from '../../../src/core/domain';
import { reconcileReported, ReportedUsageReader, type ReconcilableCall } from '../../../src/core/harness/command/reported-usage';
import type { OutputFormat } from '../../../src/core/harness/command/preset';

function usage(input: number, cacheRead: number, cacheWrite: number, output: number, reasoning = 0): TokenUsage {
  return { input, cacheRead, cacheWrite, output, reasoning };
}

function call(seq: number, u: TokenUsage, extra: Partial<ReconcilableCall> = {}): ReconcilableCall {
  return { seq, usage: u, httpStatus: 200, error: null, costUsd: 0.001, requestedModel: 'sim/direct', toolCalls: [], ...extra };
}

/** Feed text in awkward chunks (splitting lines and multi-byte characters). */
function read(format: OutputFormat, text: string) {
  const reader = new ReportedUsageReader(format);
  const bytes = Buffer.from(text);
  for (let at = 0; at < bytes.length; at += 7) reader.push(bytes.subarray(at, at + 7));
  return reader.end();
}

// Claude Code 2.1.332's last events of a real sim-anthropic/direct trial (trimmed).
const CLAUDE_STREAM = [
  '{"type":"system","subtype":"init","cwd":"/app","tools":["Bash","Read"],"model":"sim/direct","permissionMode":"bypassPermissions"}',
  '{"type":"assistant","message":{"model":"sim/direct","content":[{"type":"text","text":"Done — ünïcødé"}],"usage":{"input_tokens":0,"output_tokens":18}}}',
  JSON.stringify({
    type: 'result', subtype: 'success', is_error: false, num_turns: 3, total_cost_usd: 0.1002065, result: 'Done', api_error_status: null,
    usage: { input_tokens: 0, cache_creation_input_tokens: 861, cache_read_input_tokens: 11209, output_tokens: 18 },
    modelUsage: { 'sim/direct': { inputTokens: 0, outputTokens: 586, cacheReadInputTokens: 20238, cacheCreationInputTokens: 12070, thinkingTokens: 0, costUSD: 0.1002065, costBasis: 'unknown' } },
  }),
  '',
].join('\n');

const CLAUDE_CALLS = [call(1, usage(0, 0, 9029, 26), { costUsd: 0.0114 }), call(2, usage(0, 9029, 2180, 542), { costUsd: 0.0058 }), call(3, usage(0, 11209, 861, 18), { costUsd: 0.0023 })];

describe('CLI-reported usage', () => {
  it("reads Claude Code's result event, per model", () => {
    const reported = read('claude-stream-json', CLAUDE_STREAM);
    assert.ok(reported);
    assert.deepEqual(reported.usage, usage(0, 20238, 12070, 586));
    assert.equal(reported.costUsd, 0.1002065);
    assert.equal(reported.turns, 3);
    assert.deepEqual(Object.keys(reported.byModel ?? {}), ['sim/direct']);
    assert.equal(reported.byModel?.['sim/direct']?.costBasis, 'unknown');
    assert.deepEqual(reported.errors, []);
    assert.equal(read('claude-stream-json', '{"type":"system"}\nnot json\n'), undefined);
  });

  it("agrees with the proxy on tokens; Claude Code's guessed price for an unknown model is explained", () => {
    const { finding, tokensMatch } = reconcileReported(read('claude-stream-json', CLAUDE_STREAM)!, CLAUDE_CALLS, 'claude-code');
    assert.equal(tokensMatch, true);
    assert.equal(finding.kind, 'harness_reported_usage');
    assert.equal(finding.explained, true);
    assert.deepEqual(finding.diff, {});
    assert.equal(finding.calls, 3);
    assert.match(String(finding.note), /own token counts agree/);
    assert.match(String(finding.note), /costBasis "unknown"/);
    assert.ok(Math.abs((finding.proxyCostUsd as number) - 0.0195) < 1e-9);
  });

  it('is a mismatch when the tokens disagree, or a known price disagrees', () => {
    const { finding, tokensMatch } = reconcileReported(read('claude-stream-json', CLAUDE_STREAM)!, CLAUDE_CALLS.slice(0, 2), 'claude-code');
    assert.equal(tokensMatch, false);
    assert.equal(finding.explained, false);
    assert.deepEqual(finding.diff, { cacheRead: -11209, cacheWrite: -861, output: -18 });
    assert.match(String(finding.note), /disagree with the proxy's: cacheRead -11209, cacheWrite -861, output -18 \(proxy − claude-code\)/);

    const priced = CLAUDE_STREAM.replace('"costBasis":"unknown"', '"costBasis":"list"');
    const costly = reconcileReported(read('claude-stream-json', priced)!, CLAUDE_CALLS, 'claude-code');
    assert.equal(costly.tokensMatch, true);
    assert.equal(costly.finding.explained, false);
    assert.match(String(costly.finding.note), /cost: claude-code says \$0\.100207, the proxy \$0\.0195(?!\d)/);
  });

  it('lists calls for models Claude Code did not report', () => {
    const { finding, tokensMatch } = reconcileReported(read('claude-stream-json', CLAUDE_STREAM)!, [...CLAUDE_CALLS, call(4, usage(50, 0, 0, 5), { requestedModel: 'claude-haiku-4-5' })], 'claude-code');
    assert.equal(tokensMatch, false);
    assert.match(String(finding.note), /1 metered call for models claude-code did not report: claude-haiku-4-5/);
  });

  it("reads a Claude Code error ending and the API status it gave up on", () => {
    const reported = read('claude-stream-json', JSON.stringify({ type: 'result', subtype: 'error_during_execution', is_error: true, api_error_status: 529, total_cost_usd: 0, result: 'API Error: 529 overloaded', modelUsage: {} }) + '\n');
    assert.equal(reported?.apiErrorStatus, 529);
    assert.match(reported?.errors[0] ?? '', /^error_during_execution: API Error: 529/);
  });

  it("reads OpenCode's steps (output without reasoning there) and explains the title call", () => {
    const step = (input: number, output: number, reasoning: number, read: number, cost: number) =>
      JSON.stringify({ type: 'step_finish', part: { type: 'step-finish', tokens: { total: 0, input, output, reasoning, cache: { write: 0, read } }, cost } });
    const text = [step(6716, 22, 34, 0, 0.01), '{"type":"text","part":{"text":"hi"}}', step(100, 10, 0, 6700, 0.002)].join('\n');
    const reported = read('opencode-json', text);
    assert.deepEqual(reported?.steps, [usage(6716, 0, 0, 56, 34), usage(100, 6700, 0, 10, 0)]);
    assert.ok(Math.abs((reported?.costUsd ?? 0) - 0.012) < 1e-12);
    const calls = [call(1, usage(6716, 0, 0, 56, 34), { toolCalls: [{ id: 'a', name: 'bash', arguments: '{}', argumentsBytes: 2 }] }), call(2, usage(100, 6700, 0, 10)), call(3, usage(80, 0, 0, 12))];
    const { finding, tokensMatch } = reconcileReported(reported!, calls, 'opencode');
    assert.equal(tokensMatch, true);
    assert.equal(finding.explained, false, 'the $0.012 OpenCode reports is not the proxy\'s $0.003');
    const free = reconcileReported({ ...reported!, costUsd: 0 }, calls, 'opencode');
    assert.equal(free.finding.explained, true);
    assert.match(String(free.finding.note), /knows no price for this model and reports \$0/);
    assert.deepEqual((finding.extraCalls as { callSeq: number }[]).map((c) => c.callSeq), [3]);
    assert.match(String(finding.note), /1 metered call opencode counts in no step/);
    // A step no call accounts for is never explained away.
    const short = reconcileReported(reported!, calls.slice(1), 'opencode');
    assert.equal(short.tokensMatch, false);
  });

  it("reads Codex's turns (input with cached there)", () => {
    const text = [
      '{"type":"thread.started","thread_id":"t"}',
      '{"type":"item.completed","item":{"type":"command_execution","command":"ls"}}',
      '{"type":"turn.completed","usage":{"input_tokens":1200,"cached_input_tokens":1000,"output_tokens":300,"reasoning_output_tokens":120}}',
    ].join('\n');
    const reported = read('codex-json', text);
    assert.deepEqual(reported?.usage, usage(200, 1000, 0, 300, 120));
    assert.equal(reported?.turns, 1);
    assert.equal(reported?.costUsd, null);
    const failed = read('codex-json', '{"type":"turn.failed","error":{"message":"stream disconnected"}}');
    assert.deepEqual(failed?.errors, ['stream disconnected']);
  });

  it('reads nothing from plain text output', () => {
    assert.equal(read('text', '{"type":"result","total_cost_usd":1}\n'), undefined);
  });
});
