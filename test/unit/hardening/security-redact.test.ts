import assert from 'node:assert/strict';
import { redact, redactDeep, StreamRedactor } from '../../../src/core/meter/redact';

const KEY = 'sk-canary-unit-0123456789abcdef';
const MASK = '[redacted]'.padEnd(KEY.length, '*');

function through(chunks: string[], secrets = [KEY]): { out: string; emitted: string[] } {
  const r = new StreamRedactor(secrets);
  const emitted = chunks.map((c) => r.push(Buffer.from(c)).toString());
  emitted.push(r.end().toString());
  return { out: emitted.join(''), emitted };
}

describe('security: key redaction', () => {
  it('masks a key split anywhere across chunks, keeping the byte length', () => {
    const text = `data: {"k":"${KEY}","again":"${KEY}"}\n\n`;
    for (let a = 0; a <= text.length; a++) {
      for (const b of [a, Math.min(text.length, a + 3), Math.min(text.length, a + KEY.length)]) {
        const { out } = through([text.slice(0, a), text.slice(a, b), text.slice(b)]);
        assert.equal(out, text.split(KEY).join(MASK), `split at ${a}/${b}`);
        assert.equal(Buffer.byteLength(out), Buffer.byteLength(text));
      }
    }
  });

  it('holds back only a tail that could begin a key, so complete SSE events go out at once', () => {
    const { emitted } = through(['data: {"a":1}\n\n', 'data: {"b":"sk-can', 'ary"}\n\n']);
    assert.equal(emitted[0], 'data: {"a":1}\n\n');
    assert.equal(emitted[1], 'data: {"b":"');
    assert.equal(emitted[2], 'sk-canary"}\n\n');
    assert.equal(emitted[3], '');
  });

  it('passes bytes unchanged when there is no key, and ignores keys too short to be real', () => {
    assert.equal(through(['hello sk-'], []).out, 'hello sk-');
    assert.equal(through(['a short secret'], ['short']).out, 'a short secret');
    assert.equal(redact('x short y', ['short']), 'x short y');
  });

  it('redacts every string of a record, object keys included', () => {
    const record = { text: `k ${KEY}`, usageRaw: { [KEY]: 1, list: [KEY, 3] }, n: 4, none: null };
    const clean = redactDeep(record, [KEY]);
    assert.ok(!JSON.stringify(clean).includes(KEY));
    assert.equal(clean.n, 4);
    assert.equal(clean.none, null);
    assert.deepEqual(clean.usageRaw.list, ['[redacted]', 3]);
  });
});

describe('security: key redaction of encoded forms', () => {
  it('masks the base64 and base64url forms of a key too', () => {
    const key = 'sk-canary-?>?>?>-0123456789';
    const b64 = Buffer.from(key).toString('base64');
    const b64url = Buffer.from(key).toString('base64url');
    assert.notEqual(b64.replace(/=+$/, ''), b64url);
    const text = `a ${b64} b ${b64url} c`;
    assert.ok(!redact(text, [key]).includes(b64.slice(0, -2)));
    assert.ok(!redact(text, [key]).includes(b64url));
    const streamed = through([text.slice(0, 10), text.slice(10)], [key]).out;
    assert.ok(!streamed.includes(b64url) && !streamed.includes(b64.slice(0, -2)));
  });
});
