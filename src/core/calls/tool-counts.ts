/** Tool calls counted by category, and the shell command an exec tool call ran. */
import { TOOL_CATEGORIES, type ToolCategory } from '../domain';
import type { JsonValue } from '../json';

export type ToolCounts = Record<ToolCategory, number> & { total: number };

export function zeroToolCounts(): ToolCounts {
  const counts = { total: 0 } as ToolCounts;
  for (const c of TOOL_CATEGORIES) counts[c] = 0;
  return counts;
}

const COMMAND_KEYS = ['command', 'cmd', 'script', 'commandLine', 'command_line'];
const ARGUMENT_KEYS = ['arguments', 'args', 'input', 'parameters', 'params'];

function asRecord(value: JsonValue | undefined): Record<string, JsonValue> | undefined {
  if (typeof value === 'string') {
    const text = value.trim();
    if (!text.startsWith('{')) return undefined;
    try {
      return asRecord(JSON.parse(text) as JsonValue);
    } catch {
      return undefined;
    }
  }
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
}

function commandText(value: JsonValue | undefined): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.join(' ');
  return undefined;
}

/**
 * The shell command of an exec tool call: a `command` (or `cmd`, `script`, `commandLine`) string or
 * argv array, at the top of the payload or inside its `arguments`/`args`/`input` (an object or a
 * JSON string).
 */
export function commandOf(payload: JsonValue | undefined): string | undefined {
  const record = asRecord(payload);
  if (!record) return undefined;
  for (const key of COMMAND_KEYS) {
    const text = commandText(record[key]);
    if (text !== undefined) return text;
  }
  for (const key of ARGUMENT_KEYS) {
    const inner = asRecord(record[key]);
    if (!inner) continue;
    for (const k of COMMAND_KEYS) {
      const text = commandText(inner[k]);
      if (text !== undefined) return text;
    }
  }
  return undefined;
}
