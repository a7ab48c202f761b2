import assert from 'node:assert/strict';
import {
  clientBaseUrl, credentialHeaders, DEFAULT_BASE_URLS, routeFailureMessage, sdkBaseUrl, upstreamRequestPath,
} from '../../../src/core/domain';

const TRIAL = 'http://127.0.0.1:4000/t/TOK';

/** What each SDK appends to the base URL it is given. */
const OPENAI_SDK = (base: string, route: '/chat/completions' | '/responses') => `${base}${route}`;
const ANTHROPIC_SDK = (base: string) => `${base}/v1/messages`;
const AI_SDK_ANTHROPIC = (base: string) => `${base}/messages`;

/** The path the proxy sends upstream for a client URL under the trial URL. */
function upstream(providerBase: string, clientUrl: string): string {
  const rest = clientUrl.slice(TRIAL.length);
  return new URL(providerBase).origin + upstreamRequestPath(new URL(providerBase).pathname, rest, '');
}

describe('provider routes', () => {
  it("sends each client's path to the provider's real route, for the default base URLs", () => {
    const openai = DEFAULT_BASE_URLS['openai-compatible'];
    const openrouter = DEFAULT_BASE_URLS.openrouter;
    const anthropic = DEFAULT_BASE_URLS.anthropic;
    assert.equal(upstream(openai, OPENAI_SDK(clientBaseUrl(TRIAL, 'openai', 'provider-sdk'), '/chat/completions')), 'https://api.openai.com/v1/chat/completions');
    assert.equal(upstream(openai, OPENAI_SDK(clientBaseUrl(TRIAL, 'openai', 'provider-sdk'), '/responses')), 'https://api.openai.com/v1/responses');
    assert.equal(upstream(openai, OPENAI_SDK(clientBaseUrl(TRIAL, 'openai', 'ai-sdk'), '/chat/completions')), 'https://api.openai.com/v1/chat/completions');
    assert.equal(upstream(openrouter, OPENAI_SDK(clientBaseUrl(TRIAL, 'openai', 'ai-sdk'), '/chat/completions')), 'https://openrouter.ai/api/v1/chat/completions');
    assert.equal(upstream(anthropic, ANTHROPIC_SDK(clientBaseUrl(TRIAL, 'anthropic', 'provider-sdk'))), 'https://api.anthropic.com/v1/messages');
    assert.equal(upstream(anthropic, AI_SDK_ANTHROPIC(clientBaseUrl(TRIAL, 'anthropic', 'ai-sdk'))), 'https://api.anthropic.com/v1/messages');
  });

  it('keeps a gateway path and the query', () => {
    assert.equal(upstreamRequestPath('/gateway/v1/', '/chat/completions', '?a=1'), '/gateway/v1/chat/completions?a=1');
    assert.equal(sdkBaseUrl('http://127.0.0.1:9/s/x/', 'openai'), 'http://127.0.0.1:9/s/x/v1');
    assert.equal(sdkBaseUrl('http://127.0.0.1:9/s/x', 'anthropic'), 'http://127.0.0.1:9/s/x');
  });

  it("sets each provider's credential headers", () => {
    assert.deepEqual(credentialHeaders('openai-compatible', 'sk-1', undefined), { authorization: 'Bearer sk-1' });
    assert.deepEqual(credentialHeaders('openrouter', 'sk-or', undefined), { authorization: 'Bearer sk-or' });
    assert.deepEqual(credentialHeaders('anthropic', 'sk-ant', undefined), { 'x-api-key': 'sk-ant', 'anthropic-version': '2023-06-01' });
    assert.deepEqual(credentialHeaders('anthropic', 'sk-ant', '2024-01-01'), { 'x-api-key': 'sk-ant', 'anthropic-version': '2024-01-01' });
    assert.deepEqual(credentialHeaders('openai-compatible', undefined, undefined), {});
  });

  it('names the provider, the path and the fix for a 404 or a 401, and nothing else', () => {
    const base = new URL('https://api.openai.com/v1/v1');
    assert.equal(routeFailureMessage('openai-compatible', base, 'POST', '/v1/v1/chat/completions?x=1', 404),
      "openai-compatible (api.openai.com) returned 404 for POST /v1/v1/chat/completions: check the model's baseUrl (it should end in /v1, as in the OpenAI SDK: https://api.openai.com/v1)");
    assert.match(routeFailureMessage('anthropic', new URL('https://api.anthropic.com/v1'), 'POST', '/v1/v1/messages', 404) ?? '', /^anthropic returned 404 for POST \/v1\/v1\/messages: .*host without \/v1/);
    assert.match(routeFailureMessage('openrouter', new URL('https://openrouter.ai/api/v1'), 'POST', '/api/v1/chat/completions', 401, 'OPENROUTER_API_KEY') ?? '', /^openrouter returned 401 for POST \/api\/v1\/chat\/completions: check the model's API key \(the environment variable OPENROUTER_API_KEY\)/);
    assert.equal(routeFailureMessage('openai-compatible', base, 'POST', '/v1/chat/completions', 500), null);
    assert.equal(routeFailureMessage('openai-compatible', base, 'POST', '/v1/chat/completions', 429), null);
  });
});
