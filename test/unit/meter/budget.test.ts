import assert from 'node:assert/strict';
import { BudgetLedger } from '../../../src/core/meter/budget';
import { TrialRegistry } from '../../../src/core/meter/trial-registry';
import type { MeteredCall } from '../../../src/core/meter/types';

function call(trialId: string, runId: string, costUsd: number | null, output = 100): MeteredCall {
  return {
    trialId, runId, seq: 1, startedAt: '', protocol: 'openai-chat', requestedModel: 'm', servedModel: 'm', streaming: false, httpStatus: 200,
    latencyMs: 1, ttftMs: 1, usageRaw: null, usage: { input: 100, cacheRead: 0, cacheWrite: 0, output, reasoning: 0 }, estimated: false,
    toolCalls: [], text: '', finishReason: 'stop', costUsd, costSource: costUsd === null ? 'unpriced' : 'computed', costFlags: [], error: null,
  };
}

describe('meter: budgets and totals', () => {
  it('refuses once a trial\'s dollars are spent (spent ≥ limit), not before', () => {
    const ledger = new BudgetLedger();
    ledger.setTrialBudget('t1', { usd: 0.02 });
    assert.equal(ledger.check('t1', 'r'), null);
    ledger.record(call('t1', 'r', 0.015));
    assert.equal(ledger.check('t1', 'r'), null);
    ledger.record(call('t1', 'r', 0.005));
    assert.equal(ledger.check('t1', 'r')?.scope, 'trial');
  });

  it('a run budget stops every trial of the run, and only that run', () => {
    const ledger = new BudgetLedger();
    ledger.setRunBudget('r1', { tokens: 500 });
    ledger.record(call('a', 'r1', 0.1, 200));
    ledger.record(call('b', 'r1', 0.1, 200));
    assert.equal(ledger.check('c', 'r1')?.scope, 'run');
    assert.equal(ledger.check('d', 'r2'), null);
  });

  it('unpriced calls add no dollars but are counted, and token budgets still see them', () => {
    const ledger = new BudgetLedger();
    ledger.setTrialBudget('t', { usd: 1, tokens: 300 });
    ledger.record(call('t', 'r', null));
    ledger.record(call('t', 'r', null));
    const totals = ledger.totals('t');
    assert.equal(totals?.costUsd, 0);
    assert.equal(totals?.unpricedCalls, 2);
    assert.equal(ledger.check('t', 'r')?.scope, 'trial');
  });

  it('marks a trial exceeded once', () => {
    const ledger = new BudgetLedger();
    assert.equal(ledger.markExceeded('t'), true);
    assert.equal(ledger.markExceeded('t'), false);
    assert.equal(ledger.totals('t')?.budgetExceeded, true);
  });

  it('trial tokens are long, random and unique; a removed token is no longer found', () => {
    const registry = new TrialRegistry();
    const a = registry.add({ trialId: 'a', runId: 'r', upstream: { kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:1/v1' } });
    const b = registry.add({ trialId: 'b', runId: 'r', upstream: { kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:1/v1' } });
    assert.ok(a.token.length >= 40 && /^[A-Za-z0-9_-]+$/.test(a.token));
    assert.notEqual(a.token, b.token);
    registry.remove(a.token);
    assert.equal(registry.find(a.token), undefined);
    assert.equal(registry.find(b.token)?.trialId, 'b');
    assert.throws(() => registry.add({ trialId: 'c', runId: 'r', upstream: { kind: 'anthropic', baseUrl: 'file:///etc/passwd' } }), /http/);
  });
});
