import assert from 'node:assert/strict';
import { chmodSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { imageRepository, readBuildContext } from '../../../src/core/runtime/build-context';
import { tempDir, writeFiles } from '../../helpers/task-fixtures';

describe('build context hashing', () => {
  let dir: string;
  beforeEach(() => { dir = writeFiles(tempDir(), { Dockerfile: 'FROM x\n', 'app/main.py': 'print(1)\n', 'tests/test_outputs.py': 'def test(): pass\n' }); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is stable across reads and ignores modification times', async () => {
    const a = await readBuildContext(dir, 'Dockerfile');
    utimesSync(join(dir, 'app/main.py'), new Date(2000, 1, 1), new Date(2000, 1, 1));
    const b = await readBuildContext(dir, 'Dockerfile');
    assert.equal(a.hash, b.hash);
    assert.deepEqual(a.files, ['Dockerfile', 'app/main.py', 'tests/test_outputs.py']);
  });

  it('changes when content, the executable bit or the Dockerfile name changes', async () => {
    const base = (await readBuildContext(dir, 'Dockerfile')).hash;
    writeFileSync(join(dir, 'app/main.py'), 'print(2)\n');
    const content = (await readBuildContext(dir, 'Dockerfile')).hash;
    assert.notEqual(content, base);
    chmodSync(join(dir, 'app/main.py'), 0o755);
    assert.notEqual((await readBuildContext(dir, 'Dockerfile')).hash, content);
    assert.notEqual((await readBuildContext(dir, 'other.Dockerfile')).hash, (await readBuildContext(dir, 'Dockerfile')).hash);
  });

  it('honours .dockerignore, as the engine would', async () => {
    writeFiles(dir, { '.dockerignore': 'tests\n*.log\n', 'debug.log': 'noise' });
    const context = await readBuildContext(dir, 'Dockerfile');
    assert.deepEqual(context.files, ['.dockerignore', 'Dockerfile', 'app/main.py']);
    const before = context.hash;
    writeFileSync(join(dir, 'debug.log'), 'more noise');
    assert.equal((await readBuildContext(dir, 'Dockerfile')).hash, before, 'ignored files do not change the hash');
  });

  it('makes Docker-safe image names from task ids', () => {
    assert.equal(imageRepository('Fix_The Build!'), 'kilobench-task/fix_the-build-');
    assert.equal(imageRepository('---'), 'kilobench-task/task');
  });
});
