/**
 * When the proxy asked an OpenAI-compatible upstream for stream usage on the client's behalf
 * (`stream_options.include_usage`), the client must still get the stream it asked for: this filter
 * drops the one usage-only chunk (`choices: []` with `usage`) and passes every other event's bytes
 * unchanged. Complete events go out at once; only a partial event at the end of a chunk waits for
 * the rest of its bytes.
 */
const LF = 0x0a;
const CR = 0x0d;

export function isUsageOnlyEvent(event: Buffer): boolean {
  const data = event
    .toString('utf8')
    .split(/\r\n|\r|\n/)
    .filter((line) => line.startsWith('data:'))
    .map((line) => line.slice(line.startsWith('data: ') ? 6 : 5))
    .join('\n');
  if (!data.includes('"usage"')) return false;
  try {
    const parsed = JSON.parse(data) as { choices?: unknown; usage?: unknown };
    return Array.isArray(parsed.choices) && parsed.choices.length === 0 && typeof parsed.usage === 'object' && parsed.usage !== null;
  } catch {
    return false;
  }
}

export class InjectedUsageFilter {
  private pending: Buffer = Buffer.alloc(0);

  /** Bytes to send to the client now (possibly empty). */
  push(chunk: Buffer): Buffer {
    const bytes = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const out: Buffer[] = [];
    let eventStart = 0;
    let lineStart = 0;
    let i = 0;
    while (i < bytes.length) {
      const b = bytes[i] as number;
      if (b !== LF && b !== CR) {
        i++;
        continue;
      }
      // A CR at the very end may be the first half of CRLF: decide when more bytes come.
      if (b === CR && i + 1 === bytes.length) break;
      const end = b === CR && bytes[i + 1] === LF ? i + 2 : i + 1;
      if (i === lineStart) {
        // A blank line: the event from eventStart ends here.
        const event = bytes.subarray(eventStart, end);
        if (!isUsageOnlyEvent(event)) out.push(event);
        eventStart = end;
      }
      lineStart = end;
      i = end;
    }
    this.pending = Buffer.from(bytes.subarray(eventStart));
    return out.length === 1 ? (out[0] as Buffer) : Buffer.concat(out);
  }

  /** What is left when the stream ends (an event without its blank line). */
  end(): Buffer {
    const rest = this.pending;
    this.pending = Buffer.alloc(0);
    return rest.length && isUsageOnlyEvent(rest) ? Buffer.alloc(0) : rest;
  }
}
