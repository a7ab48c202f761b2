/**
 * Streams are passed on as they arrive: the upstream sends its first event and then waits until
 * the CLIENT has seen it before sending the rest. A proxy that buffered would deadlock here.
 */
import assert from 'node:assert/strict';
import { meteredProxy, scriptedUpstream, sseText } from './upstream-fixture';

describe('metering proxy: streaming pass-through', () => {
  for (const [protocol, clientAsksUsage] of [['openai', true], ['openai', false], ['anthropic', true]] as const) {
    const variant = protocol === 'openai' && !clientAsksUsage ? ' (usage asked for by the proxy, its chunk filtered out)' : '';
    it(`${protocol}${variant}: the first streamed chunk reaches the client before the upstream has finished`, async () => {
      const order: string[] = [];
      let clientSawFirst!: () => void;
      const gate = new Promise<void>((resolve) => (clientSawFirst = resolve));
      const first = protocol === 'openai'
        ? sseText([{ data: { model: 'gpt-5', choices: [{ index: 0, delta: { content: 'first' } }] } }])
        : sseText([{ event: 'message_start', data: { type: 'message_start', message: { model: 'claude-haiku-4-5', usage: { input_tokens: 10, output_tokens: 1 } } } }]);
      const rest = protocol === 'openai'
        ? sseText([{ data: { model: 'gpt-5', choices: [{ index: 0, delta: { content: ' rest' }, finish_reason: 'stop' }] } }, { data: { model: 'gpt-5', choices: [], usage: { prompt_tokens: 10, completion_tokens: 2 } } }], true)
        : sseText([{ event: 'message_delta', data: { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 2 } } }, { event: 'message_stop', data: { type: 'message_stop' } }]);
      const upstream = await scriptedUpstream((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(first);
        order.push('upstream sent first chunk');
        void gate.then(() => {
          order.push('upstream sends the rest');
          res.end(rest);
        });
      });
      const ctx = await meteredProxy();
      try {
        const trial = ctx.proxy.registerTrial({ trialId: 't', runId: 'r', upstream: { kind: protocol === 'openai' ? 'openai-compatible' : 'anthropic', baseUrl: upstream.url } });
        const res = await fetch(`${trial.baseUrl}${protocol === 'openai' ? '/chat/completions' : '/v1/messages'}`, {
          method: 'POST',
          body: JSON.stringify({ model: protocol === 'openai' ? 'gpt-5' : 'claude-haiku-4-5', stream: true, ...(clientAsksUsage ? { stream_options: { include_usage: true } } : {}), max_tokens: 5, messages: [] }),
        });
        const reader = (res.body as ReadableStream<Uint8Array>).getReader();
        const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`the first chunk never reached the client; order: ${order.join(' → ')}`)), 3000));
        const firstRead = await Promise.race([reader.read(), timeout]);
        order.push('client received first chunk');
        assert.equal(new TextDecoder().decode(firstRead.value), first);
        clientSawFirst();
        let text = new TextDecoder().decode(firstRead.value);
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          text += new TextDecoder().decode(value);
        }
        order.push('client received the end');
        const usageChunk = sseText([{ data: { model: 'gpt-5', choices: [], usage: { prompt_tokens: 10, completion_tokens: 2 } } }]);
        assert.equal(text, first + (clientAsksUsage ? rest : rest.replace(usageChunk, '')));
        assert.deepEqual(order, ['upstream sent first chunk', 'client received first chunk', 'upstream sends the rest', 'client received the end']);
        const call = await ctx.nextCall();
        assert.equal(call.estimated, false);
        assert.ok(call.ttftMs !== null && call.ttftMs < call.latencyMs);
      } finally {
        await ctx.proxy.close();
        await upstream.close();
      }
    });
  }
});
