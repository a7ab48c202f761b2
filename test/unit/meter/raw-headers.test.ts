import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { typeAndEncoding } from '../../../src/core/meter/forward';

/** Response headers as a real node:http client receives them, raw and as Node's `headers` object. */
async function received(lines: [string, string][]): Promise<http.IncomingMessage> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, lines.flat());
    res.end('x');
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  try {
    return await new Promise((done, fail) => {
      http.get(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, (res) => {
        res.resume();
        res.on('end', () => done(res));
      }).on('error', fail);
    });
  } finally {
    server.close();
  }
}

describe('meter: content type and encoding read from the raw response headers', () => {
  it('agrees with Node\'s headers object: absent, any case, repeated (first type, encodings joined)', async () => {
    const cases: [string, string][][] = [
      [],
      [['Content-Type', 'text/event-stream; charset=utf-8']],
      [['content-type', 'application/json'], ['CONTENT-ENCODING', 'gzip']],
      [['Content-Type', 'text/plain'], ['Content-Type', 'text/event-stream']],
      [['Content-Encoding', 'gzip'], ['X-Other', 'y'], ['content-encoding', 'br']],
      [['Content-Typo', 'a'], ['Content-Encodinx', 'b']],
    ];
    for (const lines of cases) {
      const res = await received(lines);
      assert.deepEqual(typeAndEncoding(res.rawHeaders), {
        contentType: String(res.headers['content-type'] ?? ''),
        contentEncoding: String(res.headers['content-encoding'] ?? ''),
      }, JSON.stringify(lines));
    }
  });
});
