// One measurement in a fresh process: require the bundle and call activate() (or, for `core`,
// load the engine bundle the extension defers). Prints the milliseconds.
'use strict';
/* global require, __dirname, process */
/* eslint-disable @typescript-eslint/no-require-imports -- a plain CommonJS script, run without a compiler so the timing is Node's alone */
const Module = require('node:module');
const path = require('node:path');
const { performance } = require('node:perf_hooks');

const [what, bundle] = process.argv.slice(2);
const fake = path.join(__dirname, 'fake-vscode.cjs');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return request === 'vscode' ? fake : resolve.call(this, request, ...rest);
};
require(fake);

const root = path.resolve(__dirname, '..', '..');
const context = {
  subscriptions: [],
  extensionPath: root,
  extensionUri: require(fake).Uri.file(root),
  globalStorageUri: require(fake).Uri.file(path.join(require('node:os').tmpdir(), 'kilobench-activation-global')),
  secrets: { get: async () => undefined, store: async () => undefined, delete: async () => undefined, onDidChange: () => ({ dispose() {} }) },
  workspaceState: { get: (_k, d) => d, update: async () => undefined },
  globalState: { get: (_k, d) => d, update: async () => undefined },
};

const started = performance.now();
if (what === 'core') {
  require(bundle);
} else {
  const ext = require(bundle);
  const api = ext.activate(context);
  if (what === 'extension' && !api) throw new Error('activate() failed');
}
process.stdout.write(String(performance.now() - started));
