/** The static ripgrep for Kilo's search tools: fetched once with npm pack, only its Linux builds kept, cached. */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureRipgrep, kiloRipgrepLinkScript, RIPGREP_MOUNT } from '../../../src/core/harness/kilo/ripgrep';
import { tempDir } from '../../helpers/task-fixtures';

/** An `npm` that packs a tarball shaped like the real package, and counts its calls. */
function fakeNpm(dir: string): string {
  const npm = join(dir, 'npm');
  writeFileSync(npm, [
    '#!/bin/bash',
    'set -e',
    `echo call >> ${dir}/calls`,
    'dest="$4"; work=$(mktemp -d)',
    'for p in x64-linux arm64-linux x64-darwin; do mkdir -p "$work/package/vendor/ripgrep/$p"; printf \'#!/bin/sh\\necho "ripgrep 14.1.1-test ($0)"\\n\' > "$work/package/vendor/ripgrep/$p/rg"; chmod +x "$work/package/vendor/ripgrep/$p/rg"; done',
    'echo MIT > "$work/package/vendor/ripgrep/COPYING"; echo "console.log(1)" > "$work/package/cli.js"',
    'tar czf "$dest/anthropic-ai-claude-code-1.0.100.tgz" -C "$work" package',
    '',
  ].join('\n'));
  chmodSync(npm, 0o755);
  return npm;
}

describe('kilo harness: static ripgrep (ripgrep.ts)', () => {
  it('fetches once, keeps only the Linux builds and the licence, runs the host build, then serves the cache', async function () {
    if (process.platform !== 'linux' || process.arch !== 'x64') this.skip();
    const root = tempDir('kilobench-rg-');
    try {
      const npm = fakeNpm(root);
      const first = await ensureRipgrep({ cacheRoot: join(root, 'cache'), npm });
      assert.equal(first.fetched, true);
      assert.match(first.version ?? '', /^ripgrep 14\.1\.1-test/);
      assert.deepEqual(readdirSync(first.dir).sort(), ['COPYING', 'arm64-linux', 'kilobench-ripgrep.json', 'x64-linux']);
      assert.deepEqual(first.mount, { hostPath: first.dir, containerPath: RIPGREP_MOUNT });
      assert.ok(!existsSync(join(first.dir, 'cli.js')));
      const second = await ensureRipgrep({ cacheRoot: join(root, 'cache'), npm });
      assert.equal(second.fetched, false);
      assert.equal(readFileSync(join(root, 'calls'), 'utf8').trim().split('\n').length, 1, 'npm ran once');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('says what to check when npm cannot fetch the package', async () => {
    const root = tempDir('kilobench-rg-');
    try {
      const npm = join(root, 'npm');
      writeFileSync(npm, '#!/bin/sh\necho "npm ERR! code E404" >&2\nexit 1\n');
      chmodSync(npm, 0o755);
      await assert.rejects(ensureRipgrep({ cacheRoot: join(root, 'cache'), npm }), /cannot fetch ripgrep \(@anthropic-ai\/claude-code@1\.0\.100\) with npm \(exit 1\): npm ERR! code E404\. Check that npm can reach its registry/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("links Kilo's bin folder to the mounted build for the container's CPU", () => {
    const script = kiloRipgrepLinkScript('/tmp/kilobench-home/.cache');
    assert.match(script, /ln -sf "\/opt\/kilobench\/ripgrep\/\$p\/rg" "\/tmp\/kilobench-home\/\.cache\/kilo\/bin\/rg"/);
  });
});
