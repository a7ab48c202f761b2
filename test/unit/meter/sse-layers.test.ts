import assert from 'node:assert/strict';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { createUtf8Decoder, SseTap, sseRecord, type SseRecord } from '../../../src/core/meter/sse-tap';
import { chunkings } from './chunking';

function decodeAll(chunks: Buffer[]): string {
  const decoder = createUtf8Decoder();
  return chunks.map((c) => decoder.write(c)).join('') + decoder.end();
}

function tapAll(chunks: Buffer[]): SseRecord[] {
  const records: SseRecord[] = [];
  const tap = new SseTap((r) => records.push(r));
  chunks.forEach((c) => tap.feed(c));
  tap.end();
  return records;
}

// CRLF and LF line endings, a comment, a multi-line data field, named events, multi-byte text, [DONE], a broken event.
const STREAM = Buffer.from(
  ': keep-alive comment\r\n\r\n' +
  'event: message_start\r\ndata: {"type":"message_start","text":"héllo € 😀"}\r\n\r\n' +
  'data: {"a":\ndata: 1}\n\n' +
  'data: {"choices":[],"usage":{"prompt_tokens":7}}\n\n' +
  'data: {not json\n\n' +
  'data: [DONE]\n\n',
  'utf8',
);

const EXPECTED: SseRecord[] = [
  { kind: 'json', event: 'message_start', data: { type: 'message_start', text: 'héllo € 😀' } },
  { kind: 'json', event: undefined, data: { a: 1 } },
  { kind: 'json', event: undefined, data: { choices: [], usage: { prompt_tokens: 7 } } },
  { kind: 'malformed', event: undefined, text: '{not json' },
  { kind: 'done' },
];

describe('meter: stream layers', () => {
  describe('layer 1: bytes → text', () => {
    it('keeps multi-byte characters whole however the bytes are cut', () => {
      const text = 'a€b😀c — ü';
      for (const { name, chunks } of chunkings(Buffer.from(text, 'utf8'))) assert.equal(decodeAll(chunks), text, name);
    });

    it('gives exactly what one streaming TextDecoder gives: bad bytes, cut characters, byte-order marks at the start and later, random chunks', () => {
      let seed = 7;
      const next = (max: number): number => {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        return seed % max;
      };
      // Pieces that make every case: ASCII, whole and cut multi-byte characters, lone continuation and lead bytes, overlongs, BOMs.
      const pieces = [[0x61], [0x0a], [0xc3, 0xa9], [0xe2, 0x82, 0xac], [0xf0, 0x9f, 0x98, 0x80], [0x80], [0xc3], [0xe2, 0x82], [0xf0, 0x9f], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xff], [0xef, 0xbb, 0xbf]];
      for (let trial = 0; trial < 2000; trial++) {
        const bytes = Buffer.from(Array.from({ length: 1 + next(12) }, () => pieces[next(pieces.length)] as number[]).flat());
        const chunks: Buffer[] = [];
        for (let at = 0; at < bytes.length;) {
          const size = 1 + next(5);
          chunks.push(bytes.subarray(at, at + size));
          at += size;
        }
        const reference = new TextDecoder('utf-8');
        const expected = chunks.map((c) => reference.decode(c, { stream: true })).join('') + reference.decode();
        assert.equal(decodeAll(chunks), expected, `bytes ${bytes.toString('hex')} cut as ${chunks.map((c) => c.length).join('+')}`);
      }
    });
  });

  describe('layer 2: text → SSE messages (eventsource-parser)', () => {
    it('reads the same messages when a CRLF line ending is split between chunks', () => {
      const messages: EventSourceMessage[] = [];
      const parser = createParser({ onEvent: (m) => messages.push(m) });
      parser.feed('data: {"x":1}\r');
      parser.feed('\n\r');
      parser.feed('\ndata: 2\r\n\r\n');
      assert.deepEqual(messages.map((m) => m.data), ['{"x":1}', '2']);
    });
  });

  describe('layer 3: SSE message → record', () => {
    it('tells JSON, the [DONE] terminator and malformed data apart', () => {
      assert.deepEqual(sseRecord({ data: '{"a":1}', event: 'x' }), { kind: 'json', event: 'x', data: { a: 1 } });
      assert.deepEqual(sseRecord({ data: '[DONE]' }), { kind: 'done' });
      assert.deepEqual(sseRecord({ data: '{"a":' }), { kind: 'malformed', event: undefined, text: '{"a":' });
    });
  });

  describe('layers 1–3 together (SseTap)', () => {
    it(`gives the same records for every chunking of a stream (${chunkings(STREAM).length} chunkings)`, () => {
      for (const { name, chunks } of chunkings(STREAM)) assert.deepEqual(tapAll(chunks), EXPECTED, name);
    });

    it('reads a last event whose blank line never came when the stream ends', () => {
      const records = tapAll([Buffer.from('data: {"a":1}\n\ndata: {"b":2}\n')]);
      assert.deepEqual(records, [
        { kind: 'json', event: undefined, data: { a: 1 } },
        { kind: 'json', event: undefined, data: { b: 2 } },
      ]);
    });
  });
});
