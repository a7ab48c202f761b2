/**
 * A scripted upstream for proxy tests: a loopback HTTP server whose handler the test writes, which
 * records every request it receives (method, url, headers, body).
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startMeteringProxy, type MeteredCall, type MeteringProxy } from '../../../src/core/meter';

export interface SeenRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface ScriptedUpstream {
  url: string;
  requests: SeenRequest[];
  close(): Promise<void>;
}

export async function scriptedUpstream(handler: (req: SeenRequest, res: ServerResponse, raw: IncomingMessage) => void): Promise<ScriptedUpstream> {
  const requests: SeenRequest[] = [];
  const server = http.createServer((raw, res) => {
    const chunks: Buffer[] = [];
    raw.on('data', (c: Buffer) => chunks.push(c));
    raw.on('end', () => {
      const seen = { method: raw.method ?? '', url: raw.url ?? '', headers: raw.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(seen);
      handler(seen, res, raw);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

export function sseText(events: { event?: string; data: unknown }[], done = false): string {
  return events.map((e) => `${e.event ? `event: ${e.event}\n` : ''}data: ${typeof e.data === 'string' ? e.data : JSON.stringify(e.data)}\n\n`).join('') + (done ? 'data: [DONE]\n\n' : '');
}

/** A proxy that collects its calls and log lines. */
export async function meteredProxy(): Promise<{ proxy: MeteringProxy; calls: MeteredCall[]; logs: string[]; nextCall: () => Promise<MeteredCall> }> {
  const logs: string[] = [];
  const calls: MeteredCall[] = [];
  const waiting: ((c: MeteredCall) => void)[] = [];
  const proxy = await startMeteringProxy({ log: (line) => logs.push(line) });
  let taken = 0;
  proxy.on('call', (call) => {
    calls.push(call);
    waiting.shift()?.(call);
  });
  /** The next call not yet returned by nextCall (waits for it if needed). */
  const nextCall = (): Promise<MeteredCall> => {
    const index = taken++;
    if (calls[index]) return Promise.resolve(calls[index] as MeteredCall);
    return new Promise((resolve) => waiting.push(resolve));
  };
  return { proxy, calls, logs, nextCall };
}
