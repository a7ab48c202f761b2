/** Drives a protocol reader with a byte stream cut into the given chunks, as the proxy does. */
import { createReader } from '../../../src/core/meter/wire-protocol';
import { SseTap } from '../../../src/core/meter/sse-tap';
import type { ResponseObservation } from '../../../src/core/meter/usage/meter';
import type { Protocol } from '../../../src/core/meter/types';

export function readStream(protocol: Protocol, chunks: Buffer[]): ResponseObservation {
  const reader = createReader(protocol);
  const tap = new SseTap((record) => {
    if (record.kind === 'json') reader.event(record.event, record.data);
    else if (record.kind === 'malformed') reader.malformed(record.text);
  });
  chunks.forEach((c) => tap.feed(c));
  tap.end();
  return reader.result();
}

export function readBody(protocol: Protocol, body: unknown): ResponseObservation {
  const reader = createReader(protocol);
  reader.body(body, JSON.stringify(body));
  return reader.result();
}

export function sseBytes(events: { event?: string; data: unknown }[], done = false): Buffer {
  const text = events.map((e) => `${e.event ? `event: ${e.event}\n` : ''}data: ${JSON.stringify(e.data)}\n\n`).join('');
  return Buffer.from(done ? `${text}data: [DONE]\n\n` : text, 'utf8');
}
