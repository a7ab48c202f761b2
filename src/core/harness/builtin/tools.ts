/**
 * The built-in agent's tools, executed inside the trial's container through the runtime: a shell,
 * file reads and writes, an exact search-and-replace edit, a folder listing, and `finish`.
 */
import { posix } from 'node:path';
import type { TrialSandbox } from '../harness';
import { clip } from '../harness';

export interface ToolSpec {
  name: string;
  description: string;
  parameters: { type: 'object'; properties: Record<string, { type: string; description: string }>; required: string[] };
}

export const BUILTIN_TOOLS: ToolSpec[] = [
  {
    name: 'bash',
    description: 'Run a bash command in the task environment and return its output and exit code. Long output is cut.',
    parameters: { type: 'object', properties: { command: { type: 'string', description: 'The command line to run.' }, timeout_sec: { type: 'number', description: 'Optional time limit in seconds (default 120).' } }, required: ['command'] },
  },
  {
    name: 'read_file',
    description: 'Read a text file.',
    parameters: { type: 'object', properties: { path: { type: 'string', description: 'Absolute path, or relative to the working folder.' } }, required: ['path'] },
  },
  {
    name: 'write_file',
    description: 'Create or overwrite a file with the given content.',
    parameters: { type: 'object', properties: { path: { type: 'string', description: 'File path.' }, content: { type: 'string', description: 'The whole new content.' } }, required: ['path', 'content'] },
  },
  {
    name: 'edit_file',
    description: 'Replace one exact, unique occurrence of old_text with new_text in a file.',
    parameters: { type: 'object', properties: { path: { type: 'string', description: 'File path.' }, old_text: { type: 'string', description: 'Text to find; must occur exactly once.' }, new_text: { type: 'string', description: 'Replacement.' } }, required: ['path', 'old_text', 'new_text'] },
  },
  {
    name: 'list_dir',
    description: 'List a folder.',
    parameters: { type: 'object', properties: { path: { type: 'string', description: 'Folder path (default: the working folder).' } }, required: [] },
  },
  {
    name: 'finish',
    description: 'Say the task is done, with a short summary.',
    parameters: { type: 'object', properties: { summary: { type: 'string', description: 'What was done.' } }, required: ['summary'] },
  },
];

export interface ToolResult {
  output: string;
  exitCode?: number;
  isError: boolean;
  /** Set by `finish`. */
  finished?: boolean;
}

const OUTPUT_LIMIT = 16 * 1024;
const READ_LIMIT = 256 * 1024;

function str(args: Record<string, unknown>, key: string): string | undefined {
  const value = args[key];
  return typeof value === 'string' ? value : undefined;
}

export async function runTool(sandbox: TrialSandbox, name: string, args: Record<string, unknown>, options: { timeLeftMs: number; signal: AbortSignal }): Promise<ToolResult> {
  const resolvePath = (p: string) => posix.resolve(sandbox.workdir, p);
  switch (name) {
    case 'bash': {
      const command = str(args, 'command');
      if (!command) return { output: 'error: bash needs a "command" string', isError: true };
      const requested = typeof args.timeout_sec === 'number' && args.timeout_sec > 0 ? args.timeout_sec * 1000 : 120_000;
      const timeoutMs = Math.max(1000, Math.min(requested, options.timeLeftMs));
      const r = await sandbox.exec(['bash', '-c', command], { workdir: sandbox.workdir, timeoutMs, signal: options.signal, maxOutputBytes: 1024 * 1024 });
      const combined = [r.stdout, r.stderr].filter(Boolean).join(r.stdout && r.stderr ? '\n' : '');
      const note = r.timedOut ? `\n[command killed after ${Math.round(timeoutMs / 1000)} s]` : '';
      return { output: `${clip(combined, OUTPUT_LIMIT)}${note}\n[exit code ${r.exitCode}]`, exitCode: r.exitCode, isError: r.exitCode !== 0 };
    }
    case 'read_file': {
      const path = str(args, 'path');
      if (!path) return { output: 'error: read_file needs a "path"', isError: true };
      const content = await sandbox.readFile(resolvePath(path), READ_LIMIT);
      if (content === undefined) return { output: `error: ${path} does not exist`, isError: true };
      return { output: clip(content.toString('utf8'), OUTPUT_LIMIT * 4), isError: false };
    }
    case 'write_file': {
      const path = str(args, 'path');
      const content = str(args, 'content');
      if (!path || content === undefined) return { output: 'error: write_file needs "path" and "content"', isError: true };
      const full = resolvePath(path);
      await sandbox.copyFilesIn([{ path: posix.basename(full), content }], posix.dirname(full));
      return { output: `wrote ${Buffer.byteLength(content)} bytes to ${full}`, isError: false };
    }
    case 'edit_file': {
      const path = str(args, 'path');
      const oldText = str(args, 'old_text');
      const newText = str(args, 'new_text');
      if (!path || oldText === undefined || newText === undefined || oldText === '') return { output: 'error: edit_file needs "path", a non-empty "old_text" and "new_text"', isError: true };
      const full = resolvePath(path);
      const current = await sandbox.readFile(full, READ_LIMIT);
      if (current === undefined) return { output: `error: ${path} does not exist`, isError: true };
      const text = current.toString('utf8');
      const count = text.split(oldText).length - 1;
      if (count !== 1) return { output: `error: old_text occurs ${count} times in ${path}; it must occur exactly once (include more context)`, isError: true };
      // Keep the file's mode (an edited script stays executable).
      const stat = await sandbox.exec(['stat', '-c', '%a', full], { timeoutMs: 10_000 });
      const mode = /^[0-7]{3,4}$/.test(stat.stdout.trim()) ? parseInt(stat.stdout.trim(), 8) : 0o644;
      await sandbox.copyFilesIn([{ path: posix.basename(full), content: text.replace(oldText, () => newText), mode }], posix.dirname(full));
      return { output: `edited ${full}`, isError: false };
    }
    case 'list_dir': {
      const path = resolvePath(str(args, 'path') ?? '.');
      const r = await sandbox.exec(['ls', '-la', path], { timeoutMs: 30_000, signal: options.signal });
      return { output: clip(r.stdout || r.stderr, OUTPUT_LIMIT), exitCode: r.exitCode, isError: r.exitCode !== 0 };
    }
    case 'finish':
      return { output: 'done', isError: false, finished: true };
    default:
      return { output: `error: unknown tool "${name}" (tools: ${BUILTIN_TOOLS.map((t) => t.name).join(', ')})`, isError: true };
  }
}
