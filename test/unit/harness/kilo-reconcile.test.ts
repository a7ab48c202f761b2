import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseKiloStream, type KiloStep } from '../../../src/core/harness/kilo/events';
import { isKiloSteps, kiloUsage, reconcileKiloSteps, type ReconcilableCall } from '../../../src/core/harness/kilo/reconcile';

const FIXTURES = join(__dirname, '../../fixtures/kilo');

/** A recorded run: Kilo's event stream and the proxy's metered calls of the same run. */
function recorded(name: string): { steps: KiloStep[]; calls: ReconcilableCall[] } {
  const { steps } = parseKiloStream(readFileSync(join(FIXTURES, `${name}.jsonl`)));
  const calls = JSON.parse(readFileSync(join(FIXTURES, `${name}.calls.json`), 'utf8')) as ReconcilableCall[];
  return { steps, calls };
}

function renumber(calls: ReconcilableCall[]): ReconcilableCall[] {
  return calls.map((c, i) => ({ ...c, seq: i + 1 }));
}

describe('kilo reconciliation', () => {
  it("converts Kilo's figures to the proxy's convention: output includes reasoning, input stays uncached", () => {
    assert.deepEqual(kiloUsage({ input: 86, output: 68, reasoning: 30, cacheRead: 11022, cacheWrite: 0, total: 11206 }), { input: 86, cacheRead: 11022, cacheWrite: 0, output: 98, reasoning: 30 });
  });

  it('matches every step of a recorded OpenAI-protocol run; the title call is an explained extra', () => {
    const { steps, calls } = recorded('openai-direct');
    const r = reconcileKiloSteps(steps, calls);
    assert.deepEqual(r.pairs, [{ step: 1, callSeq: 1, exact: true }, { step: 2, callSeq: 2, exact: true }, { step: 3, callSeq: 3, exact: true }]);
    assert.equal(r.mismatches, 0);
    assert.equal(r.findings.length, 1);
    assert.equal(r.findings[0]?.kind, 'kilo_extra_call');
    assert.equal(r.findings[0]?.explained, true);
    assert.match(String(r.findings[0]?.note), /title/);
    assert.equal(r.proxyTotals.input - r.kiloTotals.input, calls[3]?.usage.input, 'the only input Kilo does not count is the title call');
  });

  it('matches a recorded Anthropic-protocol run with cache writes exactly', () => {
    const { steps, calls } = recorded('anthropic-explorer');
    const r = reconcileKiloSteps(steps, calls);
    assert.equal(r.pairs.length, 9);
    assert.ok(r.pairs.every((p) => p.exact));
    assert.deepEqual(r.findings, []);
    assert.deepEqual(r.kiloTotals, r.proxyTotals);
  });

  it('reports a step whose tokens differ from its call, with the difference', () => {
    const { steps, calls } = recorded('openai-direct');
    const changed = calls.map((c) => (c.seq === 2 ? { ...c, usage: { ...c.usage, output: c.usage.output + 7, cacheRead: c.usage.cacheRead - 100 } } : c));
    const r = reconcileKiloSteps(steps, changed);
    assert.equal(r.mismatches, 1);
    const mismatch = r.findings.find((f) => f.kind === 'kilo_usage_mismatch');
    assert.deepEqual({ step: mismatch?.step, callSeq: mismatch?.callSeq, diff: mismatch?.diff }, { step: 2, callSeq: 2, diff: { cacheRead: -100, output: 7 } });
    assert.equal(r.pairs.find((p) => p.step === 3)?.callSeq, 3, 'later steps still pair with their own calls');
  });

  it('reports a step no metered call accounts for', () => {
    const { steps, calls } = recorded('openai-direct');
    const r = reconcileKiloSteps(steps, renumber(calls.filter((c) => c.seq !== 2 && c.seq !== 4)));
    assert.equal(r.mismatches >= 1, true);
    assert.ok(r.findings.some((f) => f.step === 2 && f.explained === false));
  });

  it('explains failed calls (retries) and a title call in the middle of the run', () => {
    const { steps, calls } = recorded('openai-direct');
    const [first, second, third, title] = calls as [ReconcilableCall, ReconcilableCall, ReconcilableCall, ReconcilableCall];
    const failed: ReconcilableCall = { ...second, httpStatus: 500, error: 'Internal server error (simulated).', usage: { input: 0, cacheRead: 0, cacheWrite: 0, output: 0, reasoning: 0 }, toolCalls: [] };
    const r = reconcileKiloSteps(steps, renumber([first, { ...title, startedAt: first.startedAt }, failed, second, third]));
    assert.equal(r.mismatches, 0);
    assert.deepEqual(r.pairs.map((p) => p.callSeq), [1, 4, 5]);
    const notes = r.findings.map((f) => String(f.note));
    assert.ok(notes.some((n) => /#2 .*session title/.test(n)));
    assert.ok(notes.some((n) => /#3 .*failed call \(HTTP 500/.test(n)));
  });

  it('does not count a reasoning breakdown Kilo never got as a mismatch', () => {
    const step: KiloStep = { index: 1, reason: 'stop', cost: 0, startedAt: null, endedAt: null, tokens: { input: 10, output: 50, reasoning: 0, cacheRead: 0, cacheWrite: 0, total: 60 } };
    const call: ReconcilableCall = { seq: 1, startedAt: new Date().toISOString(), httpStatus: 200, error: null, usage: { input: 10, cacheRead: 0, cacheWrite: 0, output: 50, reasoning: 20 } };
    assert.deepEqual(reconcileKiloSteps([step], [call]).findings, []);
  });

  it('checks steps returned on a harness outcome', () => {
    assert.equal(isKiloSteps(recorded('openai-direct').steps), true);
    assert.equal(isKiloSteps([{ nope: 1 }]), false);
    assert.equal(isKiloSteps(undefined), false);
  });
});
