import assert from 'node:assert/strict';
import type { ModelAccess } from '../../../src/core/models/model-spec';
import { KILO_HOME, kiloBaseUrl, kiloConfig, kiloEnv, kiloModelArg } from '../../../src/core/harness/kilo/config';
import { kiloRunArgs } from '../../../src/core/harness/kilo/harness';

const TOKEN = 'kbt_trial-token-0123456789';
const openai: ModelAccess = { id: 'sim/direct', providerModel: 'sim/direct', protocol: 'openai', baseUrl: `http://127.0.0.1:41000/t/${TOKEN}`, apiKey: TOKEN, simulated: true };
const anthropic: ModelAccess = { id: 'claude-sonnet', providerModel: 'claude-sonnet-4-5', protocol: 'anthropic', baseUrl: `http://127.0.0.1:41000/t/${TOKEN}/`, apiKey: TOKEN, simulated: false };

type Provider = { npm: string; options: { baseURL: string; apiKey: string }; models: Record<string, Record<string, unknown>> };

describe('kilo config', () => {
  it('points an OpenAI-protocol model at the proxy through @ai-sdk/openai-compatible', () => {
    const config = kiloConfig(openai);
    const kb = (config.provider as Record<string, Provider>).kb as Provider;
    assert.equal(kb.npm, '@ai-sdk/openai-compatible');
    assert.equal(kb.options.baseURL, openai.baseUrl, 'the trial URL stands for the OpenAI base (…/v1): the AI SDK appends /chat/completions');
    assert.equal(kb.options.apiKey, TOKEN);
    assert.deepEqual(Object.keys(kb.models), ['sim/direct']);
    assert.equal(config.model, 'kb/sim/direct');
    assert.equal(config.small_model, 'kb/sim/direct', 'title calls go to the same metered model');
    assert.deepEqual(config.enabled_providers, ['kb'], 'no other provider (Kilo would ask its gateway for models)');
    assert.equal(config.autoupdate, false);
    assert.equal(config.share, 'disabled');
  });

  it("uses Kilo's Anthropic provider with the trial URL plus /v1 for Anthropic-protocol models", () => {
    const kb = (kiloConfig(anthropic).provider as Record<string, Provider>).kb as Provider;
    assert.equal(kb.npm, '@ai-sdk/anthropic');
    assert.equal(kb.options.baseURL, `http://127.0.0.1:41000/t/${TOKEN}/v1`);
    assert.equal(kiloBaseUrl({ baseUrl: 'http://h/t/x/', protocol: 'anthropic' }), 'http://h/t/x/v1');
    assert.equal(kiloBaseUrl({ baseUrl: 'http://h/t/x', protocol: 'openai' }), 'http://h/t/x');
    assert.equal(kiloModelArg(anthropic), 'kb/claude-sonnet-4-5');
  });

  it('passes a known price to Kilo so it reports its own cost', () => {
    const kb = (kiloConfig(openai, { cost: { input: 1.25, output: 10, cacheRead: 0.125 } }).provider as Record<string, Provider>).kb as Provider;
    assert.deepEqual(kb.models['sim/direct']?.cost, { input: 1.25, output: 10, cache_read: 0.125 });
  });

  it('builds the environment: config, private state folders, every switch that would call out', () => {
    const env = kiloEnv(openai);
    assert.deepEqual(JSON.parse(env.KILO_CONFIG_CONTENT as string), kiloConfig(openai));
    assert.equal(env.HOME, KILO_HOME);
    assert.equal(kiloEnv(openai, { home: '/root' }).HOME, '/root', "the image's writable HOME is kept");
    for (const key of ['XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'XDG_CACHE_HOME', 'XDG_STATE_HOME']) assert.ok(env[key]?.startsWith(`${KILO_HOME}/`), key);
    for (const key of ['KILO_DISABLE_AUTOUPDATE', 'KILO_DISABLE_MODELS_FETCH', 'KILO_DISABLE_SHARE', 'KILO_DISABLE_SESSION_INGEST', 'KILO_DISABLE_PRESENCE', 'KILO_DISABLE_LSP_DOWNLOAD', 'KILO_DISABLE_PROJECT_CONFIG', 'KILO_DISABLE_DEFAULT_PLUGINS', 'KILO_PURE']) {
      assert.equal(env[key], '1', key);
    }
    assert.equal(env.KILO_TELEMETRY_LEVEL, 'off');
    assert.equal(env.KILO_AUTH_CONTENT, '{}');
  });

  it('holds the trial token as the only credential: no provider key variable, no real key', () => {
    const realKey = 'sk-real-provider-key-never-leaves-the-host';
    process.env.KILOBENCH_TEST_REAL_KEY = realKey;
    try {
      for (const model of [openai, anthropic]) {
        const env = kiloEnv(model);
        assert.ok(!JSON.stringify(env).includes(realKey));
        assert.deepEqual(Object.keys(env).filter((k) => /API_KEY|TOKEN|SECRET/i.test(k)), []);
        assert.deepEqual(Object.entries(env).filter(([, v]) => v.includes(TOKEN)).map(([k]) => k), ['KILO_CONFIG_CONTENT']);
      }
    } finally {
      delete process.env.KILOBENCH_TEST_REAL_KEY;
    }
  });

  it('runs kilo headless with the instruction after --, so an instruction may start with a dash', () => {
    const args = kiloRunArgs('kb/sim/direct', '--help is not a flag here');
    assert.deepEqual(args.slice(0, 4), ['run', '--auto', '--format', 'json']);
    assert.equal(args[args.indexOf('-m') + 1], 'kb/sim/direct');
    assert.deepEqual(args.slice(-2), ['--', '--help is not a flag here']);
  });
});
