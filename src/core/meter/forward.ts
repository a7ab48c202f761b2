/**
 * Sending one request upstream and its response back to the client, byte for byte and as the bytes
 * arrive, while a protocol reader (when given) reads the response beside them: SSE streams through
 * the tap, JSON bodies once complete. Failures are passed on as they happened (a reset upstream
 * drops the client's connection) and reported in the outcome.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { createDecoder } from './decode';
import { tryParseJson } from '../json';
import { redact, StreamRedactor } from './redact';
import { SseTap } from './sse-tap';
import type { RegisteredTrial } from './trial-registry';
import { DROPPED_RESPONSE_HEADERS, openUpstream, upstreamHeaders, type UpstreamAgents } from './upstream';
import { InjectedUsageFilter } from './usage-filter';
import type { ResponseReader } from './usage/meter';

/** A response body read for usage (not a stream) is held up to this size. */
export const MAX_METERED_BODY_BYTES = 16 * 1024 * 1024;
/** Error bodies are held (for key redaction) up to this size; the rest is dropped. */
export const MAX_ERROR_BODY_BYTES = 1024 * 1024;
/** The start of a server-sent-event stream. */
const SSE_START = /^\s*(data|event|id|retry)\s*:|^:/;

/** Chunks kept up to a byte cap; `over` says some were dropped. */
class HeldBytes {
  private readonly chunks: Buffer[] = [];
  private bytes = 0;
  over = false;

  constructor(private readonly cap: number) {}

  push(chunk: Buffer): void {
    if (this.over || this.bytes + chunk.length > this.cap) {
      this.over = true;
      return;
    }
    this.chunks.push(chunk);
    this.bytes += chunk.length;
  }

  /** The bytes held, as one buffer: the chunk itself when there is one (the usual body), no copy. */
  concat(): Buffer {
    return this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks);
  }
}

/** The SSE tap that hands a stream's records to a reader. */
function tapFor(reader: ResponseReader): SseTap {
  return new SseTap((record) => {
    if (record.kind === 'json') reader.event(record.event, record.data);
    else if (record.kind === 'malformed') reader.malformed(record.text);
  });
}

/**
 * `up.headers['content-type']` and `['content-encoding']` as strings ('' when absent), read from the
 * raw headers: asking `up.headers` builds an object of every header. As Node does, the first
 * Content-Type counts and several Content-Encodings are joined with ", ".
 */
export function typeAndEncoding(rawHeaders: string[]): { contentType: string; contentEncoding: string } {
  let contentType: string | null = null;
  let contentEncoding: string | null = null;
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string;
    if (name.length !== 12 && name.length !== 16) continue;
    const lower = name.toLowerCase();
    const value = rawHeaders[i + 1] as string;
    if (lower === 'content-type') contentType ??= value;
    else if (lower === 'content-encoding') contentEncoding = contentEncoding === null ? value : `${contentEncoding}, ${value}`;
  }
  return { contentType: contentType ?? '', contentEncoding: contentEncoding ?? '' };
}

export interface Outcome {
  /** Upstream status; null when no response came. */
  status: number | null;
  /** performance.now() of the first response body byte. */
  firstByteAt: number | null;
  failure: string | null;
}

/** One request to pass on. */
export interface Exchange {
  trial: RegisteredTrial;
  req: IncomingMessage;
  res: ServerResponse;
  /** Upstream path and query. */
  path: string;
  body: Buffer;
  /** Reads the response for metering; null for paths passed through unmetered. */
  reader: ResponseReader | null;
  /** Drop the stream-usage chunk the proxy asked for on the client's behalf. */
  stripInjectedUsage: boolean;
}

export interface ForwarderOptions {
  agents: UpstreamAgents;
  /** Real keys to redact from error bodies. */
  secrets: () => Iterable<string>;
  log: (line: string) => void;
  idleTimeoutMs: number;
}

export class Forwarder {
  constructor(private readonly options: ForwarderOptions) {}

  /**
   * Sends the request upstream and the response back. With a reader, the response is read beside
   * the bytes (SSE streams) or after them (JSON bodies). Error bodies (status ≥ 400) are buffered
   * so that a key the upstream echoes can be redacted before the client sees it. `done` is called
   * once, after the client has its last byte (or lost its connection).
   */
  forward(x: Exchange, done: (outcome: Outcome) => void): void {
    const { trial, req, res, body } = x;
    const outcome: Outcome = { status: null, firstByteAt: null, failure: null };
    let finished = false;
    const end = (failure: string | null): void => {
      if (finished) return;
      finished = true;
      if (failure && !outcome.failure) outcome.failure = failure;
      done(outcome);
    };
    const hasBody = body.length > 0 || (req.method !== 'GET' && req.method !== 'HEAD');
    const request = openUpstream(this.options.agents, trial, req.method ?? 'GET', x.path, upstreamHeaders(trial, req.headers, hasBody ? body.length : null));
    const idle = this.options.idleTimeoutMs;
    request.setTimeout(idle, () => request.destroy(new Error(`upstream sent nothing for ${idle} ms`)));
    res.on('close', () => {
      if (!res.writableFinished) {
        request.destroy();
        end('client closed the connection before the response ended');
      }
    });
    let responded = false;
    request.on('error', (error: NodeJS.ErrnoException) => {
      // Never retried here: a retry is the harness's decision, and shows as a call of its own.
      if (responded || finished) return;
      const failure = `upstream connection failed before a response (${error.code ?? error.message})`;
      this.options.log(`${trial.trialId}: ${failure}`);
      // Passed on as it happened: the client sees its connection drop, as it would with the provider.
      end(failure);
      res.destroy();
    });
    request.on('response', (up) => {
      responded = true;
      outcome.status = up.statusCode ?? 502;
      this.relay(x, up, outcome, end);
    });
    request.end(hasBody ? body : undefined);
  }

  private relay(x: Exchange, up: IncomingMessage, outcome: Outcome, end: (failure: string | null) => void): void {
    const { trial, res, reader, stripInjectedUsage } = x;
    const status = outcome.status as number;
    const { contentType, contentEncoding } = typeAndEncoding(up.rawHeaders);
    const sse = contentType.includes('text/event-stream');
    // Error bodies are small: held back so that a key the upstream echoes can be redacted.
    const buffered = status >= 400;
    // The meter reads decoded bytes; the client gets the bytes as sent (the proxy asks for identity, but servers may not listen).
    const decoder = reader || buffered ? createDecoder(contentEncoding) : null;
    const headers: string[] = [];
    for (let i = 0; i + 1 < up.rawHeaders.length; i += 2) {
      const name = up.rawHeaders[i] as string;
      const lower = name.toLowerCase();
      if (DROPPED_RESPONSE_HEADERS.has(lower)) continue;
      if (buffered && (lower === 'content-length' || (decoder && lower === 'content-encoding'))) continue;
      // An upstream may echo the key in a header too.
      headers.push(name, redact(up.rawHeaders[i + 1] as string, this.options.secrets()));
    }
    // What is held in memory is capped so a runaway response cannot exhaust it; past the cap the
    // bytes still flow (to the client, unless it is an error body) but are no longer kept.
    const cap = buffered ? MAX_ERROR_BODY_BYTES : MAX_METERED_BODY_BYTES;
    const rawChunks = new HeldBytes(cap);
    const decodedChunks = new HeldBytes(cap);
    const tapped = reader && !buffered ? reader : null;
    let tap = sse && tapped ? tapFor(tapped) : null;
    // A stream sent under the wrong content type (text/plain, none) is still read as a stream.
    let sniffed = sse || !reader || buffered || /json/i.test(contentType);
    const filter = stripInjectedUsage && sse && !buffered ? new InjectedUsageFilter() : null;
    const meter = (chunk: Buffer): void => {
      if (!sniffed) {
        sniffed = true;
        if (tapped && SSE_START.test(chunk.subarray(0, 64).toString('utf8'))) tap = tapFor(tapped);
      }
      if (tap) tap.feed(chunk);
      else if (reader || buffered) decodedChunks.push(chunk);
    };
    // A 2xx body or stream that echoes a key: masked (same length) before the client or the meter sees it.
    const redactor = buffered ? null : new StreamRedactor(this.options.secrets());
    const pass = (chunk: Buffer): void => {
      const out = filter ? filter.push(chunk) : chunk;
      if (out.length > 0 && !res.write(out)) {
        up.pause();
        res.once('drain', () => up.resume());
      }
      if (decoder) decoder.write(chunk);
      else meter(chunk);
    };
    decoder?.on('data', meter);
    if (!buffered) res.writeHead(status, headers);
    up.on('data', (chunk: Buffer) => {
      if (outcome.firstByteAt === null) outcome.firstByteAt = performance.now();
      if (buffered) {
        rawChunks.push(chunk);
        if (decoder) decoder.write(chunk);
        else meter(chunk);
      } else {
        pass(redactor?.active ? redactor.push(chunk) : chunk);
      }
    });
    up.on('end', () => {
      if (!buffered) {
        const rest = redactor?.end();
        if (rest && rest.length > 0) pass(rest);
        res.end(filter?.end());
      }
      const finish = (decodeFailure: string | null): void => {
        let text = '';
        if (buffered) {
          if (decoder && decodeFailure) {
            // Undecodable: passed on as received.
            const raw = rawChunks.concat();
            res.writeHead(status, [...headers, 'content-encoding', contentEncoding, 'content-length', String(raw.length)]);
            res.end(raw);
          } else {
            // Sent decoded (content-encoding dropped above) so the key can be redacted.
            text = redact((decoder ? decodedChunks : rawChunks).concat().toString('utf8'), this.options.secrets());
            const bytes = Buffer.from(text, 'utf8');
            res.writeHead(status, [...headers, 'content-length', String(bytes.length)]);
            res.end(bytes);
          }
        }
        // Metering happens after the client has its last byte.
        if (tap) tap.end();
        else if (reader) {
          if (!buffered) text = decodedChunks.concat().toString('utf8');
          reader.body(decodedChunks.over ? undefined : tryParseJson(text), text);
        }
        const over = decodedChunks.over || rawChunks.over;
        end(decodeFailure ?? (over ? `response body larger than ${cap} bytes: ${buffered ? 'cut there' : 'not read for usage'}` : null));
      };
      if (!decoder) return finish(null);
      decoder.once('end', () => finish(null));
      decoder.once('error', (error: Error) => finish(`could not decode the ${contentEncoding} response (${error.message})`));
      decoder.end();
    });
    up.on('error', (error: NodeJS.ErrnoException) => {
      if (tap) tap.end();
      const failure = `upstream ${sse ? 'stream' : 'response'} cut off before its end (${error.code ?? error.message})`;
      this.options.log(`${trial.trialId}: ${failure}`);
      res.destroy();
      end(failure);
    });
  }
}
