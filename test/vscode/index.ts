/**
 * The extension-host test entry (`extensionTestsPath`): VS Code requires this module and calls
 * run(), exactly as @vscode/test-electron does; here it runs inside code-server's extension host
 * (test/e2e/extension-host.test.ts) and, where VS Code can be downloaded, `.vscode-test.mjs` runs
 * the same *.test.js files with @vscode/test-cli.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 300_000, reporter: 'spec' });
  for (const file of readdirSync(__dirname).sort()) if (file.endsWith('.test.js')) mocha.addFile(join(__dirname, file));
  return new Promise((resolve, reject) => {
    mocha.run((failures) => {
      console.log(`extension-host tests: ${failures === 0 ? 'PASS' : 'FAIL'} (${failures} failed)`);
      if (failures > 0) reject(new Error(`${failures} extension-host test(s) failed`));
      else resolve();
    });
  });
}
