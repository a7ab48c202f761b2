import * as assert from 'node:assert/strict';
import { CancelledError, InfraError, VerifierError } from '../../../src/core/errors';
import { requireModelKeys } from '../../../src/core/models';
import { StoreError } from '../../../src/core/store';
import { describeFailure, dockerUnreachable, EngineError, errorKind, SHOW_LOG } from '../../../src/vscode/errors';

describe('how the editor tells a failure (one mapping by error kind)', () => {
  it('input: a warning with the text and the fix as its button, no "Show Log", no stack in the log', () => {
    const fix = { label: 'Set API Key', command: 'kilobench.setApiKey', args: ['openai'] };
    const n = describeFailure('the run could not start', new EngineError('no API key stored for openai', fix));
    assert.equal(n.show, 'warning');
    assert.equal(n.text, 'KiloBench: the run could not start: no API key stored for openai');
    assert.deepEqual(n.buttons, ['Set API Key']);
    assert.deepEqual(n.fix, fix);
    assert.deepEqual(n.log, { level: 'warn', line: 'the run could not start: no API key stored for openai' });
  });

  it("the core's input errors (a model's key not set) are warnings too, with the core's one message", () => {
    let thrown: unknown;
    try {
      requireModelKeys([{ id: 'gpt', provider: 'openai', keyEnv: 'KB_ERRORS_TEST_KEY' } as never], {});
    } catch (e) {
      thrown = e;
    }
    assert.equal(errorKind(thrown), 'input');
    const n = describeFailure('startRun failed', thrown);
    assert.equal(n.show, 'warning');
    assert.match(n.text, /^KiloBench: startRun failed: model gpt needs its API key in the environment variable KB_ERRORS_TEST_KEY, which is not set/);
    assert.deepEqual(n.buttons, []);
    assert.doesNotMatch(n.log.line, /\n\s+at /);
  });

  it('infra, verifier and store: an error with "Show Log" (after the fix, when there is one), the message in the log without a stack', () => {
    const docker = describeFailure('mining failed', dockerUnreachable(new Error('connect ENOENT /var/run/docker.sock'), '/var/run/docker.sock'));
    assert.equal(docker.show, 'error');
    assert.deepEqual(docker.buttons, ['Open Settings', SHOW_LOG]);
    assert.equal(docker.fix?.command, 'workbench.action.openSettings');
    for (const e of [new InfraError('image build failed'), new VerifierError('no test results'), new StoreError('database is locked', 'locked')]) {
      const n = describeFailure('run failed', e);
      assert.equal(n.show, 'error', e.name);
      assert.deepEqual(n.buttons, [SHOW_LOG], e.name);
      assert.deepEqual(n.log, { level: 'error', line: `run failed: ${e.message}` }, e.name);
    }
  });

  it('cancelled: nothing shown, one info line in the log', () => {
    const n = describeFailure('mining', new CancelledError());
    assert.equal(n.show, 'none');
    assert.deepEqual(n.buttons, []);
    assert.deepEqual(n.log, { level: 'info', line: 'mining: cancelled' });
  });

  it('internal (a bug, or anything not a KiloBenchError): an error with "Show Log", and the stack in the log', () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'id')");
    assert.equal(errorKind(bug), 'internal');
    const n = describeFailure('openDashboard failed', bug);
    assert.equal(n.show, 'error');
    assert.deepEqual(n.buttons, [SHOW_LOG]);
    assert.equal(n.log.level, 'error');
    assert.ok(n.log.line.startsWith(`openDashboard failed: ${bug.stack!.split('\n')[0]}`));
    assert.match(n.log.line, /\n\s+at /);
    const thrownString = describeFailure('x', 'plain string');
    assert.equal(thrownString.text, 'KiloBench: x: plain string');
    assert.equal(thrownString.show, 'error');
  });
});
