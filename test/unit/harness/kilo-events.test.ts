import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TranscriptEntry } from '../../../src/core/harness/harness';
import { KiloEventParser, parseKiloStream } from '../../../src/core/harness/kilo/events';

const FIXTURES = join(__dirname, '../../fixtures/kilo');
const fixture = (name: string) => readFileSync(join(FIXTURES, name));

function parseInChunks(data: Buffer, sizes: (i: number) => number): TranscriptEntry[] {
  const entries: TranscriptEntry[] = [];
  const parser = new KiloEventParser((e) => entries.push(e));
  for (let at = 0, i = 0; at < data.length; i++) {
    const size = Math.max(1, sizes(i));
    parser.push(data.subarray(at, at + size));
    at += size;
  }
  parser.end();
  return entries;
}

describe('kilo events', () => {
  it('turns a recorded run (OpenAI protocol) into transcript entries with categories, sizes, exit codes and steps', () => {
    const { entries, steps, stats, errors } = parseKiloStream(fixture('openai-direct.jsonl'));
    assert.deepEqual(stats.unknown, {});
    assert.equal(stats.unparsed, 0);
    assert.equal(stats.toolCalls, 2);
    assert.deepEqual(errors, []);
    assert.deepEqual(entries.map((e) => `${e.kind}${e.toolCategory ? `:${e.toolCategory}` : ''}`), [
      'model_message', 'tool_call:read', 'tool_result:read', 'model_message',
      'model_message', 'tool_call:write', 'tool_result:write', 'model_message',
      'model_message', 'model_message',
    ]);
    const call = entries[1] as TranscriptEntry;
    assert.equal(call.payload.tool, 'bash');
    assert.equal((call.payload.input as { command: string }).command, 'pwd && ls -la');
    const result = entries[2] as TranscriptEntry;
    assert.equal(result.payload.exitCode, 0);
    assert.equal(result.payload.isError, false);
    assert.equal(typeof result.payload.durationMs, 'number');
    assert.equal(result.payload.outputBytes, Buffer.byteLength(result.payload.output as string));
    assert.equal(steps.length, 3);
    assert.deepEqual(steps.map((s) => s.reason), ['tool-calls', 'tool-calls', 'stop']);
    assert.deepEqual(steps[0]?.tokens, { input: 11033, output: 25, reasoning: 20, cacheRead: 0, cacheWrite: 0, total: 11078 });
    assert.deepEqual(steps[1]?.tokens, { input: 112, output: 70, reasoning: 30, cacheRead: 11033, cacheWrite: 0, total: 11245 });
    const stepEntry = entries[3] as TranscriptEntry;
    assert.deepEqual((stepEntry.payload.kiloStep as { tokens: unknown }).tokens, steps[0]?.tokens, 'step_finish → model_message with kiloStep');
    assert.match(stepEntry.payload.text as string, /^\[Kilo step 1, tool-calls\] input 11033/);
  });

  it('reads Anthropic-protocol runs: cache writes, and the read and write tools', () => {
    const { entries, steps } = parseKiloStream(fixture('anthropic-explorer.jsonl'));
    assert.equal(steps.length, 9);
    assert.equal(steps[0]?.tokens.cacheWrite, 10959);
    const tools = entries.filter((e) => e.kind === 'tool_call').map((e) => `${e.payload.tool}:${e.toolCategory}`);
    assert.deepEqual(tools, ['bash:read', 'read:read', 'bash:read', 'bash:read', 'write:write', 'bash:exec', 'bash:read', 'bash:read']);
  });

  it('gives the same entries whatever the chunking, multi-byte characters split across chunks included', () => {
    const base = fixture('openai-direct.jsonl');
    const accented = Buffer.from(JSON.stringify({ type: 'text', part: { text: 'Résumé: ✓ déjà vu — 日本語' } }) + '\n');
    const data = Buffer.concat([base, accented]);
    const whole = parseInChunks(data, () => data.length);
    assert.equal((whole[whole.length - 1] as TranscriptEntry).payload.text, 'Résumé: ✓ déjà vu — 日本語');
    for (const size of [1, 2, 3, 7, 64, 1000]) assert.deepEqual(parseInChunks(data, () => size), whole, `chunks of ${size}`);
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 97;
    assert.deepEqual(parseInChunks(data, random), whole, 'random chunks');
  });

  it('keeps what came before a stream cut mid-line, and counts the cut line as unparsed', () => {
    const data = fixture('openai-direct.jsonl').toString('utf8');
    const lines = data.split('\n');
    const cut = lines.slice(0, 6).join('\n') + '\n' + (lines[6] as string).slice(0, 80);
    const { entries, steps, stats } = parseKiloStream(cut);
    assert.equal(steps.length, 1);
    assert.equal(stats.unparsed, 1);
    assert.deepEqual(entries.slice(0, 5).map((e) => e.kind), ['model_message', 'tool_call', 'tool_result', 'model_message', 'model_message']);
    assert.equal(entries[entries.length - 1]?.kind, 'output', 'the broken line is kept as output');
    // A complete last line without its newline is still parsed at the end.
    assert.equal(parseKiloStream(lines.slice(0, 4).join('\n')).steps.length, 1);
  });

  it('skips garbage and unknown events without losing known ones', () => {
    const garbage = [
      'Warning: something printed to stdout',
      '',
      '[1, 2, 3]',
      '{"no_type": true}',
      '{"type":"future_event","part":{}}',
      '{"type":"future_event"}',
      '{not json',
      '\u001b[31mcolour\u001b[0m',
    ].join('\n');
    const real = fixture('openai-direct.jsonl').toString('utf8');
    const { steps, stats, entries } = parseKiloStream(`${garbage}\n${real}\r\n${garbage}\n`);
    assert.equal(steps.length, 3);
    assert.equal(stats.unparsed, 10);
    assert.deepEqual(stats.unknown, { future_event: 4 });
    assert.equal(entries.filter((e) => e.kind === 'tool_call').length, 2);
  });

  it('keeps at most a few unparsed lines and drops over-long lines', () => {
    const entries: TranscriptEntry[] = [];
    const parser = new KiloEventParser((e) => entries.push(e), { maxLineChars: 100, keepUnparsed: 2 });
    parser.push('x'.repeat(60));
    parser.push('x'.repeat(60));
    parser.push(`${'x'.repeat(60)}\nnot json 1\nnot json 2\n`);
    parser.push('{"type":"text","part":{"text":"still fine"}}\n');
    parser.end();
    assert.equal(parser.stats.unparsed, 3);
    assert.deepEqual(entries.map((e) => e.kind), ['output', 'output', 'model_message']);
    assert.match(String(entries[0]?.payload.text), /too long/);
  });

  it('records tool errors (ripgrep that cannot be downloaded, a tool Kilo does not offer) as failed results', () => {
    const { entries, steps } = parseKiloStream(fixture('tool-errors.jsonl'));
    const results = entries.filter((e) => e.kind === 'tool_result');
    assert.deepEqual(results.map((e) => `${e.payload.tool}:${e.toolCategory}:${e.payload.isError}`), ['glob:search:true', 'grep:search:true', 'list:read:true']);
    assert.match(String(results[0]?.payload.output), /ripgrep/);
    assert.equal(steps.length, 4);
  });

  it("records Kilo's error events with the provider's status", () => {
    const { entries, errors } = parseKiloStream(fixture('provider-error.jsonl'));
    assert.deepEqual(errors, [{ step: 0, name: 'APIError', message: 'Internal server error (simulated).', statusCode: 500, retryable: true }]);
    assert.equal(entries[0]?.kind, 'error');
    const plain = parseKiloStream('{"type":"error","error":"run ended with an auto-rejected permission"}\n');
    assert.deepEqual(plain.errors[0], { step: 0, name: 'Error', message: 'run ended with an auto-rejected permission' });
  });

  it('records reasoning parts and cuts long tool inputs', () => {
    const lines = [
      { type: 'step_start', part: {} },
      { type: 'reasoning', part: { text: 'Thinking about it.' } },
      { type: 'tool_use', part: { tool: 'write', callID: 'c1', state: { status: 'completed', input: { filePath: '/app/x', content: 'y'.repeat(10_000) }, output: 'ok', time: { start: 10, end: 25 } } } },
      { type: 'step_finish', part: { reason: 'tool-calls', cost: 0.0012, tokens: { input: 5, output: 6, reasoning: 7, cache: { read: 8, write: 9 } }, time: { start: 1, end: 30 } } },
    ].map((l) => JSON.stringify(l)).join('\n');
    const { entries, steps } = parseKiloStream(lines);
    assert.deepEqual(entries[0]?.payload, { step: 1, reasoning: true, text: 'Thinking about it.' });
    assert.ok(String((entries[1]?.payload.input as { content: string }).content).length < 5000);
    assert.equal(entries[2]?.payload.durationMs, 15);
    assert.deepEqual(steps[0], { index: 1, reason: 'tool-calls', cost: 0.0012, startedAt: 1, endedAt: 30, tokens: { input: 5, output: 6, reasoning: 7, cacheRead: 8, cacheWrite: 9, total: 35 } });
  });
});
