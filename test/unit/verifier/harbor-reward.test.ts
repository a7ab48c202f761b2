import assert from 'node:assert/strict';
import { harborVerdict, parseCtrf, parseRewardJson, parseRewardText } from '../../../src/core/verifier/harbor-reward';

describe('Harbor reward and CTRF parsing', () => {
  it('reads reward.txt: 1 passes, 0 fails, anything else is explained', () => {
    assert.equal(parseRewardText('1\n'), 1);
    assert.equal(parseRewardText(' 0.5 '), 0.5);
    assert.match(String(parseRewardText('')), /empty/);
    assert.match(String(parseRewardText('yes')), /does not hold a number/);
    assert.deepEqual(harborVerdict({ rewardTxt: '1' }), { kind: 'scored', resolved: true, tests: [], reward: 1 });
    assert.deepEqual(harborVerdict({ rewardTxt: '0.99' }), { kind: 'scored', resolved: false, tests: [], reward: 0.99 });
  });

  it('reads reward.json: `reward` when present, else the mean of its numbers', () => {
    assert.equal(parseRewardJson('{"reward": 1, "other": 0}'), 1);
    assert.equal(parseRewardJson('{"a": 1, "b": 0}'), 0.5);
    assert.match(String(parseRewardJson('{"a": "x"}')), /no numbers/);
    assert.match(String(parseRewardJson('[1]')), /object/);
    assert.match(String(parseRewardJson('{')), /not valid JSON/);
  });

  it('a missing reward is a verifier error, never a fail', () => {
    const verdict = harborVerdict({});
    assert.equal(verdict.kind, 'unparseable');
    assert.match(verdict.kind === 'unparseable' ? verdict.reason : '', /reward\.txt or reward\.json/);
  });

  it('takes per-test results from CTRF and tolerates a broken report', () => {
    const ctrf = JSON.stringify({ results: { tests: [{ name: 'a', status: 'passed' }, { name: 'b', status: 'failed', message: 'boom' }, { name: 'c', status: 'skipped' }, { status: 'passed' }] } });
    assert.deepEqual(parseCtrf(ctrf).map((t) => [t.name, t.outcome, t.message]), [['a', 'passed', undefined], ['b', 'failed', 'boom'], ['c', 'passed', undefined]]);
    assert.deepEqual(parseCtrf('not json'), []);
    assert.deepEqual(parseCtrf(undefined), []);
  });
});
