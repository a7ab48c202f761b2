/**
 * The one mapping from tool names to a small set of categories, so behaviour can be compared across
 * harnesses: the harnesses label their transcripts with it, and the analysis categorises the tool
 * calls the metering proxy saw in model responses with it (when a trial has no transcript). Shell
 * commands are classified further by what they do, so read:write ratios mean something for agents
 * that do everything through a shell.
 *
 * Listing a directory (`list`, `ls`, `list_dir`, `list_files`) is `read`: it looks at the workspace
 * without looking for anything, exactly like the shell's `ls` and `tree` below; `search` is for
 * finding (`grep`, `glob`, `find`). See src/core/analysis/README.md.
 */

export const TOOL_CATEGORIES = ['read', 'write', 'exec', 'search', 'plan', 'network', 'other'] as const;
export type ToolCategory = (typeof TOOL_CATEGORIES)[number];

/** Known tool names (lower case) of every harness and of common model tool sets. */
const BY_NAME: Record<string, ToolCategory> = {
  // Kilo CLI / OpenCode
  read: 'read', write: 'write', edit: 'write', multiedit: 'write', patch: 'write', bash: 'exec', glob: 'search', grep: 'search',
  list: 'read', ls: 'read', task: 'plan', todowrite: 'plan', todoread: 'plan', webfetch: 'network', websearch: 'network',
  background_process: 'exec', board_post: 'plan', board_read: 'plan', schedule_wakeup: 'plan', cancel_wakeup: 'plan',
  kilo_local_recall: 'read',
  // KiloBench built-in agent
  read_file: 'read', write_file: 'write', edit_file: 'write', list_dir: 'read', finish: 'other',
  // Claude Code (names compared in lower case)
  notebookedit: 'write', exitplanmode: 'plan',
  // Codex CLI, Aider and other common names
  shell: 'exec', exec_command: 'exec', execute_command: 'exec', run: 'exec', run_command: 'exec', apply_patch: 'write',
  write_to_file: 'write', replace_in_file: 'write', str_replace_editor: 'write', search_files: 'search', list_files: 'read',
  read_many_files: 'read', update_plan: 'plan', fetch: 'network', browser: 'network',
  // Names models use in their own tool sets
  sh: 'exec', exec: 'exec', execute: 'exec', terminal: 'exec', command: 'exec', run_shell_command: 'exec', run_terminal_cmd: 'exec',
  local_shell: 'exec', view: 'read', view_file: 'read', open_file: 'read', cat: 'read', readfile: 'read', create_file: 'write',
  apply_diff: 'write', insert: 'write', str_replace: 'write', search: 'search', find: 'search', codebase_search: 'search',
  todo_write: 'plan', plan: 'plan', think: 'plan', web_fetch: 'network', web_search: 'network',
};

/** For names not in the table: what the name says, first match wins. */
const NAME_PATTERNS: [RegExp, ToolCategory][] = [
  [/web|http|fetch|browser|url/, 'network'],
  [/search|grep|glob|find|list/, 'search'],
  [/write|edit|patch|replace|create|insert|delete|move|rename/, 'write'],
  [/read|view|open|cat/, 'read'],
  [/bash|shell|exec|command|terminal|run/, 'exec'],
  [/todo|plan|think/, 'plan'],
];

/** The category of a known tool name; `other` for any name the table does not have (a harness's own labels). */
export function toolCategory(name: string): ToolCategory {
  return BY_NAME[name.toLowerCase()] ?? 'other';
}

/**
 * The category of any tool name, for tool calls seen only in the model's responses: the table
 * first, then what the name says (`my_grep_tool` is a search), else `other`.
 */
export function categoriseToolName(name: string): ToolCategory {
  const n = name.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  const exact = BY_NAME[n];
  if (exact) return exact;
  for (const [pattern, category] of NAME_PATTERNS) if (pattern.test(n)) return category;
  return 'other';
}

/** What a shell command mostly does to the workspace. */
export type ShellEffect = 'read' | 'write' | 'search' | 'exec';

const READ_COMMANDS = new Set(['cat', 'head', 'tail', 'less', 'more', 'ls', 'tree', 'stat', 'file', 'wc', 'pwd', 'du', 'df', 'which', 'type', 'nl', 'od', 'xxd', 'hexdump', 'readlink', 'realpath', 'env', 'printenv', 'id', 'whoami', 'uname', 'ps', 'diff', 'cmp', 'git']);
const SEARCH_COMMANDS = new Set(['grep', 'egrep', 'fgrep', 'rg', 'ag', 'find', 'locate', 'fd']);
const WRITE_COMMANDS = new Set(['mv', 'cp', 'rm', 'rmdir', 'mkdir', 'touch', 'tee', 'patch', 'chmod', 'chown', 'ln', 'truncate', 'dd', 'install', 'unzip', 'tar']);
const NEUTRAL_COMMANDS = new Set(['true', 'false', ':', 'exit', 'set', 'wait']);
const GIT_WRITES = new Set(['commit', 'checkout', 'reset', 'restore', 'merge', 'rebase', 'cherry-pick', 'apply', 'am', 'add', 'rm', 'mv', 'stash', 'branch', 'tag', 'switch', 'revert', 'clean', 'init', 'clone', 'pull', 'fetch']);

/**
 * Classify a shell command line. Any write wins (a redirection, `sed -i`, `mv`…), then search, then
 * read; anything else (running a program, a build, tests) is `exec`.
 */
export function classifyShellCommand(command: string): ShellEffect {
  // Redirections into files (not `2>&1`, not `>/dev/null`) write.
  if (/(^|[^0-9&>])>>?\s*(?!&|\/dev\/null)[^\s|;&]/.test(command) || /\b\d>\s*(?!&|\/dev\/null)[^\s|;&]/.test(command)) return 'write';
  if (/<<-?\s*['"]?\w+['"]?/.test(command) && /\bcat\b/.test(command) && />/.test(command)) return 'write';
  let sawSearch = false;
  let sawRead = false;
  let sawOther = false;
  for (const segment of command.split(/&&|\|\||;|\||\n/)) {
    const words = segment.trim().replace(/^(sudo|env\s+\S+=\S+|time|nohup)\s+/, '').split(/\s+/).filter(Boolean);
    const [program = '', ...args] = words;
    const name = program.replace(/^.*\//, '');
    // `…; true` and friends change nothing: they say nothing about what the command does.
    if (!name || NEUTRAL_COMMANDS.has(name)) continue;
    if ((name === 'sed' || name === 'perl') && args.some((a) => /^-[a-zA-Z]*i/.test(a))) return 'write';
    if (name === 'git') {
      if (GIT_WRITES.has(args[0] ?? '')) return 'write';
      sawRead = true;
      continue;
    }
    if (WRITE_COMMANDS.has(name)) return 'write';
    if (SEARCH_COMMANDS.has(name)) sawSearch = true;
    else if (READ_COMMANDS.has(name) || name === 'cd' || name === 'echo' || name === 'printf' || name === 'sed' || name === 'awk' || name === 'sort' || name === 'uniq' || name === 'cut' || name === 'jq') sawRead = true;
    else sawOther = true;
  }
  if (sawOther) return 'exec';
  if (sawSearch) return 'search';
  return sawRead ? 'read' : 'exec';
}
