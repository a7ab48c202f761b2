/**
 * The task's instruction, written from what a teammate would have had before the fix: the commit
 * message and the failing tests (names and output before the fix). Nothing of the diff.
 */
import type { Toolchain } from './toolchain';
import { PROJECT_DIR } from './task-writer';

export interface FailingTest {
  name: string;
  message?: string;
}

const MAX_OUTPUT_LINES = 30;

export function writeInstructionText(input: {
  subject: string;
  body: string;
  toolchain: Toolchain;
  /** Per-test projects: the tests that fail before the fix. */
  failing: FailingTest[];
  /** Suite projects: the tail of the failing test run. */
  outputTail?: string;
}): string {
  const parts = [`# ${input.subject.trim() || 'Fix the failing tests'}`];
  if (input.body.trim()) parts.push(input.body.trim());
  parts.push(`The project is in \`${PROJECT_DIR}\`. Its tests run with \`${input.toolchain.testCommand}\`.`);
  if (input.failing.length > 0) {
    const list = input.failing.map((t) => `- \`${t.name}\`${t.message ? `: ${t.message}` : ''}`).join('\n');
    parts.push(`These tests fail and must pass, without breaking the tests that pass today:\n\n${list}`);
  } else {
    parts.push('The test suite fails and must pass.');
  }
  if (input.outputTail?.trim()) {
    const tail = input.outputTail.trim().split('\n').slice(-MAX_OUTPUT_LINES).join('\n');
    parts.push(`Test output today (last lines):\n\n\`\`\`\n${tail.replace(/```/g, "'''")}\n\`\`\``);
  }
  parts.push('Change the code, not the tests: the tests are restored before they are checked.');
  return parts.join('\n\n') + '\n';
}
