/**
 * YAML task files (TB 1.x `task.yaml`, `solution.yaml`, `docker-compose.yaml`) parsed with line
 * positions; syntax errors and refused documents become task errors a task author can act on.
 */
import { LineCounter, parseDocument, isMap, isScalar } from 'yaml';
import type { TaskError } from './task';

/** Parse YAML with positions; syntax errors become task errors with their line. */
export function parseYaml(file: string, text: string, errors: TaskError[]): { value: unknown; lineOf: (key: string) => number | undefined } {
  const none = { value: undefined, lineOf: () => undefined };
  if (text.trim() === '') {
    errors.push({ file, message: 'is empty: write the task\'s fields in it (at least "instruction: ...")' });
    return none;
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    for (const e of doc.errors.slice(0, 3)) {
      const line = e.linePos?.[0]?.line ?? lineCounter.linePos(e.pos[0]).line;
      errors.push({ file, line, message: `malformed YAML: ${yamlProblem(e.message)}` });
    }
    return none;
  }
  const lineOf = (key: string): number | undefined => {
    if (!isMap(doc.contents)) return undefined;
    for (const pair of doc.contents.items) {
      if (isScalar(pair.key) && pair.key.value === key && pair.key.range) return lineCounter.linePos(pair.key.range[0]).line;
    }
    return undefined;
  };
  try {
    return { value: doc.toJS({ maxAliasCount: 100 }), lineOf };
  } catch (e) {
    // The yaml library refuses alias bombs ("billion laughs") and runaway nesting by throwing.
    errors.push({ file, message: `malformed YAML: ${yamlProblem((e as Error).message)}` });
    return none;
  }
}

/** A parser message in words a task author can act on. */
function yamlProblem(message: string): string {
  const first = message.split('\n')[0] ?? message;
  if (/call stack/i.test(first)) return 'nested too deeply; a task file is a flat list of fields';
  if (/alias/i.test(first)) return 'aliases (*name) expand to too much data; write the values out instead';
  return first;
}
