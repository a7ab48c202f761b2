// @vscode/test-cli configuration: the extension-host tests in test/vscode/ (bundled by
// `node .config/esbuild.mjs --tests` into out/test/vscode/) in a downloaded VS Code, where one can be
// downloaded: `npm run test:vscode`. Here (no download), test/e2e/extension-host.test.ts runs the same
// files inside code-server's extension host instead.
import { mkdirSync } from 'node:fs';
import { defineConfig } from '@vscode/test-cli';

mkdirSync('.vscode-test/workspace', { recursive: true });

export default defineConfig({
  files: 'out/test/vscode/**/*.test.js',
  version: '1.100.0',
  workspaceFolder: '.vscode-test/workspace',
  mocha: { ui: 'bdd', timeout: 600000 },
});
