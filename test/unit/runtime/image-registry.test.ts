/** The registry's single flight across a pool's engines: one publisher per tag, the others wait; a failure is forgotten. */
import assert from 'node:assert/strict';
import { checkRegistryHost, ImageRegistry, probeRegistry } from '../../../src/core/runtime/docker/image-registry';
import { createServer } from 'node:net';

describe('image registry shared by a pool', () => {
  it('lets the first engine publish a tag and the others wait for it; a failed publish is tried again by the next', async () => {
    const registry = new ImageRegistry('127.0.0.1:5000');
    assert.equal(registry.nameOf('kilobench-task/a:0123'), '127.0.0.1:5000/kilobench-task/a:0123');
    let publishes = 0;
    let finish!: () => void;
    const first = registry.once('x', () => { publishes++; return new Promise<void>((r) => { finish = r; }); });
    const second = registry.once('x', async () => { publishes++; });
    assert.equal(first.owner, true);
    assert.equal(second.owner, false);
    finish();
    await Promise.all([first.published, second.published]);
    assert.equal(publishes, 1);
    const failed = registry.once('y', () => Promise.reject(new Error('push refused')));
    await assert.rejects(failed.published, /push refused/);
    assert.equal(registry.once('y', async () => undefined).owner, true);
  });

  it('checks the address and says when nothing answers there', async () => {
    assert.equal(checkRegistryHost('registry.example:5000', '--registry'), 'registry.example:5000');
    assert.throws(() => checkRegistryHost('https://r:5000', '--registry'), /--registry: "https:\/\/r:5000" is not a registry address; write HOST:PORT/);
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as { port: number };
    await probeRegistry(`127.0.0.1:${port}`);
    await new Promise((r) => server.close(r));
    await assert.rejects(probeRegistry(`127.0.0.1:${port}`), new RegExp(`registry 127\\.0\\.0\\.1:${port} does not answer \\(ECONNREFUSED\\): start it, or fix --registry`));
  });
});
