/**
 * Security of the metering proxy beyond test/integration/meter/auth-secrets.test.ts: every way of
 * presenting no valid trial token (wrong place, finished trial, path and encoding tricks, proxy-style
 * requests) is refused and never reaches the upstream; a valid token cannot climb above its base
 * URL; a key the upstream echoes in a 2xx body, a stream or a header reaches neither the client nor
 * a MeteredCall; the proxy is bound to loopback.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { startMeteringProxy } from '../../../src/core/meter';
import { meteredProxy, scriptedUpstream, sendJson, sseText } from '../meter/upstream-fixture';

const KEY = 'sk-canary-proxy-7d1e93b0c4a85f26';
const CHAT = JSON.stringify({ model: 'gpt-5', messages: [{ role: 'user', content: 'hi' }] });

/** Sends raw HTTP/1.1 bytes and returns the status line's code (0 when the connection closes without one). */
function rawRequest(url: string, text: string): Promise<number> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), hostname, () => socket.write(text));
    let got = '';
    socket.on('data', (d: Buffer) => {
      got += d.toString('latin1');
      if (got.includes('\r\n')) socket.destroy();
    });
    socket.on('close', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(got)?.[1] ?? 0)));
    socket.on('error', () => undefined);
  });
}

describe('security: the metering proxy', function () {
  this.timeout(30_000);

  it('refuses (401, never forwarded) every request without a valid trial token in its path', async () => {
    const upstream = await scriptedUpstream((_req, res) => sendJson(res, 200, { model: 'gpt-5', choices: [], usage: { prompt_tokens: 1, completion_tokens: 1 } }));
    const ctx = await meteredProxy();
    try {
      const live = ctx.proxy.registerTrial({ trialId: 'live', runId: 'r', upstream: { kind: 'openai-compatible', baseUrl: `${upstream.url}/v1`, apiKey: KEY } });
      const done = ctx.proxy.registerTrial({ trialId: 'done', runId: 'r', upstream: { kind: 'openai-compatible', baseUrl: `${upstream.url}/v1`, apiKey: KEY } });
      done.unregister();
      const base = ctx.proxy.url;
      const tries: [string, RequestInit][] = [
        ['no token at all', { method: 'POST', body: CHAT }],
        ['a token of a finished trial', { method: 'POST', body: CHAT }],
        ['the valid token in Authorization only', { method: 'POST', body: CHAT, headers: { authorization: `Bearer ${live.token}` } }],
        ['the valid token in x-api-key only', { method: 'POST', body: CHAT, headers: { 'x-api-key': live.token } }],
        ['the valid token in the query', { method: 'POST', body: CHAT }],
        ['the valid token under another prefix', { method: 'POST', body: CHAT }],
        ['an upper-case /T/', { method: 'POST', body: CHAT }],
        ['an encoded slash inside the token', { method: 'POST', body: CHAT }],
        ['a truncated token', { method: 'POST', body: CHAT }],
        ['a token with a suffix', { method: 'POST', body: CHAT }],
        ['dot segments in place of the token', { method: 'GET' }],
        ['an empty token', { method: 'GET' }],
      ];
      const paths = [
        '/v1/chat/completions',
        `/t/${done.token}/chat/completions`,
        '/v1/chat/completions',
        '/v1/messages',
        `/v1/chat/completions?token=${live.token}`,
        `/v1/t/${live.token}/chat/completions`,
        `/T/${live.token}/chat/completions`,
        `/t/${live.token.slice(0, 10)}%2F${live.token.slice(10)}/chat/completions`,
        `/t/${live.token.slice(0, -1)}/chat/completions`,
        `/t/${live.token}x/chat/completions`,
        '/t/../models',
        '/t//models',
      ];
      for (const [index, [what, init]] of tries.entries()) {
        const res = await fetch(`${base}${paths[index]}`, init);
        assert.equal(res.status, 401, what);
        await res.text();
      }
      // Requests that fetch() would normalise, sent as raw bytes: dot segments and absolute-form (proxy-style) targets.
      const host = new URL(base).host;
      for (const target of ['/t/../chat/completions', `/x/../t/${live.token}/chat/completions`, '/t/%2e%2e/chat/completions', `http://${host}/t/${live.token}/chat/completions`, `${upstream.url}/v1/chat/completions`]) {
        const status = await rawRequest(base, `GET ${target} HTTP/1.1\r\nhost: ${host}\r\nconnection: close\r\n\r\n`);
        assert.equal(status, 401, target);
      }
      // CONNECT (tunnelling through the proxy) is not served at all.
      const connect = await rawRequest(base, `CONNECT ${new URL(upstream.url).host} HTTP/1.1\r\nhost: ${host}\r\n\r\n`);
      assert.notEqual(connect, 200);
      assert.equal(upstream.requests.length, 0, 'the upstream saw no request');
      assert.equal(ctx.calls.length, 0);
      // The same live token in the right place works: the refusals above were about the token, not the upstream.
      const ok = await fetch(`${live.baseUrl}/chat/completions`, { method: 'POST', body: CHAT });
      assert.equal(ok.status, 200);
      assert.equal(upstream.requests.length, 1);
    } finally {
      await ctx.proxy.close();
      await upstream.close();
    }
  });

  it('a valid token cannot climb above its base URL with dot segments, encoded slashes or backslashes', async () => {
    const upstream = await scriptedUpstream((_req, res) => sendJson(res, 200, {}));
    const ctx = await meteredProxy();
    try {
      const trial = ctx.proxy.registerTrial({ trialId: 't', runId: 'r', upstream: { kind: 'openai-compatible', baseUrl: `${upstream.url}/gateway/v1`, apiKey: KEY } });
      const host = new URL(ctx.proxy.url).host;
      const prefix = `/t/${trial.token}`;
      for (const rest of ['/../../admin', '/./models', '/%2e%2e/%2E%2e/admin', '/.%2e/admin', '/..%2fadmin', '/%2F%2Fevil', '/..\\admin', '/models/..']) {
        const status = await rawRequest(ctx.proxy.url, `GET ${prefix}${rest} HTTP/1.1\r\nhost: ${host}\r\nconnection: close\r\n\r\n`);
        assert.equal(status, 400, rest);
      }
      assert.equal(upstream.requests.length, 0);
      const ok = await fetch(`${trial.baseUrl}/models`);
      assert.equal(ok.status, 200);
      assert.equal(upstream.requests[0]?.url, '/gateway/v1/models');
    } finally {
      await ctx.proxy.close();
      await upstream.close();
    }
  });

  it('a key echoed in a 2xx JSON body, an SSE stream and a response header reaches neither the client nor a record', async () => {
    // The echo is split across writes, as a real stream may split it anywhere.
    const upstream = await scriptedUpstream((req, res) => {
      const key = String(req.headers.authorization).replace('Bearer ', '');
      if (JSON.parse(req.body).stream) {
        const text = sseText([
          { data: { id: `c-${key}`, model: 'gpt-5', choices: [{ index: 0, delta: { content: `your key is ${key}` } }] } },
          { data: { model: 'gpt-5', choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: 'x', function: { name: 'bash', arguments: JSON.stringify({ command: `echo ${key}` }) } }] }, finish_reason: 'tool_calls' }] } },
          { data: { model: 'gpt-5', choices: [], usage: { prompt_tokens: 3, completion_tokens: 2, echo: key } } },
        ], true);
        res.writeHead(200, { 'content-type': 'text/event-stream', 'x-echo': key });
        const cut = text.indexOf(key) + 7;
        res.write(text.slice(0, cut));
        setTimeout(() => res.end(text.slice(cut)), 20);
        return;
      }
      sendJson(res, 200, { id: key, model: 'gpt-5', choices: [{ index: 0, message: { role: 'assistant', content: `key ${key}` }, finish_reason: 'stop' }], usage: { prompt_tokens: 3, completion_tokens: 1, echo: key } }, { 'x-echo': `Bearer ${key}` });
    });
    const ctx = await meteredProxy();
    try {
      const trial = ctx.proxy.registerTrial({ trialId: 't', runId: 'r', upstream: { kind: 'openai-compatible', baseUrl: `${upstream.url}/v1`, apiKey: KEY } });
      const seen: string[] = [];
      for (const stream of [false, true]) {
        const res = await fetch(`${trial.baseUrl}/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'gpt-5', stream, messages: [] }) });
        assert.equal(res.status, 200);
        const body = await res.text();
        seen.push(JSON.stringify([...res.headers]), body);
        if (!stream) assert.equal(JSON.parse(body).choices[0].message.content, `key ${'[redacted]'.padEnd(KEY.length, '*')}`, 'still valid JSON, key masked');
        else assert.match(body, /your key is \[redacted\]\**"/);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(ctx.calls.length, 2);
      assert.equal(ctx.calls[1]?.usage.output, 2, 'the stream was still metered');
      assert.equal(ctx.calls[1]?.toolCalls.length, 1);
      const everything = seen.join('\n') + JSON.stringify(ctx.calls) + ctx.logs.join('\n');
      assert.ok(everything.includes('[redacted]'));
      assert.ok(!everything.includes(KEY), 'the key reached the client or a record');
      assert.ok(!everything.includes(Buffer.from(KEY).toString('base64')));
    } finally {
      await ctx.proxy.close();
      await upstream.close();
    }
  });

  it('listens on loopback only: the bound address is loopback and other hosts are refused', async () => {
    for (const host of ['0.0.0.0', '::', '192.0.2.1', 'example.com', '']) {
      await assert.rejects(startMeteringProxy({ host }), /loopback/, host);
    }
    for (const host of [undefined, 'localhost']) {
      const proxy = await startMeteringProxy(host ? { host } : {});
      try {
        const { hostname } = new URL(proxy.url);
        assert.match(hostname, /^(127\.\d+\.\d+\.\d+|\[::1\])$/);
      } finally {
        await proxy.close();
      }
    }
  });
});
