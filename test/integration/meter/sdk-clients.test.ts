/**
 * The real `openai` and `@anthropic-ai/sdk` clients, through the proxy, against the simulated
 * provider: streaming and not; the usage the SDK returns is exactly what was metered; a whole
 * agent conversation with the Kilo CLI's tool shapes runs until the sim stops calling tools.
 */
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import type { MeteringProxy } from '../../../src/core/meter';
import { startSimProvider, type SimProvider } from '../../../src/core/providers/sim';
import { meteredProxy } from './upstream-fixture';

const KEY = 'sk-test-SECRET-sdk-0123456789';

const OPENAI_TOOLS: OpenAI.Chat.Completions.ChatCompletionTool[] = [
  { type: 'function', function: { name: 'bash', description: 'Run a shell command', parameters: { type: 'object', properties: { command: { type: 'string' }, description: { type: 'string' } }, required: ['command', 'description'] } } },
  { type: 'function', function: { name: 'read', description: 'Read a file', parameters: { type: 'object', properties: { filePath: { type: 'string' } }, required: ['filePath'] } } },
  { type: 'function', function: { name: 'write', description: 'Write a file', parameters: { type: 'object', properties: { filePath: { type: 'string' }, content: { type: 'string' } }, required: ['filePath', 'content'] } } },
];

describe('metering proxy: real SDK clients against the simulated provider', () => {
  let sim: SimProvider;
  let ctx: Awaited<ReturnType<typeof meteredProxy>>;
  let proxy: MeteringProxy;
  let session: string;

  before(async () => {
    sim = await startSimProvider();
    ctx = await meteredProxy();
    proxy = ctx.proxy;
    session = sim.registerSession({ seed: 3, solution: { script: 'echo ok > /app/result.txt\n' }, workdir: '/app' });
  });
  after(async () => {
    await proxy.close();
    await sim.close();
  });

  function openai(trialId: string): OpenAI {
    const trial = proxy.registerTrial({ trialId, runId: 'sdk', upstream: { kind: 'openai-compatible', baseUrl: `${sim.url}/s/${session}/v1`, apiKey: KEY } });
    return new OpenAI({ baseURL: trial.baseUrl, apiKey: trial.token, maxRetries: 0 });
  }

  function anthropic(trialId: string): Anthropic {
    const trial = proxy.registerTrial({ trialId, runId: 'sdk', upstream: { kind: 'anthropic', baseUrl: `${sim.url}/s/${session}`, apiKey: KEY } });
    return new Anthropic({ baseURL: trial.baseUrl, apiKey: trial.token, maxRetries: 0 });
  }

  it('openai: a non-streamed completion with a tool call; the SDK\'s usage is what was metered', async () => {
    const client = openai('oa-plain');
    const r = await client.chat.completions.create({ model: 'sim/direct', messages: [{ role: 'user', content: 'Fix the app.' }], tools: OPENAI_TOOLS });
    const call = await ctx.nextCall();
    assert.deepEqual(call.usageRaw, r.usage);
    assert.equal(call.usage.input + call.usage.cacheRead, r.usage?.prompt_tokens);
    assert.equal(call.usage.output, r.usage?.completion_tokens);
    const toolCall = r.choices[0]?.message.tool_calls?.[0];
    assert.ok(toolCall && toolCall.type === 'function');
    assert.deepEqual(call.toolCalls, [{ id: toolCall.id, name: 'bash', argumentsBytes: Buffer.byteLength(toolCall.function.arguments), arguments: toolCall.function.arguments }]);
    assert.equal(call.costSource, 'computed');
    assert.ok((call.costUsd ?? 0) > 0);
  });

  it('openai: a stream without include_usage gets no usage chunk, and is metered with the usage the proxy asked for', async () => {
    const client = openai('oa-stream');
    const stream = await client.chat.completions.create({ model: 'sim/explorer', messages: [{ role: 'user', content: 'Fix the app.' }], tools: OPENAI_TOOLS, stream: true });
    let args = '';
    let usageChunk: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      args += chunk.choices[0]?.delta.tool_calls?.[0]?.function?.arguments ?? '';
      if (chunk.usage) usageChunk = chunk.usage;
    }
    const call = await ctx.nextCall();
    assert.equal(usageChunk, undefined, 'the client sees the stream it asked for');
    assert.equal(call.estimated, false);
    assert.ok(call.usageRaw !== null);
    assert.equal(call.toolCalls[0]?.arguments, args);
    assert.ok(call.usage.input > 0 && call.usage.output > 0);
  });

  it('openai responses: non-streamed and streamed, with a function call; the SDK\'s usage is what was metered', async () => {
    const client = openai('oa-responses');
    const tools: OpenAI.Responses.Tool[] = [{ type: 'function', name: 'shell', description: 'Run a command', strict: false, parameters: { type: 'object', properties: { command: { type: 'array', items: { type: 'string' } } }, required: ['command'] } }];
    const whole = await client.responses.create({ model: 'sim/direct', instructions: 'You are Codex.', input: 'Fix the app.', tools });
    const first = await ctx.nextCall();
    assert.equal(first.protocol, 'openai-responses');
    assert.deepEqual(first.usageRaw, whole.usage);
    assert.equal(first.usage.input + first.usage.cacheRead, whole.usage?.input_tokens);
    assert.equal(first.usage.output, whole.usage?.output_tokens);
    const call = whole.output.find((item) => item.type === 'function_call');
    assert.ok(call && call.type === 'function_call');
    assert.deepEqual(JSON.parse(call.arguments).command.slice(0, 2), ['bash', '-lc'], 'an argv shell gets an argv');
    assert.equal(first.toolCalls[0]?.name, 'shell');

    const stream = await client.responses.create({
      model: 'sim/direct', instructions: 'You are Codex.', tools, stream: true,
      input: [{ role: 'user', content: 'Fix the app.' }, call, { type: 'function_call_output', call_id: call.call_id, output: 'done' }],
    });
    let completed: OpenAI.Responses.Response | undefined;
    for await (const event of stream) if (event.type === 'response.completed') completed = event.response;
    const second = await ctx.nextCall();
    assert.ok(completed?.usage);
    assert.equal(second.estimated, false);
    assert.equal(second.usage.input + second.usage.cacheRead, completed.usage.input_tokens);
    assert.equal(second.usage.output, completed.usage.output_tokens);
    assert.ok(second.usage.cacheRead > 0, 'the shared prefix of the conversation is cached');
  });

  it('anthropic: non-streamed and streamed messages; the SDK\'s usage is what was metered', async () => {
    const client = anthropic('an');
    const tools: Anthropic.Tool[] = [{ name: 'Bash', input_schema: { type: 'object', properties: { command: { type: 'string' } }, required: ['command'] } }];
    const m = await client.messages.create({ model: 'sim/direct', max_tokens: 1000, messages: [{ role: 'user', content: 'Fix the app.' }], tools });
    const plain = await ctx.nextCall();
    assert.deepEqual(plain.usageRaw, m.usage);
    assert.equal(plain.toolCalls[0]?.name, 'Bash');
    const final = await client.messages.stream({ model: 'sim/thinker', max_tokens: 4000, thinking: { type: 'enabled', budget_tokens: 2000 }, messages: [{ role: 'user', content: 'Fix the app.' }], tools }).finalMessage();
    const streamed = await ctx.nextCall();
    assert.equal(streamed.streaming, true);
    assert.equal(streamed.usage.output, final.usage.output_tokens);
    assert.equal(streamed.usage.input, final.usage.input_tokens);
    assert.ok(final.content.some((b) => b.type === 'thinking'));
    assert.ok(final.usage.output_tokens > 300, 'thinker thinks a lot');
  });

  it('a whole agent loop: the sim calls tools until it is done and then answers in text; every call is metered in order', async () => {
    const client = openai('loop');
    const messages: OpenAI.Chat.Completions.ChatCompletionMessageParam[] = [{ role: 'system', content: 'You are a coding agent.' }, { role: 'user', content: 'Make /app/result.txt say ok.' }];
    const before = ctx.calls.length;
    for (let turn = 0; turn < 20; turn++) {
      const r = await client.chat.completions.create({ model: 'sim/explorer', messages, tools: OPENAI_TOOLS, stream: turn % 2 === 1, stream_options: turn % 2 === 1 ? { include_usage: true } : undefined } as never) as unknown;
      let message: OpenAI.Chat.Completions.ChatCompletionMessage;
      if (turn % 2 === 1) {
        const stream = r as AsyncIterable<OpenAI.Chat.Completions.ChatCompletionChunk>;
        let content = '';
        const calls: { id: string; name: string; arguments: string }[] = [];
        for await (const chunk of stream) {
          content += chunk.choices[0]?.delta.content ?? '';
          for (const t of chunk.choices[0]?.delta.tool_calls ?? []) {
            if (t.id) calls[t.index] = { id: t.id, name: t.function?.name ?? '', arguments: '' };
            const call = calls[t.index];
            if (call) call.arguments += t.function?.arguments ?? '';
          }
        }
        message = { role: 'assistant', content, refusal: null, ...(calls.length ? { tool_calls: calls.map((c) => ({ id: c.id, type: 'function' as const, function: { name: c.name, arguments: c.arguments } })) } : {}) };
      } else {
        message = (r as OpenAI.Chat.Completions.ChatCompletion).choices[0]!.message;
      }
      messages.push(message);
      if (!message.tool_calls?.length) break;
      for (const call of message.tool_calls) messages.push({ role: 'tool', tool_call_id: call.id, content: 'ok' });
    }
    const last = messages.at(-1) as OpenAI.Chat.Completions.ChatCompletionAssistantMessageParam;
    assert.equal(last.role, 'assistant');
    assert.ok(!last.tool_calls?.length, 'the conversation ended with a text answer');
    const loopCalls = ctx.calls.slice(before);
    assert.deepEqual(loopCalls.map((c) => c.seq), loopCalls.map((_, i) => i + 1));
    const names = loopCalls.flatMap((c) => c.toolCalls.map((t) => t.name));
    assert.ok(names.includes('read') && names.includes('write') && names.includes('bash'), names.join(','));
    // Re-sent context: later calls read most of their input from the cache.
    const lastCall = loopCalls.at(-1)!;
    assert.ok(lastCall.usage.cacheRead > lastCall.usage.input, JSON.stringify(lastCall.usage));
    for (let i = 1; i < loopCalls.length; i++) {
      const prev = loopCalls[i - 1]!.usage;
      const cur = loopCalls[i]!.usage;
      assert.ok(cur.input + cur.cacheRead > prev.input + prev.cacheRead, 'context grows');
    }
    ctx.calls.slice(before).forEach(() => void ctx.nextCall());
  });
});
