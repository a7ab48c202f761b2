import * as assert from 'node:assert/strict';
import { checkResult, parseHostMessage, parseRequest, ProtocolError, REQUESTS } from '../../../src/protocol';

const start = { taskKeys: ['/tasks/a'], modelIds: ['sim/direct'], harness: 'builtin', trialsPerPair: 1, concurrency: 2, budgetUsd: null, trialBudgetUsd: 0.5 };

describe('the webview message protocol', () => {
  it('accepts a well-formed request and returns its checked params', () => {
    const r = parseRequest({ kind: 'request', id: 3, method: 'run/start', params: start });
    assert.equal(r.method, 'run/start');
    assert.deepEqual(r.params, start);
  });

  it('refuses unknown methods, bad ids, extra fields and wrong types, naming the place', () => {
    const bad: [unknown, RegExp][] = [
      [{ kind: 'request', id: 1, method: 'fs/read', params: {} }, /unknown method "fs\/read"/],
      [{ kind: 'request', id: -1, method: 'run/cancel', params: {} }, /message\.id/],
      [{ kind: 'request', id: 1, method: 'run/cancel', params: { force: true } }, /run\/cancel params\.force: unexpected field/],
      [{ kind: 'request', id: 1, method: 'run/start', params: { ...start, trialsPerPair: 0 } }, /trialsPerPair: expected a whole number from 1 to 100/],
      [{ kind: 'request', id: 1, method: 'run/start', params: { ...start, budgetUsd: -1 } }, /budgetUsd: expected a number ≥ 0/],
      [{ kind: 'request', id: 1, method: 'run/start', params: { ...start, modelIds: 'sim/direct' } }, /modelIds: expected a list/],
      [{ kind: 'request', id: 1, method: 'dashboard/export', params: { format: 'exe' } }, /format: expected one of csv, json, html/],
      [{ kind: 'response', id: 1, ok: true }, /expected "request"/],
      ['run/start', /expected an object/],
    ];
    for (const [message, pattern] of bad) assert.throws(() => parseRequest(message), (e: Error) => e instanceof ProtocolError && pattern.test(e.message), JSON.stringify(message));
  });

  it('every method has a checker for its params and its result', () => {
    for (const [method, check] of Object.entries(REQUESTS)) {
      assert.equal(typeof check.params, 'function', method);
      assert.equal(typeof check.result, 'function', method);
    }
  });

  it('the webview checks events and results from the extension', () => {
    const status = { runId: 'r', name: 'n', state: 'running', total: 4, done: 1, running: 1, passed: 1, failed: 0, errors: 0, spendUsd: 0.1, unpricedCalls: 0, ratePerMin: 0.2, elapsedMs: 1000, asOf: 5000, message: null,
      trials: [{ trialId: 't', task: 'csv', model: 'sim/direct', phase: 'agent', elapsedMs: 900, phaseElapsedMs: 300, spendUsd: 0.01 }], etaMs: 3000, forecast: null, projectedUsd: null };
    assert.deepEqual(parseHostMessage({ kind: 'event', event: 'run/status', data: status }), { kind: 'event', event: 'run/status', data: status });
    assert.throws(() => parseHostMessage({ kind: 'event', event: 'run/status', data: { ...status, state: 'exploded' } }), /state: expected one of/);
    assert.throws(() => parseHostMessage({ kind: 'event', event: 'eval', data: {} }), /unknown event/);
    assert.deepEqual(parseHostMessage({ kind: 'response', id: 2, ok: false, error: 'no' }), { kind: 'response', id: 2, ok: false, error: 'no' });
    assert.deepEqual(checkResult('run/start', { runId: 'r' }), { runId: 'r' });
    assert.throws(() => checkResult('run/start', { runId: 7 }), /run\/start result\.runId: expected a string/);
    assert.equal(checkResult('run/status', null), null);
  });
});
