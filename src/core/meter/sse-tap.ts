/**
 * Reading a server-sent-event stream beside the bytes passed to the client, in layers that are
 * each tested on their own with adversarial chunking:
 *   bytes ──utf8Chunks──► text ──eventsource-parser──► SSE messages ──sseRecord──► typed records
 * The tap never changes or holds back the bytes; it only observes them.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { tryParseJson } from '../json';

/**
 * Layer 1: bytes to text, keeping a multi-byte character that is split across chunks whole, as a
 * streaming `TextDecoder` does (a leading byte-order mark dropped, bad bytes as U+FFFD). A chunk that
 * ends in an ASCII byte leaves no character open, so when none was open before it either, it is
 * decoded on its own (`Buffer#toString`, the same WHATWG decoding, far cheaper than a TextDecoder per
 * stream); only chunks around a split character, and a first chunk that may start with a byte-order
 * mark, go through a TextDecoder.
 */
export function createUtf8Decoder(): { write(chunk: Uint8Array): string; end(): string } {
  return new Utf8Decoder();
}

/** A class, not closures: one is made per stream, and its methods are made once. */
class Utf8Decoder {
  private decoder: TextDecoder | null = null;
  private started = false;

  write(chunk: Uint8Array): string {
    if (chunk.length === 0) return '';
    const endsClean = (chunk[chunk.length - 1] as number) < 0x80;
    const maybeBom = !this.started && chunk[0] === 0xef;
    if (!this.decoder && endsClean && !maybeBom) {
      this.started = true;
      return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length).toString('utf8');
    }
    // Past the start of the stream a byte-order mark is text, as it is to one TextDecoder.
    this.decoder ??= new TextDecoder('utf-8', { ignoreBOM: this.started });
    this.started = true;
    const text = this.decoder.decode(chunk, { stream: true });
    if (endsClean) this.decoder = null;
    return text;
  }

  end(): string {
    const text = this.decoder ? this.decoder.decode() : '';
    this.decoder = null;
    return text;
  }
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
  // A JSON object (nearly every event) cannot be the terminator: no need to trim it.
  if (text.charCodeAt(0) !== 0x7b && text.trim() === '[DONE]') return { kind: 'done' };
  const data = tryParseJson(text);
  return data === undefined ? { kind: 'malformed', event: message.event, text } : { kind: 'json', event: message.event, data };
}

/** One SSE line or event larger than this is not read (it is still passed to the client). */
export const MAX_SSE_EVENT_CHARS = 8 * 1024 * 1024;

/** Layers 1–3 together: feed raw chunks, receive records. */
export class SseTap {
  private readonly decoder = new Utf8Decoder();
  private readonly parser;
  private overflowed = false;

  constructor(private readonly onRecord: (record: SseRecord) => void, private readonly maxEventChars = MAX_SSE_EVENT_CHARS) {
    // Bound methods rather than arrows: one tap is made per stream.
    // A line without an end (or an event without its blank line) would otherwise grow without bound.
    this.parser = createParser({ onEvent: this.onEvent.bind(this), onError: this.onError.bind(this), maxBufferSize: maxEventChars });
  }

  private onEvent(message: EventSourceMessage): void {
    this.onRecord(sseRecord(message));
  }

  private onError(error: { type: string }): void {
    if (error.type !== 'max-buffer-size-exceeded') return;
    this.overflowed = true;
    this.onRecord({ kind: 'malformed', event: undefined, text: `an SSE line or event longer than ${this.maxEventChars} characters was skipped` });
  }

  feed(chunk: Uint8Array): void {
    const text = this.decoder.write(chunk);
    if (text) this.parse(text);
  }

  private parse(text: string): void {
    try {
      this.parser.feed(text);
    } catch {
      // The parser refuses input after an overflow until reset; handled below.
    }
    if (this.overflowed) {
      // Drop what was buffered and carry on: later events are read again.
      this.overflowed = false;
      this.parser.reset({ consume: false });
    }
  }

  /** The stream ended: a last event without its blank line is still read. */
  end(): void {
    const rest = this.decoder.end();
    // Two line ends dispatch whatever event was pending; extra blank lines are ignored.
    this.parse(`${rest}\n\n`);
    this.parser.reset();
  }
}
