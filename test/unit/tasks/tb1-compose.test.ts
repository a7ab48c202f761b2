import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { loadTask } from '../../../src/core/tasks';
import { tempDir, writeTb1Task } from '../../helpers/task-fixtures';

/** TB 1.x docker-compose.yaml: only `network_mode: none` and a literal `image:` of the agent service are read. */
describe('task loading: TB 1.x compose network and image', () => {
  const root = tempDir();
  after(() => rmSync(root, { recursive: true, force: true }));
  const compose = (lines: string[]) => ({ 'docker-compose.yaml': ['services:', '  client:', ...lines.map((l) => `    ${l}`), ''].join('\n') });

  it('network_mode: none reads as no-network; no compose or another mode leaves the default (internet)', async () => {
    const none = await loadTask(writeTb1Task(root, 'offline', compose(['build:', '  dockerfile: Dockerfile', 'network_mode: none'])));
    assert.equal(none.environment.networkMode, 'no-network');
    const host = await loadTask(writeTb1Task(root, 'asks-host', compose(['build:', '  dockerfile: Dockerfile', 'network_mode: host', 'privileged: true'])));
    assert.equal(host.environment.networkMode, undefined, 'the host network is never granted by a task');
    const plain = await loadTask(writeTb1Task(root, 'plain'));
    assert.equal(plain.environment.networkMode, undefined);
    assert.deepEqual([none.errors, host.errors, plain.errors], [[], [], []]);
  });

  it('a literal image is the prebuilt image; Terminal-Bench\'s ${T_BENCH_…} placeholder is not', async () => {
    const named = await loadTask(writeTb1Task(root, 'named', compose(['image: 127.0.0.1:5000/tb/python:3.13'])));
    assert.equal(named.environment.image, '127.0.0.1:5000/tb/python:3.13');
    assert.equal(named.environment.dockerfile, 'Dockerfile', 'the Dockerfile stays as the fallback');
    const placeholder = await loadTask(writeTb1Task(root, 'placeholder', compose(['build:', '  dockerfile: Dockerfile', 'image: ${T_BENCH_TASK_DOCKER_CLIENT_IMAGE_NAME}'])));
    assert.equal(placeholder.environment.image, undefined);
  });

  it('an unreadable compose file is a warning, not an error', async () => {
    const task = await loadTask(writeTb1Task(root, 'bad-compose', { 'docker-compose.yaml': 'services: [unclosed\n' }));
    assert.deepEqual(task.errors, []);
    assert.match(task.warnings.map((w) => `${w.file}: ${w.message}`).join('\n'), /docker-compose\.yaml: not read/);
  });
});
