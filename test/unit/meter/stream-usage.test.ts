import assert from 'node:assert/strict';
import { withStreamUsage } from '../../../src/core/meter/stream-usage';

/** What the proxy sent before the splice: the parsed body with the member added, serialised again. */
function reserialised(raw: string): string {
  return JSON.stringify({ ...(JSON.parse(raw) as Record<string, unknown>), stream_options: { include_usage: true } });
}

const BODIES = [
  '{"model":"gpt-5","stream":true,"messages":[{"role":"user","content":"hi"}]}',
  '{}',
  '{ }',
  ' \t\r\n{ "model" : "m" , "stream" : true }\r\n\t ',
  '{"model":"m","messages":[{"role":"user","content":"ends in a brace }"}],"tools":{}}',
  '{"model":"m","nested":{"a":{"b":[{}]}},"x":[]}',
  '{"model":"m","stream":true,"n":1.50,"big":12345678901234567890,"e":1e2,"neg":-0}',
  '{"model":"m","text":"h\\u00e9 \\"quoted\\" \\\\ slash / \\ud83d\\ude00","raw":"héllo 😀 ✓"}',
  '{"model":"m","__proto__":{"stream_options":1},"constructor":null}',
  '{"model":"m","stream":true,"stream":false}',
];

describe('meter: asking for stream usage without serialising the request again', () => {
  it('reads as the same object, members in the same order, as the parsed body re-serialised with the member added', () => {
    for (const raw of BODIES) {
      const spliced = withStreamUsage(Buffer.from(raw, 'utf8'));
      assert.ok(spliced, raw);
      // Compared through a parse and JSON.stringify of each: same members, values and order.
      assert.equal(JSON.stringify(JSON.parse(spliced.toString('utf8'))), JSON.stringify(JSON.parse(reserialised(raw))), raw);
    }
  });

  it("keeps the client's own bytes otherwise: formatting, escapes, and numbers a parse would round", () => {
    const raw = '{ "model": "m", "seed": 12345678901234567890, "t": "\\u00e9" }\n';
    assert.equal(withStreamUsage(Buffer.from(raw))?.toString('utf8'), '{ "model": "m", "seed": 12345678901234567890, "t": "\\u00e9" ,"stream_options":{"include_usage":true}}\n');
  });

  it('declines bytes that are not valid UTF-8 or that do not end in a closing brace (the caller re-serialises)', () => {
    assert.equal(withStreamUsage(Buffer.concat([Buffer.from('{"model":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')])), null);
    assert.equal(withStreamUsage(Buffer.from('[1,2]')), null);
    assert.equal(withStreamUsage(Buffer.from('}')), null);
    assert.equal(withStreamUsage(Buffer.from('   ')), null);
    assert.equal(withStreamUsage(Buffer.alloc(0)), null);
  });
});
