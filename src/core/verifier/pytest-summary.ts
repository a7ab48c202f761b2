/**
 * pytest's `-rA` short test summary, as Terminal-Bench 1.x scores it: after the
 * `short test summary info` header each `WORD path::test[ - message]` line is one result.
 * PASSED, XFAIL and SKIPPED count as passed; FAILED, XPASS and ERROR as failed. No header is a parse
 * error, and a run with no parsed test is never resolved.
 */
import type { TestResult, Verdict } from './test-result';

const PASSING = new Set(['PASSED', 'XFAIL', 'SKIPPED']);
const FAILING = new Set(['FAILED', 'XPASS', 'ERROR']);
const HEADER = /=+\s*short test summary info\s*=+/i;

// Colour codes when a run-tests.sh forces --color=yes.
const ANSI_COLOUR = new RegExp(String.fromCharCode(27) + '\\[[0-9;]*m', 'g');
const stripAnsi = (text: string) => text.replace(ANSI_COLOUR, '');

export function parsePytestSummary(output: string): Verdict {
  const lines = stripAnsi(output).split(/\r?\n/);
  // The last header: a test that runs pytest itself leaves an inner summary in the captured output above.
  const start = lines.findLastIndex((line) => HEADER.test(line));
  if (start < 0) return { kind: 'unparseable', reason: 'no "short test summary info" section in the test output (was pytest run with -rA?)' };
  const tests: TestResult[] = [];
  for (const line of lines.slice(start + 1)) {
    if (/^=+/.test(line)) break; // the closing "=== N passed in 0.1s ===" line
    const match = /^(PASSED|FAILED|ERROR|XFAIL|XPASS|SKIPPED)\s+(.+?)(?:\s+-\s+(.*))?$/.exec(line.trim());
    if (!match) continue;
    const [, word, rawName, message] = match as unknown as [string, string, string, string | undefined];
    // SKIPPED lines look like "SKIPPED [1] path:12: reason".
    const name = word === 'SKIPPED' ? rawName.replace(/^\[\d+\]\s*/, '') : rawName;
    const outcome = PASSING.has(word) ? 'passed' : FAILING.has(word) ? 'failed' : undefined;
    if (outcome) tests.push({ name, outcome, raw: word, ...(message ? { message } : {}) });
  }
  return { kind: 'scored', resolved: tests.length > 0 && tests.every((t) => t.outcome === 'passed'), tests };
}
