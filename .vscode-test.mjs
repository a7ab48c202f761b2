// @vscode/test-cli configuration: extension-host tests where a VS Code build can be downloaded
// (`npm run test:vscode`). On machines without that download the same suite runs inside code-server
// (see test/e2e/ once the editor issue lands).
import { defineConfig } from '@vscode/test-cli';

export default defineConfig({
  files: 'out/test/vscode/**/*.test.js',
  version: '1.100.0',
  mocha: { ui: 'bdd', timeout: 60000 },
});
