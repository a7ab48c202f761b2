/** Collects one output stream of an exec up to a byte cap, counting (not storing) the rest. */
import { Writable } from 'node:stream';

export class OutputCapture extends Writable {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  total = 0;

  constructor(private readonly maxBytes: number, private readonly onChunk?: (chunk: Buffer) => void) {
    super();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.total += chunk.length;
    this.onChunk?.(chunk);
    const room = this.maxBytes - this.kept;
    if (room > 0) {
      const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
      this.chunks.push(part);
      this.kept += part.length;
    }
    done();
  }

  get truncated(): boolean {
    return this.total > this.kept;
  }

  text(): string {
    const text = Buffer.concat(this.chunks).toString('utf8');
    return this.truncated ? `${text}\n[… ${this.total - this.kept} more bytes not kept]` : text;
  }
}
