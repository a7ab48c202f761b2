import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import { needsRedaction, redact, redactDeep } from '../../../src/core/meter/redact';

const KEY = 'sk-check-unit-0123456789abcdef';
const B64 = Buffer.from(KEY).toString('base64').replace(/=+$/, '');

describe('meter: checking a record for keys before copying it masked', () => {
  // The proxy skips redactDeep's copy when needsRedaction says nothing would change: the two must agree.
  const cases: [string, unknown][] = [
    ['a record without the key', { trialId: 't', text: 'hello', usage: { input: 1 }, toolCalls: [{ name: 'bash', arguments: '{"cmd":"ls"}' }], usageRaw: null }],
    ['the key in a nested string', { toolCalls: [{ name: 'bash', arguments: `{"cmd":"echo ${KEY}"}` }] }],
    ['the key as an object key', { usageRaw: { [`x-${KEY}`]: 1 } }],
    ['the key in base64', { error: `HTTP 401: bad key ${B64}` }],
    ['the key base64-encoded twice (redactDeep masks that too)', { text: Buffer.from(B64).toString('base64url') }],
    ['a bare string with the key', `key=${KEY}`],
    ['numbers, booleans and nulls only', { a: 1, b: [true, null, 2.5] }],
  ];
  for (const [name, value] of cases) {
    it(`${name}: says a copy is needed exactly when redactDeep changes something`, () => {
      const changed = !isDeepStrictEqual(redactDeep(value, [KEY]), value);
      assert.equal(needsRedaction(value, [KEY]), changed);
    });
  }

  it('has nothing to find without keys, or with keys too short to be real', () => {
    assert.equal(needsRedaction({ text: KEY }, []), false);
    assert.equal(needsRedaction({ text: 'short' }, ['short']), false);
  });

  it('leaves objects that are not plain data to redactDeep', () => {
    assert.equal(needsRedaction({ at: new Date(0) }, [KEY]), true);
  });

  it('sees a key added to a growing set of keys (as the proxy registers trials)', () => {
    const keys = new Set(['sk-first-key-000000000000']);
    assert.equal(needsRedaction({ text: KEY }, keys), false);
    assert.equal(redact(KEY, keys), KEY);
    keys.add(KEY);
    assert.equal(needsRedaction({ text: KEY }, keys), true);
    assert.equal(redact(KEY, keys), '[redacted]');
  });
});
