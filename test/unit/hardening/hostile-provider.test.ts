/**
 * Hostile provider responses through the real metering proxy (issue 8, item 3). A scripted upstream
 * on 127.0.0.1 answers with invalid JSON, impossible usage figures, wrong content types, a huge
 * single SSE line and endless bodies. Every call must be recorded; usage that cannot be true is
 * rejected and flagged (the call is estimated instead), never summed into the spend as sent; and
 * the proxy's memory stays bounded while it relays a response that never ends.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { ServerResponse } from 'node:http';
import type { MeteredCall } from '../../../src/core/meter';
import { meteredProxy, scriptedUpstream, sendJson, sseText, type ScriptedUpstream } from '../../integration/meter/upstream-fixture';

type Ctx = Awaited<ReturnType<typeof meteredProxy>>;

const CHAT = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Fix the failing build, please.' }] };
const STREAM = { ...CHAT, stream: true };
const MESSAGES = { model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'Fix the failing build, please.' }] };
const RESPONSES = { model: 'gpt-4o-mini', input: 'Fix the failing build, please.' };

const chatBody = (usage: unknown) => ({
  id: 'c1', object: 'chat.completion', model: 'gpt-4o-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Done: the build passes now.' }, finish_reason: 'stop' }],
  ...(usage === undefined ? {} : { usage }),
});
const chunk = (content: string) => ({ id: 'c1', object: 'chat.completion.chunk', model: 'gpt-4o-mini', choices: [{ index: 0, delta: { content }, finish_reason: null }] });
const usageChunk = (usage: unknown) => ({ id: 'c1', object: 'chat.completion.chunk', model: 'gpt-4o-mini', choices: [], usage });
const GOOD_USAGE = { prompt_tokens: 120, completion_tokens: 30 };

/** A client request through the proxy; `abortAfterBytes` makes the client give up after that much. */
function request(url: string, body: unknown, abortAfterBytes?: number): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string; bytes: number; aborted: boolean }> {
  return new Promise((resolve, reject) => {
    const payload = Buffer.from(JSON.stringify(body));
    const req = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(payload.length), authorization: 'Bearer x' } }, (res) => {
      const kept: Buffer[] = [];
      let bytes = 0;
      res.on('data', (c: Buffer) => {
        bytes += c.length;
        if (bytes <= 2 * 1024 * 1024) kept.push(c);
        if (abortAfterBytes !== undefined && bytes >= abortAfterBytes) {
          req.destroy();
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(kept).toString('utf8'), bytes, aborted: true });
        }
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(kept).toString('utf8'), bytes, aborted: false }));
      res.on('error', () => undefined);
    });
    req.on('error', (e) => (abortAfterBytes === undefined ? reject(e) : undefined));
    req.end(payload);
  });
}

/** Writes `piece` forever (respecting back-pressure) until the connection closes. */
function endless(res: ServerResponse, piece: Buffer, onClose: () => void): void {
  let open = true;
  res.on('close', () => {
    open = false;
    onClose();
  });
  const pump = (): void => {
    while (open && res.write(piece));
    if (open) res.once('drain', pump);
  };
  pump();
}

interface Case {
  name: string;
  path: '/v1/chat/completions' | '/v1/messages' | '/v1/responses';
  body: unknown;
  respond: (res: ServerResponse) => void;
  /** What the recorded call must show. */
  check: (call: MeteredCall, client: { status: number; text: string }) => void;
  kind?: 'openai-compatible' | 'anthropic' | 'openrouter';
}

/** The call's usage was refused and estimated, with the reason in its error. */
function rejected(reason: RegExp) {
  return (call: MeteredCall): void => {
    assert.ok(call.costFlags.includes('invalid-usage'), `flagged invalid-usage: ${call.costFlags.join(',')}`);
    assert.match(call.error ?? '', /provider usage rejected: /);
    assert.match(call.error ?? '', reason);
    assert.equal(call.estimated, true, 'estimated instead');
    assert.ok(call.costFlags.includes('estimated'));
    assert.ok(call.usage.input > 0 && call.usage.input < 1000, `a plausible estimate, not the figure sent: ${JSON.stringify(call.usage)}`);
    assert.ok(call.usage.output < 1000, JSON.stringify(call.usage));
    assert.ok(call.costUsd !== null && call.costUsd >= 0 && call.costUsd < 0.01, `a plausible cost: ${call.costUsd}`);
  };
}

/** A raw JSON text with exactly the number literal given (JSON.stringify cannot write 1e999). */
function rawJson(res: ServerResponse, text: string, contentType = 'application/json'): void {
  res.writeHead(200, { 'content-type': contentType, 'content-length': String(Buffer.byteLength(text)) });
  res.end(text);
}

const CASES: Case[] = [
  {
    name: 'body that is not JSON (200): estimated, with the reason; the client gets the bytes as sent',
    path: '/v1/chat/completions', body: CHAT,
    respond: (res) => rawJson(res, '{"id": "c1", "choices": [ oops'),
    check: (call, client) => {
      assert.equal(client.text, '{"id": "c1", "choices": [ oops');
      assert.equal(call.httpStatus, 200);
      assert.equal(call.estimated, true);
      assert.match(call.error ?? '', /response body is not valid JSON/);
      assert.ok(call.usage.input > 0);
    },
  },
  {
    name: 'negative prompt_tokens',
    path: '/v1/chat/completions', body: CHAT,
    respond: (res) => sendJson(res, 200, chatBody({ prompt_tokens: -5000, completion_tokens: 30 })),
    check: rejected(/usage\.prompt_tokens = -5000 is not a token count/),
  },
  {
    name: 'completion_tokens as text',
    path: '/v1/chat/completions', body: CHAT,
    respond: (res) => sendJson(res, 200, chatBody({ prompt_tokens: 100, completion_tokens: '30' })),
    check: rejected(/usage\.completion_tokens = "30" is not a token count/),
  },
  {
    name: 'absurd prompt_tokens (1e15)',
    path: '/v1/chat/completions', body: CHAT,
    respond: (res) => sendJson(res, 200, chatBody({ prompt_tokens: 1e15, completion_tokens: 30 })),
    check: rejected(/usage\.prompt_tokens = 1000000000000000 is not a plausible token count/),
  },
  {
    name: 'a count that overflows to Infinity (1e999)',
    path: '/v1/chat/completions', body: CHAT,
    respond: (res) => rawJson(res, JSON.stringify(chatBody({ prompt_tokens: 100, completion_tokens: 7 })).replace('"completion_tokens":7', '"completion_tokens":1e999')),
    check: rejected(/usage\.completion_tokens = Infinity/),
  },
  {
    name: 'a fractional count',
    path: '/v1/chat/completions', body: CHAT,
    respond: (res) => sendJson(res, 200, chatBody({ prompt_tokens: 100.5, completion_tokens: 30 })),
    check: rejected(/usage\.prompt_tokens = 100\.5 is not a token count/),
  },
  {
    name: 'negative cached_tokens inside prompt_tokens_details',
    path: '/v1/chat/completions', body: CHAT,
    respond: (res) => sendJson(res, 200, chatBody({ prompt_tokens: 100, completion_tokens: 30, prompt_tokens_details: { cached_tokens: -90 } })),
    check: rejected(/usage\.prompt_tokens_details\.cached_tokens = -90/),
  },
  {
    name: 'usage object without any count ({}): not a silent zero',
    path: '/v1/chat/completions', body: CHAT,
    respond: (res) => sendJson(res, 200, chatBody({})),
    check: rejected(/usage has none of the token counts/),
  },
  {
    name: 'usage missing from a 200 answer: estimated and flagged',
    path: '/v1/chat/completions', body: CHAT,
    respond: (res) => sendJson(res, 200, chatBody(undefined)),
    check: (call) => {
      assert.equal(call.estimated, true);
      assert.ok(call.costFlags.includes('estimated'));
      assert.ok(call.usage.input > 0 && call.usage.output > 0, JSON.stringify(call.usage));
    },
  },
  {
    name: 'usage that is a string',
    path: '/v1/chat/completions', body: CHAT,
    respond: (res) => sendJson(res, 200, chatBody('lots')),
    check: (call) => {
      assert.equal(call.estimated, true);
      assert.ok(call.usage.input > 0 && call.usage.input < 1000);
    },
  },
  {
    name: 'OpenRouter reporting an absurd cost (1e15 dollars)',
    kind: 'openrouter',
    path: '/v1/chat/completions', body: CHAT,
    respond: (res) => sendJson(res, 200, chatBody({ ...GOOD_USAGE, cost: 1e15 })),
    check: rejected(/usage\.cost = 1000000000000000 is not a plausible cost/),
  },
  {
    name: 'OpenRouter reporting a negative cost',
    kind: 'openrouter',
    path: '/v1/chat/completions', body: CHAT,
    respond: (res) => sendJson(res, 200, chatBody({ ...GOOD_USAGE, cost: -3 })),
    check: rejected(/usage\.cost = -3 is not a plausible cost/),
  },
  {
    name: 'Anthropic: negative input_tokens',
    kind: 'anthropic',
    path: '/v1/messages', body: MESSAGES,
    respond: (res) => sendJson(res, 200, { id: 'm', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5', content: [{ type: 'text', text: 'Done.' }], stop_reason: 'end_turn', usage: { input_tokens: -1, output_tokens: 5 } }),
    check: rejected(/usage\.input_tokens = -1/),
  },
  {
    name: 'Anthropic stream: absurd output_tokens in message_delta',
    kind: 'anthropic',
    path: '/v1/messages', body: { ...MESSAGES, stream: true },
    respond: (res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(sseText([
        { event: 'message_start', data: { type: 'message_start', message: { id: 'm', model: 'claude-sonnet-4-5', usage: { input_tokens: 40, output_tokens: 1 } } } },
        { event: 'content_block_start', data: { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } } },
        { event: 'content_block_delta', data: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Done.' } } },
        { event: 'message_delta', data: { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 1e15 } } },
        { event: 'message_stop', data: { type: 'message_stop' } },
      ]));
    },
    check: rejected(/usage\.output_tokens = 1000000000000000/),
  },
  {
    name: 'Responses API: input_tokens "NaN"',
    path: '/v1/responses', body: RESPONSES,
    respond: (res) => sendJson(res, 200, { id: 'r', object: 'response', model: 'gpt-4o-mini', status: 'completed', output: [{ type: 'message', content: [{ type: 'output_text', text: 'Done.' }] }], usage: { input_tokens: 'NaN', output_tokens: 5 } }),
    check: rejected(/usage\.input_tokens = "NaN" is not a token count/),
  },
  {
    name: 'stream usage chunk with a negative count',
    path: '/v1/chat/completions', body: STREAM,
    respond: (res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(sseText([{ data: chunk('Done.') }, { data: usageChunk({ prompt_tokens: 50, completion_tokens: -2 }) }], true));
    },
    check: rejected(/usage\.completion_tokens = -2/),
  },
  {
    name: 'a malformed event in the middle of a stream: noted, the usage after it still counted',
    path: '/v1/chat/completions', body: STREAM,
    respond: (res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(`${sseText([{ data: chunk('Done.') }])}data: {"choices": [broken\n\n${sseText([{ data: usageChunk(GOOD_USAGE) }], true)}`);
    },
    check: (call) => {
      assert.equal(call.estimated, false);
      assert.deepEqual([call.usage.input, call.usage.output], [120, 30]);
      assert.match(call.error ?? '', /malformed stream event/);
    },
  },
  {
    name: 'wrong content type: a JSON answer labelled text/html is still metered',
    path: '/v1/chat/completions', body: CHAT,
    respond: (res) => rawJson(res, JSON.stringify(chatBody(GOOD_USAGE)), 'text/html'),
    check: (call) => {
      assert.equal(call.estimated, false);
      assert.deepEqual([call.usage.input, call.usage.output], [120, 30]);
      assert.equal(call.text, 'Done: the build passes now.');
    },
  },
  {
    name: 'wrong content type: a stream labelled text/plain is still read as a stream',
    path: '/v1/chat/completions', body: { ...STREAM, stream_options: { include_usage: true } },
    respond: (res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(sseText([{ data: chunk('Done ') }, { data: chunk('now.') }, { data: usageChunk(GOOD_USAGE) }], true));
    },
    check: (call) => {
      assert.equal(call.estimated, false, `usage read from the stream: ${call.error}`);
      assert.deepEqual([call.usage.input, call.usage.output], [120, 30]);
      assert.equal(call.text, 'Done now.');
    },
  },
  {
    name: 'a huge single SSE line (20 MB, no line end for a long time): skipped, the rest still read',
    path: '/v1/chat/completions', body: { ...STREAM, stream_options: { include_usage: true } },
    respond: (res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(sseText([{ data: chunk('Start.') }]));
      const piece = Buffer.alloc(1024 * 1024, 'x');
      res.write('data: ');
      for (let i = 0; i < 20; i++) res.write(piece);
      res.end(`\n\n${sseText([{ data: usageChunk(GOOD_USAGE) }], true)}`);
    },
    check: (call, client) => {
      assert.ok(client.text.startsWith('data: '), 'the client still gets the bytes');
      assert.equal(call.estimated, false);
      assert.deepEqual([call.usage.input, call.usage.output], [120, 30]);
      assert.match(call.error ?? '', /SSE line or event longer than 8388608 characters was skipped/);
      assert.equal(call.text, 'Start.');
    },
  },
  {
    name: 'no usage for a request holding a 2 MB blob without spaces: estimated in bounded time',
    path: '/v1/chat/completions', body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: `data:image/png;base64,${'Q'.repeat(2_000_000)}` }] },
    respond: (res) => sendJson(res, 200, chatBody(undefined)),
    check: (call) => {
      assert.equal(call.estimated, true);
      // Counted over a sample and scaled: the order of magnitude of 2 MB of text, not 1 token.
      assert.ok(call.usage.input > 100_000 && call.usage.input < 2_000_000, JSON.stringify(call.usage));
      assert.ok(call.latencyMs < 20_000, `the proxy answered in ${call.latencyMs} ms`);
    },
  },
  {
    name: 'a 5 MB error body: cut at 1 MiB, recorded with its status',
    path: '/v1/chat/completions', body: CHAT,
    respond: (res) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(`{"error": {"message": "${'e'.repeat(5 * 1024 * 1024)}"}}`);
    },
    check: (call, client) => {
      assert.equal(client.status, 500);
      assert.ok(client.text.length <= 1024 * 1024, `cut: ${client.text.length}`);
      assert.equal(call.httpStatus, 500);
      assert.match(call.error ?? '', /HTTP 500: response body larger than 1048576 bytes: cut there/);
      assert.equal(call.costUsd, 0);
    },
  },
];

describe('hostile provider responses through the real metering proxy', function () {
  this.timeout(60_000);
  let upstream: ScriptedUpstream;
  let ctx: Ctx;
  let handler: (res: ServerResponse) => void = (res) => sendJson(res, 500, {});

  before(async () => {
    upstream = await scriptedUpstream((_req, res) => handler(res));
    ctx = await meteredProxy();
  });
  after(async () => {
    await ctx.proxy.close();
    await upstream.close();
  });

  it(`holds at least 20 hostile responses (${CASES.length + 3})`, () => assert.ok(CASES.length + 3 >= 20));

  CASES.forEach((c, i) => {
    it(c.name, async () => {
      handler = c.respond;
      const trial = ctx.proxy.registerTrial({ trialId: `t${i}`, runId: 'hostile', upstream: { kind: c.kind ?? 'openai-compatible', baseUrl: upstream.url, apiKey: 'sk-hostile-SECRET' } });
      try {
        const client = await request(`${trial.baseUrl}${c.path}`, c.body);
        const call = await ctx.nextCall();
        assert.equal(call.trialId, `t${i}`);
        c.check(call, client);
        // Whatever was sent, what the trial has spent is a finite, plausible figure.
        const totals = ctx.proxy.totals(`t${i}`)!;
        assert.ok(Number.isFinite(totals.costUsd) && totals.costUsd >= 0 && totals.costUsd < 1, `spend: ${totals.costUsd}`);
        for (const v of Object.values(totals.usage)) assert.ok(Number.isInteger(v) && v >= 0 && v < 1e7, JSON.stringify(totals.usage));
      } finally {
        trial.unregister();
      }
    });
  });

  /** Heap in use now, sampled often while a test streams; returns the largest growth seen. */
  function heapWatch(): { stop(): number } {
    const base = process.memoryUsage().heapUsed;
    let peak = base;
    const timer = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    }, 20);
    return {
      stop: () => {
        clearInterval(timer);
        return Math.max(peak, process.memoryUsage().heapUsed) - base;
      },
    };
  }

  it('an endless stream: memory stays bounded, and the call is recorded when the client gives up', async () => {
    let upstreamClosed = false;
    const piece = Buffer.from(sseText([{ data: chunk('y'.repeat(16 * 1024)) }]));
    handler = (res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      endless(res, piece, () => (upstreamClosed = true));
    };
    const trial = ctx.proxy.registerTrial({ trialId: 'endless-sse', runId: 'hostile', upstream: { kind: 'openai-compatible', baseUrl: upstream.url, apiKey: 'sk-hostile-SECRET' } });
    try {
      const watch = heapWatch();
      const client = await request(`${trial.baseUrl}/v1/chat/completions`, STREAM, 96 * 1024 * 1024);
      const call = await ctx.nextCall();
      const growth = watch.stop();
      assert.ok(client.aborted && client.bytes >= 96 * 1024 * 1024);
      assert.equal(call.trialId, 'endless-sse');
      assert.equal(call.httpStatus, 200);
      assert.match(call.error ?? '', /client closed the connection before the response ended/);
      assert.equal(call.estimated, true);
      assert.match(call.text, /…\[truncated \d+ bytes\]$/, 'text kept capped');
      assert.ok(call.text.length < 40 * 1024);
      // ~96 MB of 'y' is millions of tokens: the estimate scales to the whole stream, not the sample.
      assert.ok(call.usage.output > 1_000_000, `output estimated over the whole stream: ${call.usage.output}`);
      assert.ok(growth < 64 * 1024 * 1024, `heap grew ${(growth / 1e6).toFixed(1)} MB while relaying ~96 MB`);
      await waitUntil(() => upstreamClosed);
    } finally {
      trial.unregister();
    }
  });

  it('an endless body that is not a stream (no content type): bounded, recorded when the client gives up', async () => {
    let upstreamClosed = false;
    handler = (res) => {
      res.writeHead(200, {});
      endless(res, Buffer.alloc(64 * 1024, 'z'), () => (upstreamClosed = true));
    };
    const trial = ctx.proxy.registerTrial({ trialId: 'endless-body', runId: 'hostile', upstream: { kind: 'openai-compatible', baseUrl: upstream.url, apiKey: 'sk-hostile-SECRET' } });
    try {
      const watch = heapWatch();
      const client = await request(`${trial.baseUrl}/v1/chat/completions`, CHAT, 96 * 1024 * 1024);
      const call = await ctx.nextCall();
      const growth = watch.stop();
      assert.ok(client.aborted);
      assert.equal(call.trialId, 'endless-body');
      assert.match(call.error ?? '', /client closed the connection/);
      assert.equal(call.estimated, true);
      assert.ok(growth < 64 * 1024 * 1024, `heap grew ${(growth / 1e6).toFixed(1)} MB`);
      await waitUntil(() => upstreamClosed);
    } finally {
      trial.unregister();
    }
  });

  it('an endless error body: the client gives up waiting, the call is recorded with its status', async () => {
    let upstreamClosed = false;
    handler = (res) => {
      res.writeHead(503, { 'content-type': 'application/json' });
      endless(res, Buffer.alloc(64 * 1024, 'q'), () => (upstreamClosed = true));
    };
    const trial = ctx.proxy.registerTrial({ trialId: 'endless-error', runId: 'hostile', upstream: { kind: 'openai-compatible', baseUrl: upstream.url, apiKey: 'sk-hostile-SECRET' } });
    try {
      const watch = heapWatch();
      const gaveUp = new Promise<void>((resolve) => {
        const payload = JSON.stringify(CHAT);
        const req = http.request(`${trial.baseUrl}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' } });
        req.on('error', () => undefined);
        req.end(payload);
        // No headers come while the proxy holds the error body: give up after a while.
        setTimeout(() => {
          req.destroy();
          resolve();
        }, 1500);
      });
      await gaveUp;
      const call = await ctx.nextCall();
      const growth = watch.stop();
      assert.equal(call.trialId, 'endless-error');
      assert.equal(call.httpStatus, 503);
      assert.match(call.error ?? '', /HTTP 503: client closed the connection/);
      assert.equal(call.costUsd, 0);
      assert.ok(growth < 64 * 1024 * 1024, `heap grew ${(growth / 1e6).toFixed(1)} MB`);
      await waitUntil(() => upstreamClosed);
    } finally {
      trial.unregister();
    }
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('the upstream connection was never closed');
    await new Promise((r) => setTimeout(r, 20));
  }
}
