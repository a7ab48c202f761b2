/**
 * Reading a server-sent-event stream beside the bytes passed to the client, in layers that are
 * each tested on their own with adversarial chunking:
 *   bytes ──utf8Chunks──► text ──eventsource-parser──► SSE messages ──sseRecord──► typed records
 * The tap never changes or holds back the bytes; it only observes them.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { tryParseJson } from './json';

/** Layer 1: bytes to text, keeping a multi-byte character that is split across chunks whole. */
export function createUtf8Decoder(): { write(chunk: Uint8Array): string; end(): string } {
  const decoder = new TextDecoder('utf-8');
  return {
    write: (chunk) => decoder.decode(chunk, { stream: true }),
    end: () => decoder.decode(),
  };
}

/** Layer 3: what one SSE message means. */
export type SseRecord =
  | { kind: 'json'; event: string | undefined; data: unknown }
  /** OpenAI's `data: [DONE]` terminator. */
  | { kind: 'done' }
  /** A data field that is not JSON: kept as text so the caller can report it. */
  | { kind: 'malformed'; event: string | undefined; text: string };

export function sseRecord(message: EventSourceMessage): SseRecord {
  const text = message.data;
  if (text.trim() === '[DONE]') return { kind: 'done' };
  const data = tryParseJson(text);
  return data === undefined ? { kind: 'malformed', event: message.event, text } : { kind: 'json', event: message.event, data };
}

/** Layers 1–3 together: feed raw chunks, receive records. */
export class SseTap {
  private readonly decoder = createUtf8Decoder();
  private readonly parser;

  constructor(onRecord: (record: SseRecord) => void) {
    this.parser = createParser({ onEvent: (message) => onRecord(sseRecord(message)) });
  }

  feed(chunk: Uint8Array): void {
    const text = this.decoder.write(chunk);
    if (text) this.parser.feed(text);
  }

  /** The stream ended: a last event without its blank line is still read. */
  end(): void {
    const rest = this.decoder.end();
    // Two line ends dispatch whatever event was pending; extra blank lines are ignored.
    this.parser.feed(`${rest}\n\n`);
    this.parser.reset();
  }
}
