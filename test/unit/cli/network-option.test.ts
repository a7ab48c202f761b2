/** `--network` on run and validate: checked values, and the warning when forcing none takes the network from tasks. */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { kilobench } from '../../helpers/cli';
import { tempDir, writeHarborTask } from '../../helpers/task-fixtures';

describe('cli: --network', () => {
  const root = tempDir();
  after(() => rmSync(root, { recursive: true, force: true }));
  const noEngine = 'unix:///nonexistent/kilobench-test.sock';

  it('refuses an unknown mode with exit 2', () => {
    const validate = kilobench(['validate', '--no-bundled', '--path', writeHarborTask(root, 'any'), '--network', 'bridge']);
    assert.equal(validate.code, 2, validate.stderr);
    assert.match(validate.stderr, /--network must be one of task, none, host, not "bridge"/);
    const run = kilobench(['run', '--tasks', 'csv-to-json-employees', '--models', 'sim/direct', '--network', 'bridge', '--db', join(root, 'r.sqlite')]);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /network must be one of task, none, host, not "bridge"/);
  });

  it('forcing none warns about every task that does not declare no-network', () => {
    writeHarborTask(join(root, 'set'), 'needs-net');
    writeHarborTask(join(root, 'set'), 'offline', { 'task.toml': '[environment]\nnetwork_mode = "no-network"\n' });
    const forced = kilobench(['validate', '--no-bundled', '--path', join(root, 'set'), '--network', 'none', '--docker-host', noEngine]);
    assert.match(forced.stderr, /warning: network forced to none: needs-net do not declare no-network; their tests fail if they download anything/);
    const normal = kilobench(['validate', '--no-bundled', '--path', join(root, 'set'), '--docker-host', noEngine]);
    assert.doesNotMatch(normal.stderr, /network forced to none/);
  });
});
