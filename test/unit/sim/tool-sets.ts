/** Tool definitions as real harnesses send them (shapes of the Kilo CLI's and Claude Code's tools). */
import type { ToolSpec } from '../../../src/core/providers/sim/request';

const obj = (properties: Record<string, unknown>, required: string[]): Record<string, unknown> => ({ type: 'object', properties, required, additionalProperties: false });

export const KILO_TOOLS: ToolSpec[] = [
  { name: 'bash', schema: obj({ command: { type: 'string' }, timeout: { type: 'number' }, workdir: { type: 'string' }, description: { type: 'string', description: 'Clear, concise description of what this command does in 5-10 words' } }, ['command', 'description']) },
  { name: 'edit', schema: obj({ filePath: { type: 'string' }, oldString: { type: 'string' }, newString: { type: 'string' }, replaceAll: { type: 'boolean' } }, ['filePath', 'oldString', 'newString']) },
  { name: 'glob', schema: obj({ pattern: { type: 'string' }, path: { type: 'string' } }, ['pattern']) },
  { name: 'grep', schema: obj({ pattern: { type: 'string' }, path: { type: 'string' }, include: { type: 'string' } }, ['pattern']) },
  { name: 'read', schema: obj({ filePath: { type: 'string' }, offset: { type: 'number' }, limit: { type: 'number' } }, ['filePath']) },
  { name: 'write', schema: obj({ content: { type: 'string' }, filePath: { type: 'string' } }, ['content', 'filePath']) },
  { name: 'todowrite', schema: obj({ todos: { type: 'array', items: { type: 'object' } } }, ['todos']) },
  { name: 'webfetch', schema: obj({ url: { type: 'string' }, format: { type: 'string', enum: ['text', 'markdown', 'html'] } }, ['url', 'format']) },
];

export const CLAUDE_CODE_TOOLS: ToolSpec[] = [
  { name: 'Task', schema: obj({ description: { type: 'string' }, prompt: { type: 'string' }, subagent_type: { type: 'string' } }, ['description', 'prompt', 'subagent_type']) },
  { name: 'Bash', schema: obj({ command: { type: 'string' }, timeout: { type: 'number' }, description: { type: 'string' }, run_in_background: { type: 'boolean' } }, ['command']) },
  { name: 'Glob', schema: obj({ pattern: { type: 'string' } }, ['pattern']) },
  { name: 'Read', schema: obj({ file_path: { type: 'string' }, offset: { type: 'number' }, limit: { type: 'number' } }, ['file_path']) },
  { name: 'Edit', schema: obj({ file_path: { type: 'string' }, old_string: { type: 'string' }, new_string: { type: 'string' } }, ['file_path', 'old_string', 'new_string']) },
  { name: 'Write', schema: obj({ file_path: { type: 'string' }, content: { type: 'string' } }, ['file_path', 'content']) },
];

/** A harness with only a shell tool, named differently and with an extra required number and enum. */
export const SHELL_ONLY: ToolSpec[] = [
  { name: 'execute_command', schema: obj({ cmd: { type: 'string' }, timeout_ms: { type: 'integer', minimum: 1000 }, mode: { type: 'string', enum: ['sync', 'async'] } }, ['cmd', 'timeout_ms', 'mode']) },
];
