/** The engine as the editor uses it: bundled on its own into dist/core.js and loaded on first need (load-core.ts). */
export * from '../core';
