/** Terminal-Bench 1.x's marker parsers (swebench, mlebench) on outputs shaped like their graders'. */
import assert from 'node:assert/strict';
import { parseTb1Output } from '../../../src/core/verifier/tb1-parsers';

const swebench = (verdict: string, before = 'tests/test_fix.py::test_one PASSED\n') =>
  `+ git apply /tmp/test.patch\n${before}SWEBench results starts here\n${verdict}\nSWEBench results ends here\n`;

describe('verifier: Terminal-Bench 1.x parsers', () => {
  it('swebench: PASSED between the markers resolves, as one test named "tests"', () => {
    assert.deepEqual(parseTb1Output('swebench', swebench('PASSED')), { kind: 'scored', resolved: true, tests: [{ name: 'tests', outcome: 'passed', raw: 'PASSED' }] });
  });

  it('swebench: FAILED (or anything else) between the markers fails, and says what the grader printed', () => {
    const verdict = parseTb1Output('swebench', swebench('FAILED'));
    assert.equal(verdict.kind === 'scored' && verdict.resolved, false);
    assert.deepEqual(verdict.kind === 'scored' && verdict.tests.map((t) => [t.name, t.outcome, t.message]), [['tests', 'failed', 'the swebench grader printed "FAILED", not PASSED']]);
    const noisy = parseTb1Output('swebench', swebench('PASSED\nbut more'));
    assert.equal(noisy.kind === 'scored' && noisy.resolved, false);
  });

  it('swebench: takes the text from the first start marker to the last end marker', () => {
    const echoed = 'SWEBench results starts here\n  PASSED  \nSWEBench results ends here\nSWEBench results ends here\n';
    assert.equal(parseTb1Output('swebench', `log\n${echoed}`).kind, 'scored');
    const twoEnds = parseTb1Output('swebench', echoed);
    // The block then holds "PASSED\nSWEBench results ends here": not a pass, as upstream.
    assert.equal(twoEnds.kind === 'scored' && twoEnds.resolved, false);
  });

  it('swebench: without both markers the run was not graded (a verifier problem, not a failure)', () => {
    assert.deepEqual(parseTb1Output('swebench', 'fatal: unable to access the repository\n'), {
      kind: 'unparseable', reason: 'no swebench result in the test output ("SWEBench results starts here" and "SWEBench results ends here" not printed): the grader did not finish',
    });
    assert.equal(parseTb1Output('swebench', 'SWEBench results starts here\nPASSED\n').kind, 'unparseable');
  });

  it('mlebench: ALL TESTS PASSED between its markers resolves; no markers is a failed run', () => {
    const ok = parseTb1Output('mlebench', 'MLEBench results starts here\nALL TESTS PASSED\nMLEBench results ends here\n');
    assert.equal(ok.kind === 'scored' && ok.resolved, true);
    const none = parseTb1Output('mlebench', 'Traceback: score below threshold\n');
    assert.equal(none.kind === 'scored' && none.resolved, false);
  });

  it('pytest: the short test summary, as before', () => {
    const out = '===== short test summary info =====\nPASSED tests/test_outputs.py::test_a\nFAILED tests/test_outputs.py::test_b - assert 1 == 2\n===== 1 failed, 1 passed =====\n';
    const verdict = parseTb1Output('pytest', out);
    assert.deepEqual(verdict.kind === 'scored' && verdict.tests.map((t) => [t.name, t.outcome]), [['tests/test_outputs.py::test_a', 'passed'], ['tests/test_outputs.py::test_b', 'failed']]);
  });
});
