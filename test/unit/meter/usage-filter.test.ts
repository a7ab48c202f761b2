import assert from 'node:assert/strict';
import { InjectedUsageFilter } from '../../../src/core/meter/usage-filter';
import { chunkings } from './chunking';

const BEFORE = 'data: {"choices":[{"index":0,"delta":{"content":"héllo"}}],"usage":null}\r\n\r\n' +
  ': comment\n\n' +
  'data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":null}\n\n';
const USAGE_EVENT = 'data: {"id":"c","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":2}}\n\n';
const AFTER = 'data: [DONE]\n\n';

function filterAll(chunks: Buffer[]): string {
  const filter = new InjectedUsageFilter();
  const out = chunks.map((c) => filter.push(c));
  out.push(filter.end());
  return Buffer.concat(out).toString('utf8');
}

describe('meter: dropping the usage chunk the proxy asked for', () => {
  it(`passes every other event's bytes unchanged, for every chunking (${chunkings(Buffer.from(BEFORE + USAGE_EVENT + AFTER)).length} chunkings)`, () => {
    for (const { name, chunks } of chunkings(Buffer.from(BEFORE + USAGE_EVENT + AFTER, 'utf8'))) {
      assert.equal(filterAll(chunks), BEFORE + AFTER, name);
    }
  });

  it('keeps a chunk whose choices are not empty even if it carries usage, and a stream cut mid-event', () => {
    const withChoices = 'data: {"choices":[{"index":0,"delta":{}}],"usage":{"prompt_tokens":1}}\n\n';
    assert.equal(filterAll([Buffer.from(withChoices)]), withChoices);
    assert.equal(filterAll([Buffer.from('data: {"choices":[{"index":0')]), 'data: {"choices":[{"index":0');
  });

  it('sends a complete event at once, holding back only an unfinished one', () => {
    const filter = new InjectedUsageFilter();
    assert.equal(filter.push(Buffer.from('data: {"a":1}\n\ndata: {"b"')).toString(), 'data: {"a":1}\n\n');
    assert.equal(filter.push(Buffer.from(':2}\n\n')).toString(), 'data: {"b":2}\n\n');
  });
});
