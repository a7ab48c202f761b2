/**
 * The relay program itself (model-relay.ts's Perl), run here with the host's perl: it says ready,
 * tells each accepted connection, carries bytes both ways as frames on its stdin/stdout, closes a
 * connection either side ends, and exits when its stdin ends (the Docker exec stream dropped).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { connect, createServer, type Socket } from 'node:net';
import { RELAY_SCRIPT } from '../../../src/core/runtime/docker/model-relay';

function frame(type: number, id: number, payload = ''): Buffer {
  const body = Buffer.from(payload);
  const head = Buffer.alloc(9);
  head.writeUInt8(type, 0);
  head.writeUInt32BE(id, 1);
  head.writeUInt32BE(body.length, 5);
  return Buffer.concat([head, body]);
}

/** Frames from the relay's stdout, awaited one at a time. */
function frames(child: ChildProcessWithoutNullStreams): () => Promise<{ type: number; id: number; payload: string }> {
  let buffer = Buffer.alloc(0);
  const waiting: ((f: { type: number; id: number; payload: string }) => void)[] = [];
  const ready: { type: number; id: number; payload: string }[] = [];
  child.stdout.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    while (buffer.length >= 9 && buffer.length >= 9 + buffer.readUInt32BE(5)) {
      const length = buffer.readUInt32BE(5);
      const f = { type: buffer.readUInt8(0), id: buffer.readUInt32BE(1), payload: buffer.subarray(9, 9 + length).toString() };
      buffer = buffer.subarray(9 + length);
      const w = waiting.shift();
      if (w) w(f);
      else ready.push(f);
    }
  });
  return () => (ready.length ? Promise.resolve(ready.shift()!) : new Promise((resolve) => waiting.push(resolve)));
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

describe('model relay program (Perl, as run in the relay container)', function () {
  this.timeout(20_000);

  it('multiplexes connections over its stdin/stdout and exits when its stdin ends', async () => {
    const port = await freePort();
    const child = spawn('perl', ['-e', RELAY_SCRIPT, String(port)]);
    const next = frames(child);
    try {
      assert.deepEqual(await next(), { type: 0, id: 0, payload: '' });
      const a: Socket = connect(port, '127.0.0.1');
      const opened = await next();
      assert.equal(opened.type, 1);
      a.write('POST /t/token/v1/chat');
      assert.deepEqual(await next(), { type: 2, id: opened.id, payload: 'POST /t/token/v1/chat' });
      // A second connection gets its own id; answers go to the right one.
      const b = connect(port, '127.0.0.1');
      const second = await next();
      assert.equal(second.type, 1);
      assert.notEqual(second.id, opened.id);
      const gotA = new Promise<string>((resolve) => a.once('data', (d) => resolve(d.toString())));
      const gotB = new Promise<string>((resolve) => b.once('data', (d) => resolve(d.toString())));
      child.stdin.write(Buffer.concat([frame(2, second.id, 'for b'), frame(2, opened.id, 'HTTP/1.1 200 OK')]));
      assert.equal(await gotA, 'HTTP/1.1 200 OK');
      assert.equal(await gotB, 'for b');
      // This side closes a: the client sees its end. b's client closes: the relay says so.
      const aEnded = new Promise((resolve) => a.once('close', resolve));
      child.stdin.write(frame(3, opened.id));
      await aEnded;
      b.end();
      assert.deepEqual(await next(), { type: 3, id: second.id, payload: '' });
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.stdin.end();
      assert.equal(await exited, 0);
    } finally {
      child.kill();
    }
  });
});
