/**
 * Loads sql.js (SQLite compiled to WebAssembly). Its `.wasm` is read from disk at run time: in the
 * bundled extension/CLI it sits next to the bundle (the esbuild script copies it to dist/); when
 * running from source (tests, tsx) it is taken from the sql.js package folder.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import initSqlJs, { type SqlJsStatic } from 'sql.js';
import { StoreError } from './errors';

const WASM_NAME = 'sql-wasm.wasm';

/** Where to look for the wasm, in order. */
export function sqlWasmCandidates(): string[] {
  const candidates: string[] = [];
  // Both are CommonJS globals: present in the esbuild bundle and under tsx, absent in plain ESM.
  if (typeof __dirname === 'string') candidates.push(join(__dirname, WASM_NAME));
  try {
    if (typeof require === 'function') candidates.push(join(dirname(require.resolve('sql.js')), WASM_NAME));
  } catch {
    // sql.js not resolvable from here (a bundle shipped without node_modules): the bundle copy must do.
  }
  return candidates;
}

export function findSqlWasm(candidates: readonly string[] = sqlWasmCandidates()): string {
  const found = candidates.find((path) => existsSync(path));
  if (!found) {
    throw new StoreError(`cannot find ${WASM_NAME} (looked at: ${candidates.join(', ') || 'nowhere'}); rebuild KiloBench`, 'sqljs_missing');
  }
  return found;
}

let loading: Promise<SqlJsStatic> | undefined;

/** sql.js, initialised once per process. */
export function loadSqlJs(): Promise<SqlJsStatic> {
  loading ??= (async () => {
    const bytes = readFileSync(findSqlWasm());
    return initSqlJs({ wasmBinary: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer });
  })();
  // A failed load is not cached, so a later call can succeed once the file is there.
  loading.catch(() => {
    loading = undefined;
  });
  return loading;
}
