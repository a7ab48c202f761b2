import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { solutionCommandsScript } from '../../../src/core/harness/oracle';
import { tempDir } from '../../helpers/task-fixtures';

describe('oracle: solution.yaml as one script', () => {
  it('keeps shell state between commands and runs non-blocking ones in the background', () => {
    const dir = tempDir();
    try {
      const script = solutionCommandsScript([
        { command: `cd ${dir}`, minTimeoutSec: 0, maxTimeoutSec: 180, block: true, appendEnter: true },
        { command: 'echo one > a.txt', minTimeoutSec: 0, maxTimeoutSec: 180, block: true, appendEnter: true },
        { command: 'sleep 0.2; echo bg > b.txt', minTimeoutSec: 0, maxTimeoutSec: 180, block: false, appendEnter: true },
      ]);
      writeFileSync(join(dir, 'solution.sh'), script);
      execFileSync('bash', [join(dir, 'solution.sh')]);
      assert.equal(execFileSync('cat', [join(dir, 'a.txt'), join(dir, 'b.txt')], { encoding: 'utf8' }), 'one\nbg\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
