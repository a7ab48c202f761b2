/**
 * Text kept up to a cap, counting every byte that went past it. Assistant text and tool-call
 * arguments are stored capped so a runaway response cannot blow up memory or the store.
 */
export const TEXT_CAP_BYTES = 32 * 1024;

export class CappedText {
  private parts: string[] = [];
  private keptBytes = 0;
  private full = false;
  /** Bytes appended in total (kept or not). */
  bytes = 0;

  constructor(private readonly cap: number = TEXT_CAP_BYTES) {}

  append(text: string): void {
    if (!text) return;
    const size = Buffer.byteLength(text, 'utf8');
    this.bytes += size;
    if (this.full) return;
    if (this.keptBytes + size <= this.cap) {
      this.parts.push(text);
      this.keptBytes += size;
      return;
    }
    // Keep whole characters up to the cap.
    const room = this.cap - this.keptBytes;
    const cut = Buffer.from(text, 'utf8').subarray(0, room).toString('utf8').replace(/\uFFFD$/, '');
    this.parts.push(cut);
    this.keptBytes += Buffer.byteLength(cut, 'utf8');
    this.full = true;
  }

  /** Replaces everything appended so far (e.g. a final, authoritative value). */
  set(text: string): void {
    this.parts = [];
    this.keptBytes = 0;
    this.full = false;
    this.bytes = 0;
    this.append(text);
  }

  toString(): string {
    const kept = this.parts.join('');
    const dropped = this.bytes - this.keptBytes;
    return dropped > 0 ? `${kept}…[truncated ${dropped} bytes]` : kept;
  }
}
