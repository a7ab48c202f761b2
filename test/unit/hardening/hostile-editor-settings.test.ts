/**
 * Hostile editor settings and keys (on a fake `vscode`): a bad budget is never read silently as
 * "no limit", and a stored key of blanks is no key.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { bundledTasksDir, loadTask } from '../../../src/core/tasks';
import { installFakeVscode, state } from './fake-vscode';

describe('hostile input: editor settings and stored keys (fake vscode)', () => {
  let uninstall: () => void;
  let config: typeof import('../../../src/vscode/config');
  let secrets: typeof import('../../../src/vscode/secrets');
  let buildPlan: typeof import('../../../src/core/run/new-plan').buildPlan;
  before(() => {
    uninstall = installFakeVscode();
    // require, not import(): the fake is a CommonJS hook that ESM resolution does not consult.
    /* eslint-disable @typescript-eslint/no-require-imports */
    config = require('../../../src/vscode/config');
    secrets = require('../../../src/vscode/secrets');
    ({ buildPlan } = require('../../../src/core/run/new-plan'));
    /* eslint-enable @typescript-eslint/no-require-imports */
  });
  after(() => uninstall());
  beforeEach(() => {
    state.settings.clear();
    state.messages.length = 0;
  });

  it('a negative budget is passed on, so planning refuses it with a clear message (not "no limit")', async () => {
    state.settings.set('budgetUsd', -5);
    const budget = new config.Config().budgetUsd;
    assert.equal(budget, -5);
    const tasks = [await loadTask(join(bundledTasksDir(), 'access-log-report'))];
    assert.throws(() => buildPlan({ tasks, models: [], harness: 'oracle', settings: { budgetUsd: budget as number } }), /budgetUsd must be a number ≥ 0, not -5/);
  });

  it('a budget that is not a number is named in a warning and ignored; null means no limit', () => {
    state.settings.set('trialBudgetUsd', '5 dollars');
    assert.equal(new config.Config().trialBudgetUsd, null);
    assert.match(state.messages.join('\n'), /kilobench\.trialBudgetUsd must be a number of US dollars or null \(no limit\), not "5 dollars"/);
    state.settings.set('budgetUsd', null);
    assert.equal(new config.Config().budgetUsd, null);
  });

  it('a stored key of blanks counts as missing; a key with stray spaces is trimmed', async () => {
    const stored = new Map([['kilobench.apiKey.blank', '   \n'], ['kilobench.apiKey.padded', '  sk-real  ']]);
    const store = { get: async (k: string) => stored.get(k), store: async () => undefined, delete: async () => undefined, keys: async () => [...stored.keys()], onDidChange: () => ({ dispose: () => undefined }) };
    const keys = new secrets.Keys(store as never);
    const { env, missing } = await keys.env(['blank', 'padded']);
    assert.deepEqual(missing, ['blank']);
    assert.deepEqual(env, { [secrets.keyEnvName('padded')]: 'sk-real' });
  });
});
