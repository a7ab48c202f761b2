/**
 * Removes real provider keys (and their base64 forms) from everything the proxy passes on or records: error bodies, response
 * headers, 2xx bodies and streams (which may echo a key), MeteredCall fields and log lines.
 */
export const REDACTED = '[redacted]';

/** Very short "keys" would redact ordinary words; real keys are long. */
const MIN_SECRET_LENGTH = 8;

/** Each key and its base64 / base64url forms (unpadded: the padding says nothing), long enough to be real. */
function usable(secrets: Iterable<string>): string[] {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET_LENGTH) continue;
    const bytes = Buffer.from(secret, 'utf8');
    forms.add(secret);
    forms.add(bytes.toString('base64').replace(/=+$/, ''));
    forms.add(bytes.toString('base64url'));
  }
  return [...forms];
}

interface Forms {
  /** The list object these forms were worked out from (the registry hands out the same one until a key is added). */
  source: Iterable<string>;
  secrets: string[];
  /** What `redact` masks. */
  forms: string[];
  /** What `redactDeep` masks: the forms of the forms (it has always redacted with `redact(text, forms)`). */
  deepForms: string[];
  /** `forms` as bytes with their same-length masks, for streams. */
  bytes: { bytes: Buffer; mask: Buffer }[];
  /** Byte values that occur in some form: a stream chunk ending in any other byte cannot end in the start of a key. */
  inForms: Uint8Array;
  /** Length of the shortest of `forms` and of `deepForms`: shorter strings cannot hold one. */
  shortestForm: number;
  shortestDeepForm: number;
}

/**
 * The forms of the last few key lists seen. The proxy passes the same registry set on every call
 * (several times per request: headers, stream, record), and working out base64 forms each time was
 * the largest single cost of a metered request; keys change only when a trial registers a new one.
 */
const recent: Forms[] = [];

function formsOf(secrets: Iterable<string>): Forms {
  // The same list object as last time (the usual case): no copy, no comparison.
  if (recent[0]?.source === secrets) return recent[0];
  const list = Array.isArray(secrets) ? (secrets as string[]) : [...secrets];
  for (const entry of recent) {
    if (entry.secrets.length === list.length && entry.secrets.every((s, i) => s === list[i])) {
      // Only a frozen list may be recognised by identity later: a Set or array could still change.
      if (Object.isFrozen(secrets)) entry.source = secrets;
      return entry;
    }
  }
  const forms = usable(list);
  const bytes = forms.map((s) => {
    const formBytes = Buffer.from(s, 'utf8');
    return { bytes: formBytes, mask: maskFor(formBytes) };
  });
  const inForms = new Uint8Array(256);
  for (const form of bytes) for (const byte of form.bytes) inForms[byte] = 1;
  const deepForms = usable(forms);
  const entry: Forms = {
    source: Object.isFrozen(secrets) ? secrets : [],
    secrets: [...list],
    forms,
    deepForms,
    bytes,
    inForms,
    shortestForm: Math.min(...forms.map((form) => form.length)),
    shortestDeepForm: Math.min(...deepForms.map((form) => form.length)),
  };
  recent.unshift(entry);
  if (recent.length > 4) recent.pop();
  return entry;
}

function redactWith(text: string, forms: readonly string[]): string {
  let out = text;
  for (const secret of forms) {
    if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  return out;
}

export function redact(text: string, secrets: Iterable<string>): string {
  const { forms, shortestForm } = formsOf(secrets);
  // Most response headers are shorter than any key.
  return text.length < shortestForm ? text : redactWith(text, forms);
}

/** Every string inside a JSON-like value (keys of objects included) redacted; other values unchanged. */
export function redactDeep<T>(value: T, secrets: Iterable<string>): T {
  const { forms, deepForms: list } = formsOf(secrets);
  if (forms.length === 0) return value;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return redactWith(v, list);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [redactWith(k, list), walk(x)]));
    }
    return v;
  };
  return walk(value) as T;
}

/**
 * Whether `redactDeep` would change anything in `value`: a string or an object key holding a form of
 * a key. Reads the value without building anything, so the usual case (no key anywhere) costs far
 * less than the copy `redactDeep` makes. Anything but plain objects, arrays and primitives counts
 * as a change (`redactDeep` turns such objects into plain ones).
 */
export function needsRedaction(value: unknown, secrets: Iterable<string>): boolean {
  const { forms, deepForms, shortestDeepForm } = formsOf(secrets);
  if (forms.length === 0) return false;
  const mentions = (text: string): boolean => text.length >= shortestDeepForm && deepForms.some((form) => text.includes(form));
  const visit = (v: unknown): boolean => {
    if (typeof v === 'string') return mentions(v);
    if (!v || typeof v !== 'object') return false;
    if (Array.isArray(v)) return v.some(visit);
    const prototype = Object.getPrototypeOf(v) as unknown;
    if (prototype !== Object.prototype && prototype !== null) return true;
    for (const key in v) if (mentions(key) || visit((v as Record<string, unknown>)[key])) return true;
    return false;
  };
  return visit(value);
}

const EMPTY = Buffer.alloc(0);

/** `[redacted]` padded with `*` to the secret's byte length, so a Content-Length stays true. */
function maskFor(secret: Buffer): Buffer {
  const mask = secret.length >= REDACTED.length ? REDACTED.padEnd(secret.length, '*') : '*'.repeat(secret.length);
  return Buffer.from(mask, 'latin1');
}

/**
 * Masks keys in a byte stream passed through chunk by chunk (a 2xx body or an SSE stream), with a
 * mask of the same length. A key may be split across chunks, so the end of a chunk that could be
 * the start of a key waits for the next chunk; every other byte goes out at once (an SSE event
 * ends in a blank line, never the start of a key, so events are not delayed).
 */
export class StreamRedactor {
  private pending: Buffer = EMPTY;
  private readonly secrets: { bytes: Buffer; mask: Buffer }[];
  private readonly inForms: Uint8Array;

  constructor(secrets: Iterable<string>) {
    const forms = formsOf(secrets);
    this.secrets = forms.bytes;
    this.inForms = forms.inForms;
  }

  get active(): boolean {
    return this.secrets.length > 0;
  }

  /** Bytes that may go out now (possibly empty). */
  push(chunk: Buffer): Buffer {
    if (!this.active) return chunk;
    let data = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    if (this.secrets.some(({ bytes }) => data.includes(bytes))) {
      // Masked in a copy: the caller's chunk is left as it was.
      if (data === chunk) data = Buffer.from(chunk);
      this.mask(data);
    }
    const hold = this.heldBack(data);
    this.pending = data.subarray(data.length - hold);
    return data.subarray(0, data.length - hold);
  }

  /** The bytes still held at the end of the stream. */
  end(): Buffer {
    const rest = this.pending;
    this.pending = EMPTY;
    return rest;
  }

  private mask(data: Buffer): void {
    for (const { bytes, mask } of this.secrets) {
      for (let at = data.indexOf(bytes); at !== -1; at = data.indexOf(bytes, at + bytes.length)) mask.copy(data, at);
    }
  }

  /** Length of the longest tail of `data` that is a proper prefix of a key. */
  private heldBack(data: Buffer): number {
    // A key's start ends in a byte of that key: a chunk ending in a byte no key has (an SSE event's
    // line end, a JSON body's brace, usually) holds nothing back.
    if (data.length === 0 || !this.inForms[data[data.length - 1] as number]) return 0;
    let hold = 0;
    for (const { bytes } of this.secrets) {
      const longest = Math.min(bytes.length - 1, data.length);
      for (let k = longest; k > hold; k--) {
        if (data[data.length - k] === bytes[0] && data.subarray(data.length - k).equals(bytes.subarray(0, k))) {
          hold = k;
          break;
        }
      }
    }
    return hold;
  }
}
