/**
 * The simulated agent's policy. From the session (profile, seed, reference solution) it builds the
 * same plan on every request, and takes the step numbered by the tool calls the assistant already
 * made in the conversation: stateless between requests. After the last step it answers in plain
 * text with no tool call, so every conversation ends.
 */
import { PROFILES, type Profile, type ProfileName } from './profiles';
import { between, seededRng } from './rng';
import type { ToolSpec } from './request';
import { buildArguments, findTool, type ToolIntent } from './tool-schema';

export type SimSolution = { script: string } | { commands: string[] };

export interface SimSession {
  profile?: ProfileName;
  seed: number;
  solution: SimSolution;
  /** Directory the solution runs in (`cd` first); the harness's working directory when absent. */
  workdir?: string;
}

export interface PlannedToolCall {
  name: string;
  arguments: Record<string, unknown>;
}

export interface SimTurn {
  text: string;
  toolCall: PlannedToolCall | null;
  /** Hidden reasoning tokens of this turn. */
  reasoningTokens: number;
}

interface Step {
  intent: ToolIntent;
  say: string;
}

export const SOLUTION_PATH = '/tmp/kilobench-sim-solution.sh';

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** A heredoc delimiter that does not occur as a line of the script. */
function delimiter(script: string): string {
  const lines = new Set(script.split(/\r?\n/));
  let tag = 'KILOBENCH_SIM_EOF';
  for (let i = 1; lines.has(tag); i++) tag = `KILOBENCH_SIM_EOF_${i}`;
  return tag;
}

export function heredocCommand(script: string, workdir: string | undefined): string {
  const tag = delimiter(script);
  const body = script.endsWith('\n') ? script : `${script}\n`;
  const cd = workdir ? `cd ${shellQuote(workdir)} && ` : '';
  return `cat > ${SOLUTION_PATH} <<'${tag}'\n${body}${tag}\n${cd}bash ${SOLUTION_PATH}`;
}

function inDir(command: string, workdir: string | undefined): string {
  return workdir ? `cd ${shellQuote(workdir)} && ${command}` : command;
}

const EXPLORE_COMMANDS = [
  'pwd && ls -la',
  'find . -maxdepth 2 -not -path "*/.git*" -not -path "*/node_modules*" | head -50',
  'cat README* 2>/dev/null | head -40; true',
  'git status --short 2>/dev/null | head -20; true',
  'env | grep -v -i -E "key|token|secret" | sort | head -30',
];

const VERIFY_COMMANDS = ['ls -la', 'git diff --stat 2>/dev/null | tail -5; true', 'find . -newer /tmp -maxdepth 2 -type f 2>/dev/null | head -20; true'];

export type FailureMode = 'none' | 'stop_early' | 'broken_solution';

export interface Plan {
  steps: Step[];
  failure: FailureMode;
  final: string;
}

/** Applies the solution: a script through the write tool and a run, or through a quoted heredoc; or each command. */
function applySteps(solution: SimSolution, profile: Profile, tools: { write: boolean }, workdir: string | undefined, broken: boolean): Step[] {
  if ('commands' in solution) {
    const commands = broken ? solution.commands.slice(0, Math.floor(solution.commands.length / 2)) : solution.commands;
    return commands.map((command) => ({ intent: { role: 'shell', command: inDir(command, workdir) }, say: 'Running the next command of the fix.' }));
  }
  let script = solution.script;
  if (broken) {
    const lines = script.split('\n');
    script = lines.slice(0, Math.floor(lines.length / 2)).join('\n') || 'true';
  }
  if (profile.prefersWriteTool && tools.write) {
    return [
      { intent: { role: 'write', path: SOLUTION_PATH, content: script }, say: 'Writing the fix as a script.' },
      { intent: { role: 'shell', command: inDir(`bash ${SOLUTION_PATH}`, workdir) }, say: 'Running the script.' },
    ];
  }
  return [{ intent: { role: 'shell', command: heredocCommand(script, workdir) }, say: 'Applying the fix.' }];
}

export function buildPlan(session: SimSession, profileName: ProfileName, tools: readonly ToolSpec[]): Plan {
  const profile: Profile = PROFILES[profileName];
  const rng = seededRng(session.seed, profileName, 'plan');
  const available = { shell: !!findTool(tools, 'shell'), read: !!findTool(tools, 'read'), write: !!findTool(tools, 'write') };
  const search = profile.usesSearchTools === true && !!findTool(tools, 'glob') && !!findTool(tools, 'grep');
  const failure: FailureMode = rng() < profile.failureRate ? (rng() < 0.5 ? 'stop_early' : 'broken_solution') : 'none';
  if (!available.shell) {
    return { steps: [], failure, final: 'I need a shell tool to work on this task, and none was offered. (KiloBench simulated model)' };
  }
  const steps: Step[] = [];
  const explore = between(rng, ...profile.explore);
  for (let i = 0; i < explore; i++) {
    if (i === 1 && profile.usesReadTool && available.read) {
      steps.push({ intent: { role: 'read', path: '/etc/passwd' }, say: 'Checking which users this system has.' });
    } else if (i === 2 && search) {
      // Every file of the working folder, then every line with a word in it (the tools cap their output).
      steps.push({ intent: { role: 'glob', pattern: '**/*' }, say: 'Listing the files of the task.' });
      steps.push({ intent: { role: 'grep', pattern: '[A-Za-z]{3,}' }, say: 'Searching the files for text.' });
    } else {
      steps.push({ intent: { role: 'shell', command: inDir(EXPLORE_COMMANDS[i % EXPLORE_COMMANDS.length] as string, session.workdir) }, say: 'Looking around the task environment.' });
    }
  }
  if (failure === 'stop_early') {
    return { steps, failure, final: 'I could not work out a fix for this task and am stopping here. (KiloBench simulated model)' };
  }
  steps.push(...applySteps(session.solution, profile, available, session.workdir, failure === 'broken_solution'));
  const verify = between(rng, ...profile.verify);
  for (let i = 0; i < verify; i++) {
    steps.push({ intent: { role: 'shell', command: inDir(VERIFY_COMMANDS[i % VERIFY_COMMANDS.length] as string, session.workdir) }, say: 'Checking the result.' });
  }
  return { steps, failure, final: 'Done: I applied the fix and checked the result. (KiloBench simulated model)' };
}

/** The turn after `previousToolCalls` tool calls. */
export function nextTurn(session: SimSession, profileName: ProfileName, tools: readonly ToolSpec[], previousToolCalls: number): SimTurn {
  const plan = buildPlan(session, profileName, tools);
  const reasoningTokens = between(seededRng(session.seed, profileName, 'reasoning', previousToolCalls), ...PROFILES[profileName].reasoning);
  const step = plan.steps[previousToolCalls];
  if (!step) return { text: plan.final, toolCall: null, reasoningTokens };
  const tool = findTool(tools, step.intent.role);
  if (!tool) return { text: plan.final, toolCall: null, reasoningTokens };
  return { text: step.say, toolCall: { name: tool.name, arguments: buildArguments(tool, step.intent, step.say) }, reasoningTokens };
}

/** Reply to a chat with no session or no tools: a short text answer. */
export function chatTurn(profileName: ProfileName): SimTurn {
  return {
    text: `Hello from KiloBench's simulated model sim/${profileName}. I am a test device, not a real model.`,
    toolCall: null,
    reasoningTokens: between(seededRng(profileName, 'chat'), ...PROFILES[profileName].reasoning),
  };
}
