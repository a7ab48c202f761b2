/**
 * Loads the engine bundle (`dist/core.js`, built from core.ts) the first time something needs it.
 * Activation never does: it stays a few milliseconds whatever the engine weighs.
 */
export type Core = typeof import('./core');

let loaded: Core | undefined;

export function loadCore(): Core {
  // The path is resolved at run time beside the extension bundle; esbuild leaves it alone (external).
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a run-time path, on purpose not bundled
  loaded ??= require('./core.js') as Core;
  return loaded;
}
