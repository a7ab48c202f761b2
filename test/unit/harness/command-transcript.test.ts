/**
 * The transcript of a command trial from the proxy's call records alone: tool calls with
 * categories (shell commands classified), tool results from the request that follows, and the
 * summary used in reports. Calls are shaped like real ones (Claude Code's Bash/Read/Write, Codex's
 * argv `shell` and `apply_patch`, OpenCode's bash).
 */
import assert from 'node:assert/strict';
import type { MeteredCall } from '../../../src/core/meter/types';
import type { TokenUsage } from '../../../src/core/domain';
import { CallTranscript, categoryOf, shellCommandOf, summarizeCalls, transcriptFromCalls, type CallForTranscript } from '../../../src/core/harness/command/transcript';

type Call = CallForTranscript & Pick<MeteredCall, 'costUsd'>;

function usage(input: number, cacheRead: number, cacheWrite: number, output: number): TokenUsage {
  return { input, cacheRead, cacheWrite, output, reasoning: 0 };
}

function call(seq: number, tools: [string, unknown][], u: TokenUsage, extra: Partial<Call> = {}): Call {
  return {
    seq, usage: u, httpStatus: 200, error: null, costUsd: 0.001,
    toolCalls: tools.map(([name, args], i) => {
      const text = typeof args === 'string' ? args : JSON.stringify(args);
      return { id: `toolu_${seq}_${i}`, name, arguments: text, argumentsBytes: Buffer.byteLength(text) };
    }),
    ...extra,
  };
}

// A Claude Code trial as the proxy saw it (sim/direct over Anthropic Messages).
const CLAUDE: Call[] = [
  call(1, [['Bash', { command: 'pwd && ls -la', description: 'Looking around.' }]], usage(0, 0, 9029, 26)),
  call(2, [['Bash', { command: "cat > /tmp/s.sh <<'EOF'\necho hi\nEOF\nbash /tmp/s.sh", description: 'Apply.' }]], usage(0, 9029, 2180, 542)),
  call(3, [], usage(0, 11209, 861, 18)),
];

describe('command transcript from metered calls', () => {
  it('categorises tool calls by name, and shell commands by what they do', () => {
    const table: [string, unknown, string][] = [
      ['Bash', { command: 'cat /app/config.ini' }, 'read'],
      ['Bash', { command: 'grep -rn TODO src/' }, 'search'],
      ['Bash', { command: 'echo x > /app/out.txt' }, 'write'],
      ['Bash', { command: 'python3 -m pytest -q' }, 'exec'],
      ['Bash', {}, 'exec'],
      ['Read', { file_path: '/etc/passwd' }, 'read'],
      ['Write', { file_path: '/app/a', content: 'x' }, 'write'],
      ['Edit', { file_path: '/app/a' }, 'write'],
      ['Glob', { pattern: '**/*.py' }, 'search'],
      ['TodoWrite', { todos: [] }, 'plan'],
      ['WebFetch', { url: 'https://x' }, 'network'],
      ['shell', { command: ['bash', '-lc', 'ls -la /app'] }, 'read'],
      ['shell', { command: ['bash', '-lc', "sed -i 's/a/b/' f.py"] }, 'write'],
      ['shell', { command: ['rg', 'needle', '.'] }, 'search'],
      ['exec_command', { cmd: 'make test' }, 'exec'],
      ['apply_patch', { input: '*** Begin Patch' }, 'write'],
      ['bash', { command: 'find / -name "*.log"', description: 'Find logs' }, 'search'],
      ['mystery_tool', { a: 1 }, 'other'],
    ];
    for (const [name, args, category] of table) assert.equal(categoryOf(name, args as Record<string, unknown>), category, `${name} ${JSON.stringify(args)}`);
    assert.equal(shellCommandOf({ command: ['/bin/sh', '-c', 'echo hi'] }), 'echo hi');
    assert.equal(shellCommandOf({ command: ['python3', 'x.py'] }), 'python3 x.py');
    assert.equal(shellCommandOf('not json'), undefined);
  });

  it('derives a tool_call per tool call and a tool_result from the request that answers it', () => {
    const entries = transcriptFromCalls(CLAUDE);
    assert.deepEqual(entries.map((e) => [e.kind, e.toolCategory, e.payload.callSeq, e.payload.tool]), [
      ['tool_call', 'read', 1, 'Bash'],
      ['tool_result', 'read', 1, 'Bash'],
      ['tool_call', 'write', 2, 'Bash'],
      ['tool_result', 'write', 2, 'Bash'],
    ]);
    const [firstCall, firstResult, , lastResult] = entries;
    assert.deepEqual(firstCall!.payload.input, { command: 'pwd && ls -la', description: 'Looking around.' });
    assert.equal(firstCall!.payload.toolCallId, 'toolu_1_0');
    assert.equal(firstCall!.payload.source, 'metered_call');
    // Call 2's context (9029 + 2180) = call 1's context (9029) + its output (26) + the result (2154 tokens).
    assert.equal(firstResult!.payload.answeredInCall, 2);
    assert.equal(firstResult!.payload.turnResultsTokensApprox, 9029 + 2180 - (9029 + 26));
    assert.equal(lastResult!.payload.answeredInCall, 3);
    assert.equal(lastResult!.payload.turnResultsTokensApprox, 11209 + 861 - (9029 + 2180 + 542));
  });

  it('keeps parallel tool calls apart, skips failed calls, and marks results no request carried', () => {
    const calls: Call[] = [
      call(1, [['Read', { file_path: '/a' }], ['Grep', { pattern: 'x' }]], usage(1000, 0, 0, 40)),
      call(2, [], usage(0, 0, 0, 0), { httpStatus: 529, error: 'overloaded' }),
      call(3, [['Bash', { command: 'rm -rf build' }]], usage(300, 1000, 0, 20)),
    ];
    const entries = transcriptFromCalls(calls);
    assert.deepEqual(entries.map((e) => [e.kind, e.toolCategory, e.payload.tool, 'answeredInCall' in e.payload ? e.payload.answeredInCall : '-']), [
      ['tool_call', 'read', 'Read', '-'],
      ['tool_call', 'search', 'Grep', '-'],
      ['tool_result', 'read', 'Read', 3],
      ['tool_result', 'search', 'Grep', 3],
      ['tool_call', 'write', 'Bash', '-'],
      ['tool_result', 'write', 'Bash', null],
    ]);
    assert.equal(entries[2]!.payload.toolCallsInTurn, 2);
    assert.equal(entries[2]!.payload.turnResultsTokensApprox, 1300 - 1040);
    assert.match(String(entries[5]!.payload.note), /no later request/);
  });

  it('passes over a side request (a session title) between a tool call and the call that answers it', () => {
    const entries = transcriptFromCalls([
      call(1, [['bash', { command: 'ls' }]], usage(5000, 0, 0, 10)),
      call(2, [], usage(300, 0, 0, 12)),
      call(3, [['bash', { command: 'cat a' }]], usage(100, 5000, 0, 20)),
    ]);
    assert.deepEqual(entries.map((e) => [e.kind, e.payload.callSeq, 'answeredInCall' in e.payload ? e.payload.answeredInCall : '-']), [
      ['tool_call', 1, '-'], ['tool_result', 1, 3], ['tool_call', 3, '-'], ['tool_result', 3, null],
    ]);
    assert.equal(entries[1]!.payload.turnResultsTokensApprox, 5100 - 5010);
  });

  it('gives no size when the next call is another conversation (its context is smaller)', () => {
    const entries = transcriptFromCalls([call(1, [['Bash', { command: 'ls' }]], usage(5000, 0, 0, 10)), call(2, [['Task', { prompt: 'sub' }]], usage(200, 0, 0, 5))]);
    assert.equal(entries[1]!.payload.answeredInCall, 2);
    assert.equal(entries[1]!.payload.turnResultsTokensApprox, null);
  });

  it('is incremental and order-independent for whole lists', () => {
    const live = new CallTranscript();
    const streamed = [...CLAUDE.flatMap((c) => live.next(c)), ...live.end()];
    assert.deepEqual(streamed, transcriptFromCalls([...CLAUDE].reverse()));
    assert.deepEqual(live.toolCallsByCategory(), { read: 1, write: 1 });
    assert.equal(live.toolCalls, 2);
  });

  it('keeps arguments that are not JSON as text', () => {
    const [entry] = transcriptFromCalls([call(1, [['shell', '{"command": ["bash", "-lc", "ls"']], usage(1, 0, 0, 1))]);
    assert.equal(entry!.payload.input, '{"command": ["bash", "-lc", "ls"');
    assert.equal(entry!.toolCategory, 'exec');
  });

  it('summarises steps, tool calls by category, tokens and cost', () => {
    const summary = summarizeCalls(CLAUDE);
    assert.deepEqual(summary, {
      calls: 3, steps: 3, toolCalls: 2, byCategory: { read: 1, write: 1 },
      tokens: { input: 0, cacheRead: 20238, cacheWrite: 12070, output: 586, reasoning: 0 }, costUsd: 0.003,
    });
    assert.equal(summarizeCalls([...CLAUDE, { ...CLAUDE[2]!, seq: 4, costUsd: null }]).costUsd, null);
  });
});
