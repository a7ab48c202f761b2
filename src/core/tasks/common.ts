/** Rules both task formats share. */
import type { TaskError } from './task';

/** An instruction longer than this is almost certainly a mistake (or an attack on the agent's context). */
export const MAX_INSTRUCTION_CHARS = 100_000;

/** Validate an instruction value; returns the trimmed text, or '' with an error recorded. */
export function checkInstruction(value: unknown, file: string, field: string | undefined, errors: TaskError[], line?: number): string {
  const at = (message: string): TaskError => {
    const error: TaskError = { file, message };
    if (field) error.field = field;
    if (line !== undefined) error.line = line;
    return error;
  };
  if (value === undefined || value === null) {
    errors.push(at('missing instruction: the task must say what the agent has to do'));
    return '';
  }
  if (typeof value !== 'string') {
    errors.push(at(`instruction must be text, found ${Array.isArray(value) ? 'a list' : typeof value}`));
    return '';
  }
  const text = value.trim();
  if (!text) {
    errors.push(at('instruction is empty'));
    return '';
  }
  if (text.length > MAX_INSTRUCTION_CHARS) {
    errors.push(at(`instruction is too long (${text.length} characters; the limit is ${MAX_INSTRUCTION_CHARS})`));
    return text.slice(0, MAX_INSTRUCTION_CHARS);
  }
  return text;
}

/** "fix-broken-build" → "Fix broken build". */
export function taskName(id: string): string {
  const words = id.replace(/[-_]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
