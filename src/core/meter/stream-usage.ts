/**
 * Asking an OpenAI-compatible upstream for stream usage on the client's behalf, without serialising
 * the client's request again. A long agent conversation is hundreds of kilobytes; `JSON.stringify`
 * of it cost more CPU than the parse and all the rest of the metering of the call (1.7 ms against
 * 1.3 ms for a 180 kB chat, timed alone). The member is spliced in before the body's closing brace,
 * so the upstream reads the same object `JSON.stringify({ ...parsed, stream_options: { include_usage:
 * true } })` would give (same members, same order), in the client's own bytes otherwise.
 */
import { isUtf8 } from 'node:buffer';

const MEMBER = Buffer.from('"stream_options":{"include_usage":true}', 'utf8');
const COMMA = Buffer.from(',', 'utf8');
const CLOSE = 0x7d;
const OPEN = 0x7b;

function isJsonSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

/**
 * `raw` with `"stream_options":{"include_usage":true}` as its last member, or null when the splice
 * would not mean the same as re-serialising: call it only for a body that parsed to a JSON object
 * without `stream_options`. Null too for bytes that are not valid UTF-8 (re-serialising sends the
 * replacement characters the parse read, the splice would send the bytes) or that do not end in the
 * object's closing brace (a parsed object always does; checked, not assumed).
 */
export function withStreamUsage(raw: Buffer): Buffer | null {
  if (!isUtf8(raw)) return null;
  let end = raw.length - 1;
  while (end >= 0 && isJsonSpace(raw[end] as number)) end--;
  if (end < 1 || raw[end] !== CLOSE) return null;
  let before = end - 1;
  while (before >= 0 && isJsonSpace(raw[before] as number)) before--;
  // `{}`: the new member is the only one.
  const empty = raw[before] === OPEN;
  return Buffer.concat(empty ? [raw.subarray(0, end), MEMBER, raw.subarray(end)] : [raw.subarray(0, end), COMMA, MEMBER, raw.subarray(end)]);
}
