import assert from 'node:assert/strict';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { startSimProvider, type SimProvider } from '../../../src/core/providers/sim';
import { countPrompt, promptSegments } from '../../../src/core/providers/sim/tokens';

/** Response bodies are read loosely here; each test checks the fields it names. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = Record<string, any>;

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; text: string; json: () => Loose }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) as Loose };
}

const CHAT = { model: 'sim/direct', messages: [{ role: 'user', content: 'hi' }] };

describe('sim: the simulated provider server', () => {
  let sim: SimProvider;
  beforeEach(async () => {
    sim = await startSimProvider();
  });
  afterEach(async () => {
    await sim.close();
  });

  it('binds to 127.0.0.1 and refuses other addresses', async () => {
    assert.match(sim.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    await assert.rejects(startSimProvider({ host: '0.0.0.0' }), /loopback/);
  });

  it('answers a plain chat without a session with text and an honest usage block', async () => {
    const r = await post(`${sim.url}/v1/chat/completions`, CHAT);
    assert.equal(r.status, 200);
    const body = r.json();
    const text = body.choices[0].message.content as string;
    assert.match(text, /simulated/);
    assert.equal(body.choices[0].finish_reason, 'stop');
    const u = body.usage;
    assert.equal(u.prompt_tokens, countPrompt(promptSegments('openai', CHAT), undefined).total);
    assert.equal(u.completion_tokens, countTokens(text) + u.completion_tokens_details.reasoning_tokens);
    assert.equal(u.total_tokens, u.prompt_tokens + u.completion_tokens);
  });

  it('models prompt caching as the prefix shared with the conversation\'s previous request', async () => {
    const first = { model: 'sim/explorer', messages: [{ role: 'system', content: 'You are a careful agent. '.repeat(40) }, { role: 'user', content: 'Start.' }] };
    const r1 = (await post(`${sim.url}/v1/chat/completions`, first)).json().usage;
    assert.equal(r1.prompt_tokens_details.cached_tokens, 0);
    const second = { ...first, messages: [...first.messages, { role: 'assistant', content: 'Looking.' }, { role: 'user', content: 'Go on.' }] };
    const r2 = (await post(`${sim.url}/v1/chat/completions`, second)).json().usage;
    assert.ok(r2.prompt_tokens > r1.prompt_tokens);
    assert.ok(r2.prompt_tokens_details.cached_tokens >= r1.prompt_tokens - 2 && r2.prompt_tokens_details.cached_tokens <= r1.prompt_tokens,
      `cached ${r2.prompt_tokens_details.cached_tokens} of previous ${r1.prompt_tokens}`);
  });

  it('Anthropic: caches only with cache_control, writing first and reading after', async () => {
    const system = [{ type: 'text', text: 'You are Claude Code. '.repeat(50), cache_control: { type: 'ephemeral' } }];
    const req = { model: 'sim/direct', max_tokens: 100, system, messages: [{ role: 'user', content: 'hello' }] };
    const u1 = (await post(`${sim.url}/v1/messages`, req, { 'anthropic-version': '2023-06-01' })).json().usage;
    assert.ok(u1.cache_creation_input_tokens > 200 && u1.cache_read_input_tokens === 0 && u1.input_tokens > 0, JSON.stringify(u1));
    const u2 = (await post(`${sim.url}/v1/messages`, { ...req, messages: [...req.messages, { role: 'assistant', content: 'hi' }, { role: 'user', content: 'again' }] })).json().usage;
    assert.equal(u2.cache_read_input_tokens, u1.cache_creation_input_tokens);
    const plain = (await post(`${sim.url}/v1/messages`, { model: 'sim/direct', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] })).json().usage;
    assert.equal(plain.cache_read_input_tokens + plain.cache_creation_input_tokens, 0);
  });

  it('answers malformed bodies with a provider-shaped 400 and unknown models with 404, in each protocol', async () => {
    const bad = await post(`${sim.url}/v1/chat/completions`, '{"model": "sim/direct", ');
    assert.equal(bad.status, 400);
    assert.equal(bad.json().error.type, 'invalid_request_error');
    const noMessages = await post(`${sim.url}/v1/chat/completions`, { model: 'sim/direct' });
    assert.equal(noMessages.status, 400);
    const unknown = await post(`${sim.url}/v1/chat/completions`, { model: 'gpt-5', messages: [{ role: 'user', content: 'x' }] });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.json().error.code, 'model_not_found');
    const anthropicBad = await post(`${sim.url}/v1/messages`, '[1,2]');
    assert.equal(anthropicBad.status, 400);
    assert.deepEqual(Object.keys(anthropicBad.json()), ['type', 'error']);
    assert.equal(anthropicBad.json().error.type, 'invalid_request_error');
    const noMax = await post(`${sim.url}/v1/messages`, { model: 'sim/direct', messages: [{ role: 'user', content: 'x' }] });
    assert.equal(noMax.status, 400);
    const session = await post(`${sim.url}/s/nope/v1/chat/completions`, CHAT);
    assert.equal(session.status, 404);
    const models = await (await fetch(`${sim.url}/v1/models`)).json() as { data: { id: string }[] };
    assert.deepEqual(models.data.map((m) => m.id), ['sim/direct', 'sim/explorer', 'sim/flaky', 'sim/thinker']);
  });

  it('injects each fault in turn, then serves normally', async () => {
    sim.setFaults([{ kind: 'rate_limit', retryAfterSeconds: 7 }, { kind: 'server_error' }, { kind: 'reset' }, { kind: 'slow_first_token', delayMs: 150 }, { kind: 'malformed_json' }, { kind: 'cut_stream' }]);
    const limited = await post(`${sim.url}/v1/chat/completions`, CHAT);
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '7');
    assert.equal((await post(`${sim.url}/v1/chat/completions`, CHAT)).status, 500);
    await assert.rejects(post(`${sim.url}/v1/chat/completions`, CHAT));
    const t0 = performance.now();
    assert.equal((await post(`${sim.url}/v1/chat/completions`, CHAT)).status, 200);
    assert.ok(performance.now() - t0 >= 140);
    const malformed = await post(`${sim.url}/v1/chat/completions`, CHAT);
    assert.equal(malformed.status, 200);
    assert.throws(() => malformed.json());
    await assert.rejects(post(`${sim.url}/v1/chat/completions`, { ...CHAT, stream: true }));
    assert.equal((await post(`${sim.url}/v1/chat/completions`, CHAT)).status, 200);
  });
});
