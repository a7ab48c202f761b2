/**
 * src/core is plain Node so the CLI, tests and any future host can use it: it must never import
 * `vscode`, directly or through a relative import that leaves src/core.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { CORE, importSpecifiers, sourceFiles } from './imports';

/** Problems with one core file's imports: `vscode`, or a relative path that leaves src/core. */
export function boundaryViolations(file: string, source: string): string[] {
  return importSpecifiers(source).flatMap((spec) => {
    if (spec === 'vscode' || spec.startsWith('vscode/')) return [`${relative(CORE, file)} imports '${spec}'`];
    if (spec.startsWith('.') && relative(CORE, resolve(dirname(file), spec)).startsWith('..')) {
      return [`${relative(CORE, file)} imports '${spec}' from outside src/core`];
    }
    return [];
  });
}

describe('src/core boundary', () => {
  it('the checker catches every way of importing vscode or leaving the core', () => {
    const file = join(CORE, 'meter', 'x.ts');
    assert.equal(boundaryViolations(file, "import * as vscode from 'vscode';").length, 1);
    assert.equal(boundaryViolations(file, "import type { Uri } from \"vscode\";").length, 1);
    assert.equal(boundaryViolations(file, "const v = require('vscode');").length, 1);
    assert.equal(boundaryViolations(file, "const v = await import('vscode');").length, 1);
    assert.equal(boundaryViolations(file, "import '../../vscode/context';").length, 1);
    assert.equal(boundaryViolations(file, "export { x } from '../../extension';").length, 1);
    assert.deepEqual(boundaryViolations(file, "import { loadTasks } from '../tasks';\nimport { readFile } from 'node:fs';"), []);
  });

  it('no file under src/core imports vscode or anything outside src/core', () => {
    const files = sourceFiles(CORE);
    assert.ok(files.length > 5, 'src/core has source files');
    const violations = files.flatMap((file) => boundaryViolations(file, readFileSync(file, 'utf8')));
    assert.deepEqual(violations, []);
  });
});
