import assert from 'node:assert/strict';
import { dockerOptions } from '../../../src/core/runtime/docker/docker-host';

describe('Docker host addresses', () => {
  it('understands unix, tcp (with TLS on 2376) and ssh hosts', () => {
    assert.deepEqual(dockerOptions('unix:///run/user/1000/docker.sock'), { socketPath: '/run/user/1000/docker.sock' });
    assert.deepEqual(dockerOptions('tcp://build-box:2375'), { host: 'build-box', port: 2375, protocol: 'http' });
    assert.deepEqual(dockerOptions('tcp://build-box:2376'), { host: 'build-box', port: 2376, protocol: 'https' });
    const ssh = dockerOptions('ssh://ci@build-box:2222') as { protocol: string; host: string; port: number; username: string };
    assert.deepEqual([ssh.protocol, ssh.host, ssh.port, ssh.username], ['ssh', 'build-box', 2222, 'ci']);
    assert.deepEqual(dockerOptions(undefined), {});
  });

  it('explains an address it cannot use', () => {
    assert.throws(() => dockerOptions('ftp://x'), /unsupported scheme ftp:/);
    assert.throws(() => dockerOptions('not a url'), /is not a URL/);
  });
});
