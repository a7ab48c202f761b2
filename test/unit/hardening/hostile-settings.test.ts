/**
 * Hostile models files, run settings and command-line options (issue 8, item 3). Each bad input
 * gets a clear error naming the file / entry / option and what to do — checked in the core and
 * through the real CLI (dist/cli.js): exit code 2, one line on stderr, no stack trace, and nothing
 * started (no Docker needed, no database written).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { knownModels, ModelConfigError, readModelsFile, resolveModels } from '../../../src/core/models/models-file';
import { buildPlan, PlanError, RUN_LIMITS } from '../../../src/core/run/new-plan';
import type { RunSettings } from '../../../src/core/run/plan';
import { loadTasks } from '../../../src/core/tasks';
import type { Task } from '../../../src/core/tasks/task';
import { UsageError } from '../../../src/cli/errors';
import { nonNegativeNumber, positiveInt, positiveNumber } from '../../../src/cli/options';
import { CLI, kilobench } from '../../helpers/cli';
import { tempDir, writeTb1Task } from '../../helpers/task-fixtures';

const GOOD_ENTRY = { id: 'good', provider: 'openai-compatible', baseUrl: 'https://api.example.com/v1', keyEnv: 'HOSTILE_TEST_KEY' };

/** Models files: [name, file content, expected message]. */
const MODELS_FILES: [string, string | Buffer, RegExp][] = [
  ['invalid JSON', '{"models": [', /not valid JSON .*expected \{"models": \[\.\.\.\]\}/],
  ['an empty file', '', /the models file is empty/],
  ['JSON null', 'null', /expected \{"models": \[\.\.\.\]\} or a list of models/],
  ['a number', '42', /expected \{"models": \[\.\.\.\]\}/],
  ['models that is an object', '{"models": {"id": "x"}}', /expected \{"models": \[\.\.\.\]\}/],
  ['binary garbage', Buffer.from([0x7b, 0x00, 0xff, 0xfe, 0x80]), /not valid JSON/],
  ['an entry that is null', '{"models": [null]}', /models\[0\] must be an object/],
  ['an entry without id', '{"models": [{"provider": "anthropic", "keyEnv": "K"}]}', /models\[0\]\.id must be a non-empty string/],
  ['an id that is a number', '{"models": [{"id": 7, "provider": "anthropic", "keyEnv": "K"}]}', /models\[0\]\.id must be a non-empty string/],
  ['an unknown provider', '{"models": [{"id": "m", "provider": "OpenAI", "keyEnv": "K"}]}', /models\[0\] \(m\)\.provider must be one of openai-compatible, anthropic, openrouter, sim, found "OpenAI"/],
  ['a provider of the wrong type', '{"models": [{"id": "m", "provider": ["anthropic"], "keyEnv": "K"}]}', /\.provider must be one of/],
  ['a key written into the file', '{"models": [{"id": "m", "provider": "anthropic", "apiKey": "sk-ant-123"}]}', /API keys never go in a models file; name the environment variable .* "keyEnv"/],
  ['no keyEnv for a real provider', '{"models": [{"id": "m", "provider": "anthropic"}]}', /\.keyEnv is missing: name the environment variable that holds the anthropic key/],
  ['a keyEnv that is shell code', '{"models": [{"id": "m", "provider": "anthropic", "keyEnv": "$(cat /etc/passwd)"}]}', /\.keyEnv must be an environment variable name/],
  ['a file:// baseUrl', '{"models": [{"id": "m", "provider": "openai-compatible", "keyEnv": "K", "baseUrl": "file:///etc/passwd"}]}', /\.baseUrl must be an http\(s\) URL, found "file:\/\/\/etc\/passwd"/],
  ['a baseUrl that is not a URL', '{"models": [{"id": "m", "provider": "openai-compatible", "keyEnv": "K", "baseUrl": 12}]}', /\.baseUrl must be an http\(s\) URL/],
  ['a negative price', '{"models": [{"id": "m", "provider": "anthropic", "keyEnv": "K", "price": {"input": -1, "output": 2}}]}', /\.price\.input must be a number ≥ 0, found -1/],
  ['an Infinity price (1e999)', '{"models": [{"id": "m", "provider": "anthropic", "keyEnv": "K", "price": {"input": 1e999, "output": 2}}]}', /\.price\.input must be a number ≥ 0, found Infinity/],
  ['an absurd price (per token, not per million)', '{"models": [{"id": "m", "provider": "anthropic", "keyEnv": "K", "price": {"input": 3000000, "output": 2}}]}', /\.price\.input is \$3000000 per million tokens; prices are in dollars per MILLION tokens and at most 10000/],
  ['a price given as text', '{"models": [{"id": "m", "provider": "anthropic", "keyEnv": "K", "price": {"input": "NaN", "output": 2}}]}', /\.price\.input must be a number ≥ 0, found "NaN"/],
  ['a price without output', '{"models": [{"id": "m", "provider": "anthropic", "keyEnv": "K", "price": {"input": 1}}]}', /\.price needs at least input and output/],
  ['an unknown price field', '{"models": [{"id": "m", "provider": "anthropic", "keyEnv": "K", "price": {"input": 1, "output": 2, "discount": 5}}]}', /\.price\.discount is not a price field/],
  ['a bad reasoningEffort', '{"models": [{"id": "m", "provider": "anthropic", "keyEnv": "K", "reasoningEffort": "max"}]}', /\.reasoningEffort must be low, medium or high/],
  ['a bad protocol', '{"models": [{"id": "m", "provider": "openai-compatible", "keyEnv": "K", "protocol": "grpc"}]}', /\.protocol must be openai or anthropic/],
  ['the same id twice', `{"models": [${JSON.stringify(GOOD_ENTRY)}, ${JSON.stringify(GOOD_ENTRY)}]}`, /model id "good" appears twice/],
];

describe('hostile models files: each refused with the file, the entry and the field named', () => {
  let dir: string;
  before(() => {
    dir = tempDir('kilobench-hostile-models-');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  MODELS_FILES.forEach(([name, content, message], i) => {
    it(name, () => {
      const file = join(dir, `models-${i}.json`);
      writeFileSync(file, content);
      assert.throws(() => readModelsFile(file), (error: unknown) => {
        assert.ok(error instanceof ModelConfigError, `a ModelConfigError, not ${String(error)}`);
        assert.ok(error.message.startsWith(`${file}: `), `names the file: ${error.message}`);
        assert.match(error.message, message);
        assert.ok(!error.message.includes('\n'), 'one line');
        return true;
      });
    });
  });

  it('a models file that is a folder', () => {
    const folder = join(dir, 'folder.json');
    mkdirSync(folder);
    assert.throws(() => knownModels([folder]), /folder\.json: cannot read the models file \(EISDIR\)/);
  });

  it('a models file with a UTF-8 byte-order mark is read (recovery)', () => {
    const file = join(dir, 'bom.json');
    writeFileSync(file, `\uFEFF${JSON.stringify({ models: [GOOD_ENTRY] })}`);
    assert.deepEqual(readModelsFile(file).map((m) => m.id), ['good']);
  });

  it('an unknown model id lists the known ones and says where to add models', () => {
    assert.throws(() => resolveModels(['gpt-9'], knownModels([])), /unknown model: gpt-9\. Known: sim\/.*Add models in kilobench\.models\.json/);
  });

  it('a missing key variable is named, with what to do', () => {
    const known = new Map([['good', readModelsFileFrom(dir, GOOD_ENTRY)]]);
    assert.throws(() => resolveModels(['good'], known, {}), /model good needs its API key in the environment variable HOSTILE_TEST_KEY, which is not set: export HOSTILE_TEST_KEY=\.\.\./);
  });

  it('a key variable set to blanks counts as missing, not as a key', () => {
    const known = new Map([['good', readModelsFileFrom(dir, GOOD_ENTRY)]]);
    assert.throws(() => resolveModels(['good'], known, { HOSTILE_TEST_KEY: '   ' }), /HOSTILE_TEST_KEY, which is empty/);
    assert.equal(resolveModels(['good'], known, { HOSTILE_TEST_KEY: 'sk-real' })[0]?.id, 'good');
  });
});

function readModelsFileFrom(dir: string, entry: object) {
  const file = join(dir, `one-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify({ models: [entry] }));
  return readModelsFile(file)[0]!;
}

/** Settings a run could be given (CLI, editor settings): [name, settings, expected message]. */
const SETTINGS: [string, Partial<RunSettings>, RegExp][] = [
  ['zero trials', { trialsPerPair: 0 }, /trialsPerPair must be a whole number ≥ 1, not 0/],
  ['fractional trials', { trialsPerPair: 2.5 }, /trialsPerPair must be a whole number ≥ 1, not 2\.5/],
  ['absurd trials (1e9)', { trialsPerPair: 1e9 }, /trialsPerPair must be at most 1000/],
  ['zero concurrency', { concurrency: 0 }, /concurrency must be a whole number ≥ 1/],
  ['absurd concurrency (100000)', { concurrency: 100_000 }, /concurrency must be at most 64/],
  ['NaN concurrency', { concurrency: Number.NaN }, /concurrency must be a whole number ≥ 1, not NaN/],
  ['a negative budget', { budgetUsd: -5 }, /budgetUsd must be a number ≥ 0, not -5/],
  ['a NaN budget', { budgetUsd: Number.NaN }, /budgetUsd must be a number ≥ 0, not NaN/],
  ['an Infinity trial budget', { trialBudgetUsd: Number.POSITIVE_INFINITY }, /trialBudgetUsd must be a number ≥ 0, not Infinity/],
  ['a budget given as text', { budgetUsd: '5' as unknown as number }, /budgetUsd must be a number ≥ 0, not 5/],
  ['a NaN timeout multiplier', { agentTimeoutMultiplier: Number.NaN }, /agentTimeoutMultiplier must be a number > 0 and at most 20, not NaN/],
  ['a zero timeout multiplier', { testTimeoutMultiplier: 0 }, /testTimeoutMultiplier must be a number > 0/],
  ['a timeout multiplier that overflows Node timers', { agentTimeoutMultiplier: 1e6 }, /agentTimeoutMultiplier must be a number > 0 and at most 20, not 1000000/],
  ['a negative seed', { seed: -1 }, /seed must be a whole number ≥ 0, not -1/],
];

describe('hostile run settings: refused before any trial starts', () => {
  let dir: string;
  let task: Task;
  const sim = knownModels([]).get('sim/direct')!;
  before(async () => {
    dir = tempDir('kilobench-hostile-settings-');
    [task] = (await loadTasks([writeTb1Task(dir, 'fine')])) as [Task];
    assert.deepEqual(task.errors, []);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  SETTINGS.forEach(([name, settings, message]) => {
    it(name, () => {
      assert.throws(() => buildPlan({ tasks: [task], models: [sim], harness: 'builtin', settings }), (error: unknown) => {
        assert.ok(error instanceof PlanError);
        assert.match(error.message, message);
        return true;
      });
    });
  });

  it('the same model named twice (it would run each trial id twice)', () => {
    assert.throws(() => buildPlan({ tasks: [task], models: [sim, sim], harness: 'builtin', settings: {} }), /model sim\/direct is named twice/);
  });

  it('two model ids that read alike in trial ids', () => {
    const alike = { ...sim, id: 'sim_direct' };
    assert.throws(() => buildPlan({ tasks: [task], models: [sim, alike], harness: 'builtin', settings: {} }), /models sim\/direct and sim_direct cannot be told apart/);
  });

  it('the limits still allow a large honest run', () => {
    const plan = buildPlan({
      tasks: [task], models: [sim], harness: 'builtin',
      settings: { trialsPerPair: RUN_LIMITS.trialsPerPair, concurrency: RUN_LIMITS.concurrency, agentTimeoutMultiplier: RUN_LIMITS.timeoutMultiplier, budgetUsd: 0 },
    });
    assert.equal(plan.settings.trialsPerPair, 1000);
    // A day of task timeout × the largest multiplier still fits a Node timer.
    assert.ok(86_400 * 1000 * RUN_LIMITS.timeoutMultiplier <= 2 ** 31 - 1);
  });
});

/** Option parsers: [option parser, text, expected message]. */
const OPTIONS: [string, (value: string) => number, string, RegExp][] = [
  ['--trials', positiveInt('--trials', 1000), '0', /--trials must be a whole number of at least 1, not "0"/],
  ['--trials', positiveInt('--trials', 1000), '-3', /at least 1, not "-3"/],
  ['--trials', positiveInt('--trials', 1000), 'abc', /at least 1, not "abc"/],
  ['--trials', positiveInt('--trials', 1000), '1e9', /--trials must be at most 1000, not "1e9"/],
  ['--trials', positiveInt('--trials', 1000), 'Infinity', /at least 1, not "Infinity"/],
  ['--concurrency', positiveInt('--concurrency', 64), '0x10', /at least 1, not "0x10"/],
  ['--budget-usd', nonNegativeNumber('--budget-usd'), '', /--budget-usd must be a number ≥ 0, not ""/],
  ['--budget-usd', nonNegativeNumber('--budget-usd'), '  ', /--budget-usd must be a number ≥ 0/],
  ['--budget-usd', nonNegativeNumber('--budget-usd'), 'NaN', /must be a number ≥ 0, not "NaN"/],
  ['--budget-usd', nonNegativeNumber('--budget-usd'), '1e999', /must be a number ≥ 0, not "1e999"/],
  ['--trial-budget-usd', nonNegativeNumber('--trial-budget-usd'), '-0.01', /must be a number ≥ 0, not "-0.01"/],
  ['--agent-timeout-multiplier', positiveNumber('--agent-timeout-multiplier', 20), '1e12', /must be at most 20, not "1e12"/],
];

describe('hostile option values: usage errors', () => {
  OPTIONS.forEach(([name, parse, text, message]) => {
    it(`${name} ${JSON.stringify(text)}`, () => {
      assert.throws(() => parse(text), (error: unknown) => {
        assert.ok(error instanceof UsageError);
        assert.match(error.message, message);
        return true;
      });
    });
  });

  it('ordinary values are still read as typed', () => {
    assert.equal(positiveInt('--trials', 1000)(' 5 '), 5);
    assert.equal(nonNegativeNumber('--budget-usd')('0.5'), 0.5);
    assert.equal(nonNegativeNumber('--budget-usd')('.25'), 0.25);
    assert.equal(positiveNumber('--agent-timeout-multiplier', 20)('1.5'), 1.5);
  });
});

describe('hostile input through the real CLI: exit 2, one clear line, nothing started', function () {
  this.timeout(120_000);
  let dir: string;
  let tasks: string;
  before(function () {
    if (!existsSync(CLI)) throw new Error(`build the CLI first (npm run build): ${CLI} is missing`);
    dir = tempDir('kilobench-hostile-cli-');
    tasks = join(dir, 'tasks');
    writeTb1Task(tasks, 'fine');
    writeFileSync(join(dir, 'bad-json.json'), '{"models": [');
    writeFileSync(join(dir, 'bad-provider.json'), JSON.stringify({ models: [{ id: 'm', provider: 'gemini', keyEnv: 'K' }] }));
    writeFileSync(join(dir, 'needs-key.json'), JSON.stringify({ models: [GOOD_ENTRY] }));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  // No engine at this address: a run that got as far as Docker would fail differently.
  const env = { DOCKER_HOST: 'unix:///nonexistent/hostile.sock', HOSTILE_TEST_KEY: '', KILOBENCH_DEBUG: '' };
  const run = (...args: string[]) => kilobench(['run', '--no-bundled', '--path', tasks, '--db', join(dir, 'results.sqlite'), ...args], { cwd: dir, env });

  const CLI_CASES: [string, () => string[], RegExp][] = [
    ['invalid JSON in the models file', () => ['--models', 'm', '--models-file', join(dir, 'bad-json.json')], /bad-json\.json: not valid JSON/],
    ['an unknown provider', () => ['--models', 'm', '--models-file', join(dir, 'bad-provider.json')], /provider must be one of .*found "gemini"/],
    ['a missing key variable', () => ['--models', 'good', '--models-file', join(dir, 'needs-key.json')], /needs its API key in the environment variable HOSTILE_TEST_KEY, which is empty: export HOSTILE_TEST_KEY=/],
    ['an unknown model', () => ['--models', 'gpt-nope'], /unknown model: gpt-nope/],
    ['the same model twice', () => ['--models', 'sim/direct,sim/direct'], /model sim\/direct is named twice/],
    ['a negative budget', () => ['--models', 'sim/direct', '--budget-usd', '-1'], /--budget-usd must be a number ≥ 0, not "-1"/],
    ['a NaN trial budget', () => ['--models', 'sim/direct', '--trial-budget-usd', 'NaN'], /--trial-budget-usd must be a number ≥ 0, not "NaN"/],
    ['an empty budget', () => ['--models', 'sim/direct', '--budget-usd', ''], /--budget-usd must be a number ≥ 0, not ""/],
    ['zero trials', () => ['--models', 'sim/direct', '--trials', '0'], /--trials must be a whole number of at least 1, not "0"/],
    ['absurd trials', () => ['--models', 'sim/direct', '--trials', '1000000000'], /--trials must be at most 1000/],
    ['absurd concurrency', () => ['--models', 'sim/direct', '--concurrency', '99999'], /--concurrency must be at most 64/],
    ['an Infinity timeout multiplier', () => ['--models', 'sim/direct', '--agent-timeout-multiplier', 'Infinity'], /--agent-timeout-multiplier must be a number > 0, not "Infinity"/],
    ['an unknown harness', () => ['--models', 'sim/direct', '--harness', 'rm -rf'], /unknown harness/i],
  ];

  CLI_CASES.forEach(([name, args, message]) => {
    it(name, () => {
      const result = run(...args());
      assert.equal(result.code, 2, `exit 2 (bad usage); stderr: ${result.stderr}`);
      const lines = result.stderr.trim().split('\n').filter((l) => !/run with --help/.test(l));
      assert.equal(lines.length, 1, `one line: ${result.stderr}`);
      assert.match(lines[0]!, /^kilobench: /);
      assert.match(lines[0]!, message);
      assert.doesNotMatch(result.stderr, /\n\s+at |node:internal|Error: /, 'no stack trace');
      assert.equal(existsSync(join(dir, 'results.sqlite')), false, 'no database written: nothing started');
    });
  });
});
