/**
 * Finding the harness's shell, read and write tools among the request's `tools` by name, and
 * filling every argument their JSON schema requires, so the sim works with whatever harness sends
 * the request (the Kilo CLI's `bash` needs `command` and `description`; Claude Code's `Bash`
 * needs `command`; Kilo's `write` needs `filePath` and `content`).
 */
import { asArray, asObject, asString } from '../../json';
import type { ToolSpec } from './request';

export type ToolRole = 'shell' | 'read' | 'write' | 'glob' | 'grep';

const NAMES: Record<ToolRole, string[]> = {
  shell: ['bash', 'shell', 'execute_command', 'run_command', 'run_shell_command', 'run_terminal_cmd', 'terminal', 'exec', 'execute', 'run', 'sh', 'command', 'local_shell'],
  read: ['read', 'read_file', 'view', 'view_file', 'open_file', 'cat', 'readfile'],
  write: ['write', 'write_to_file', 'write_file', 'create_file', 'writefile', 'edit', 'edit_file'],
  glob: ['glob', 'glob_files', 'find_files'],
  grep: ['grep', 'grep_search', 'search_files', 'search_file_content'],
};

/** The property that carries each meaning, by common names. */
const COMMAND_KEYS = ['command', 'cmd', 'script', 'commandLine', 'command_line', 'input'];
const PATH_KEYS = ['filePath', 'file_path', 'path', 'filename', 'file', 'target_file', 'absolute_path'];
const CONTENT_KEYS = ['content', 'contents', 'text', 'file_text', 'data', 'body'];
const PATTERN_KEYS = ['pattern', 'regex', 'query', 'glob'];

function properties(tool: ToolSpec): Record<string, unknown> {
  return asObject(tool.schema.properties) ?? {};
}

function findKey(tool: ToolSpec, keys: string[]): string | undefined {
  const props = properties(tool);
  return keys.find((key) => key in props);
}

function normalisedName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9_]/g, '_');
}

/** The tool playing `role`, or undefined. A write tool must take a path and a content; a read tool a path. */
export function findTool(tools: readonly ToolSpec[], role: ToolRole): ToolSpec | undefined {
  const fits = (tool: ToolSpec): boolean =>
    role === 'shell' ? findKey(tool, COMMAND_KEYS) !== undefined || Object.keys(properties(tool)).length === 0
      : role === 'read' ? findKey(tool, PATH_KEYS) !== undefined
        : role === 'write' ? findKey(tool, PATH_KEYS) !== undefined && findKey(tool, CONTENT_KEYS) !== undefined
          : findKey(tool, PATTERN_KEYS) !== undefined;
  for (const name of NAMES[role]) {
    const tool = tools.find((t) => normalisedName(t.name) === name && fits(t));
    if (tool) return tool;
  }
  // Names like `shell_exec` or `bash_tool`.
  return tools.find((t) => NAMES[role].some((name) => name.length > 3 && normalisedName(t.name).includes(name)) && fits(t));
}

/** A value for a property the policy has no meaning for, from its schema. */
function placeholder(name: string, schema: Record<string, unknown>, purpose: string): unknown {
  if ('default' in schema) return schema.default;
  if ('const' in schema) return schema.const;
  const options = asArray(schema.enum);
  if (options.length > 0) return options[0];
  const type = Array.isArray(schema.type) ? asString(schema.type.find((t) => t !== 'null')) : asString(schema.type);
  switch (type) {
    case 'string':
      return /desc|reason|explan|summary|title/i.test(name) ? purpose : name;
    case 'integer':
    case 'number':
      if (/timeout/i.test(name)) return 120000;
      return typeof schema.minimum === 'number' ? schema.minimum : 1;
    case 'boolean':
      return false;
    case 'array':
      return [];
    case 'object':
      return fillObject(schema, {}, purpose);
    default: {
      const first = asObject(asArray(schema.anyOf ?? schema.oneOf)[0]);
      return first ? placeholder(name, first, purpose) : purpose;
    }
  }
}

function fillObject(schema: Record<string, unknown>, known: Record<string, unknown>, purpose: string): Record<string, unknown> {
  const props = asObject(schema.properties) ?? {};
  const out: Record<string, unknown> = { ...known };
  for (const item of asArray(schema.required)) {
    const key = asString(item);
    if (!key || key in out) continue;
    out[key] = placeholder(key, asObject(props[key]) ?? {}, purpose);
  }
  return out;
}

export type ToolIntent =
  | { role: 'shell'; command: string }
  | { role: 'read'; path: string }
  | { role: 'write'; path: string; content: string }
  | { role: 'glob' | 'grep'; pattern: string };

/** Arguments for `tool` that carry the intent and satisfy every required property of its schema. */
export function buildArguments(tool: ToolSpec, intent: ToolIntent, purpose: string): Record<string, unknown> {
  const known: Record<string, unknown> = {};
  if (intent.role === 'shell') {
    const key = findKey(tool, COMMAND_KEYS) ?? 'command';
    // Some shells take an argv (Codex's `shell`: ["bash", "-lc", "…"]).
    const argv = asString(asObject(properties(tool)[key])?.type) === 'array';
    known[key] = argv ? ['bash', '-lc', intent.command] : intent.command;
  }
  else if ('pattern' in intent) known[findKey(tool, PATTERN_KEYS) ?? 'pattern'] = intent.pattern;
  else known[findKey(tool, PATH_KEYS) ?? 'path'] = intent.path;
  if (intent.role === 'write') known[findKey(tool, CONTENT_KEYS) ?? 'content'] = intent.content;
  // A description-like property, when there is one, gets the purpose even if optional.
  const description = Object.keys(properties(tool)).find((key) => /^description$/i.test(key));
  if (description) known[description] = purpose;
  return fillObject(tool.schema, known, purpose);
}
