/**
 * Scoring a Terminal-Bench 1.x test run by the task's `parser_name`, with Terminal-Bench's semantics:
 *
 * - `pytest`: pytest's `-rA` short test summary (pytest-summary.ts).
 * - `swebench`: the adapter's run-tests.sh runs SWE-bench's own grader and prints its verdict between
 *   `SWEBench results starts here` and `SWEBench results ends here`. The text between the first
 *   start marker and the last end marker, trimmed, is exactly `PASSED` for a resolved instance;
 *   anything else is a failure. One test named `tests` carries the verdict. Without both markers
 *   the run could not be graded (Terminal-Bench: a parse error; SWE-bench's setup sometimes cannot
 *   fetch the repository), which is the verifier's problem, never the model's.
 * - `mlebench`: the same shape with `MLEBench results starts here` / `… ends here` and
 *   `ALL TESTS PASSED` as the passing text (missing markers read as a failed run, as upstream).
 */
import type { TB1_PARSERS } from '../tasks/task';
import { parsePytestSummary } from './pytest-summary';
import type { Verdict } from './test-result';

export type Tb1Parser = (typeof TB1_PARSERS)[number];

interface MarkerFormat {
  start: string;
  end: string;
  passing: string;
  /** Both markers must be there, else the run is ungradeable (swebench) rather than failed (mlebench). */
  markersRequired: boolean;
}

const MARKER_FORMATS: Record<Exclude<Tb1Parser, 'pytest'>, MarkerFormat> = {
  swebench: { start: 'SWEBench results starts here', end: 'SWEBench results ends here', passing: 'PASSED', markersRequired: true },
  mlebench: { start: 'MLEBench results starts here', end: 'MLEBench results ends here', passing: 'ALL TESTS PASSED', markersRequired: false },
};

function markerVerdict(name: string, format: MarkerFormat, output: string): Verdict {
  const hasStart = output.includes(format.start);
  const hasEnd = output.includes(format.end);
  if (format.markersRequired && (!hasStart || !hasEnd)) {
    const missing = [hasStart ? '' : `"${format.start}"`, hasEnd ? '' : `"${format.end}"`].filter(Boolean).join(' and ');
    return { kind: 'unparseable', reason: `no ${name} result in the test output (${missing} not printed): the grader did not finish` };
  }
  const afterStart = hasStart ? output.slice(output.indexOf(format.start) + format.start.length) : output;
  const block = (hasEnd && afterStart.includes(format.end) ? afterStart.slice(0, afterStart.lastIndexOf(format.end)) : afterStart).trim();
  const passed = block === format.passing;
  const shown = block.length > 200 ? `${block.slice(0, 200)}…` : block;
  return {
    kind: 'scored', resolved: passed,
    tests: [{ name: 'tests', outcome: passed ? 'passed' : 'failed', raw: passed ? format.passing : shown || '(empty)', ...(passed ? {} : { message: `the ${name} grader printed ${JSON.stringify(shown)}, not ${format.passing}` }) }],
  };
}

/** The verdict of a TB 1.x test run's output under `parser` (a name the loader accepted). */
export function parseTb1Output(parser: string, output: string): Verdict {
  if (parser === 'pytest') return parsePytestSummary(output);
  const format = MARKER_FORMATS[parser as keyof typeof MARKER_FORMATS] as MarkerFormat | undefined;
  if (!format) return { kind: 'unparseable', reason: `parser "${parser}" is not one KiloBench knows` };
  return markerVerdict(parser, format, output);
}
