import * as assert from 'node:assert/strict';
import { contentSecurityPolicy, nonce } from '../../../src/vscode/csp';
import { isKeyName, keyEnvName, modelEntryFromSetting } from '../../../src/vscode/secrets';
import { parseModelEntry } from '../../../src/core/models/models-file';

describe('webview Content-Security-Policy', () => {
  it('denies by default and allows scripts only with the nonce', () => {
    const csp = contentSecurityPolicy('https://x.vscode-cdn.net', 'abc');
    assert.match(csp, /^default-src 'none';/);
    assert.match(csp, /script-src 'nonce-abc'(;|$)/);
    assert.match(csp, /style-src https:\/\/x\.vscode-cdn\.net 'nonce-abc'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*|https?:\/\/(?!x\.vscode-cdn\.net)/);
  });

  it('nonces are long and fresh', () => {
    const a = nonce();
    assert.ok(a.length >= 24);
    assert.notEqual(a, nonce());
  });
});

describe('API keys', () => {
  it('a settings model names its key by an environment variable filled from SecretStorage at run time', () => {
    const { entry, keyName } = modelEntryFromSetting({ id: 'gpt', provider: 'openai-compatible', model: 'gpt-5-mini' });
    assert.equal(keyName, 'openai-compatible');
    assert.equal(entry.keyEnv, 'KILOBENCH_KEY_OPENAI_COMPATIBLE');
    const spec = parseModelEntry(entry, 'kilobench.models[0]');
    assert.equal(spec.keyEnv, 'KILOBENCH_KEY_OPENAI_COMPATIBLE');
    assert.ok(!JSON.stringify(spec).includes('sk-'));
  });

  it('a model can name its own key; simulated models need none', () => {
    assert.equal(modelEntryFromSetting({ id: 'a', provider: 'anthropic', keyName: 'work-anthropic' }).keyName, 'work-anthropic');
    assert.equal(modelEntryFromSetting({ id: 'a', provider: 'anthropic', keyName: '../bad' }).keyName, 'anthropic');
    assert.equal(modelEntryFromSetting({ id: 's', provider: 'sim' }).keyName, null);
    assert.equal(keyEnvName('work.anthropic-2'), 'KILOBENCH_KEY_WORK_ANTHROPIC_2');
    assert.ok(isKeyName('openrouter'));
    assert.ok(!isKeyName(''));
  });
});
