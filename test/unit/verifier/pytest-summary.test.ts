import assert from 'node:assert/strict';
import { parsePytestSummary } from '../../../src/core/verifier/pytest-summary';

const summary = (lines: string[]) => [
  '============================= test session starts ==============================',
  'collected 6 items',
  '',
  '=========================== short test summary info ============================',
  ...lines,
  '==================== 1 failed, 5 passed in 0.12s ====================',
].join('\n');

describe('pytest short summary parser', () => {
  it('maps each pytest outcome the way Terminal-Bench scores it', () => {
    const verdict = parsePytestSummary(summary([
      'PASSED tests/test_outputs.py::test_a',
      'XFAIL tests/test_outputs.py::test_b - known bug',
      'SKIPPED [1] tests/test_outputs.py:12: no network',
      'FAILED tests/test_outputs.py::test_c - AssertionError: 1 != 2',
      'XPASS tests/test_outputs.py::test_d',
      'ERROR tests/test_outputs.py::test_e - fixture missing',
    ]));
    assert.equal(verdict.kind, 'scored');
    if (verdict.kind !== 'scored') return;
    assert.deepEqual(verdict.tests.map((t) => [t.raw, t.outcome]), [
      ['PASSED', 'passed'], ['XFAIL', 'passed'], ['SKIPPED', 'passed'], ['FAILED', 'failed'], ['XPASS', 'failed'], ['ERROR', 'failed'],
    ]);
    assert.equal(verdict.tests[3]?.name, 'tests/test_outputs.py::test_c');
    assert.equal(verdict.tests[3]?.message, 'AssertionError: 1 != 2');
    assert.equal(verdict.resolved, false);
  });

  it('is resolved only when every test passed', () => {
    const verdict = parsePytestSummary(summary(['PASSED t.py::a', 'PASSED t.py::b']));
    assert.deepEqual(verdict.kind === 'scored' && [verdict.resolved, verdict.tests.length], [true, 2]);
  });

  it('never resolves a run in which no test was parsed', () => {
    const verdict = parsePytestSummary(summary([]));
    assert.deepEqual(verdict.kind === 'scored' && [verdict.resolved, verdict.tests.length], [false, 0]);
  });

  it('is a parse error without the summary header', () => {
    const verdict = parsePytestSummary('PASSED t.py::a\n1 passed');
    assert.equal(verdict.kind, 'unparseable');
  });

  it('reads the last summary when a test ran pytest itself and printed an inner one', () => {
    const inner = summary(['PASSED inner.py::x']);
    const verdict = parsePytestSummary(`${inner}\n----- captured -----\n${summary(['FAILED t.py::outer - boom'])}`);
    assert.deepEqual(verdict.kind === 'scored' && verdict.tests.map((t) => t.name), ['t.py::outer']);
  });

  it('ignores colour codes and Windows line endings', () => {
    const verdict = parsePytestSummary(summary(['\x1b[32mPASSED\x1b[0m t.py::a']).replace(/\n/g, '\r\n'));
    assert.deepEqual(verdict.kind === 'scored' && [verdict.resolved, verdict.tests[0]?.name], [true, 't.py::a']);
  });
});
