/**
 * The simulated models' behaviour profiles (model id `sim/<name>`). All of them are SIMULATED:
 * they apply the task's reference solution they are given. What differs is how they get there.
 * README.md describes each one.
 */
export interface Profile {
  /** Exploration steps before writing: [min, max]. */
  explore: [number, number];
  /** Verification steps after applying the solution: [min, max]. */
  verify: [number, number];
  /** Write the solution through a file tool (when one is offered) rather than a shell heredoc. */
  prefersWriteTool: boolean;
  /** Reads a file with the read tool while exploring (when one is offered). */
  usesReadTool: boolean;
  /** Lists the files and searches their text with the glob and grep tools while exploring (when both are offered). */
  usesSearchTools?: boolean;
  /** Hidden reasoning tokens per step: [min, max]. */
  reasoning: [number, number];
  /** Chance a trial goes wrong on purpose (stops early or applies a broken solution). */
  failureRate: number;
}

export const PROFILES = {
  direct: { explore: [1, 1], verify: [0, 0], prefersWriteTool: false, usesReadTool: false, reasoning: [0, 40], failureRate: 0 },
  explorer: { explore: [3, 5], verify: [1, 2], prefersWriteTool: true, usesReadTool: true, usesSearchTools: true, reasoning: [20, 150], failureRate: 0 },
  flaky: { explore: [1, 3], verify: [0, 1], prefersWriteTool: false, usesReadTool: true, reasoning: [0, 100], failureRate: 0.5 },
  thinker: { explore: [1, 2], verify: [1, 1], prefersWriteTool: true, usesReadTool: false, reasoning: [400, 1500], failureRate: 0 },
} satisfies Record<string, Profile>;

export type ProfileName = keyof typeof PROFILES;

export const SIM_MODELS: readonly string[] = Object.keys(PROFILES).map((name) => `sim/${name}`);
