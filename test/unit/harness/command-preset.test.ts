/**
 * Command presets: placeholder substitution (hostile instructions stay one shell word, checked by a
 * real sh), validation with clear errors, user preset files, and the registry's `command:<name>`.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  parsePreset, PresetError, quotedPlaceholders, renderCommand, renderEnv, shellQuote, type PlaceholderValues,
} from '../../../src/core/harness/command/preset';
import { BUILTIN_PRESETS, builtinPreset } from '../../../src/core/harness/command/presets';
import { loadUserPresets, parsePresetFile } from '../../../src/core/harness/command/user-presets';
import { derivedDockerfile, installScript, INSTALL_PRELUDE } from '../../../src/core/harness/command/install';
import { getHarness, harnessNames } from '../../../src/core/harness/registry';
import { tempDir } from '../../helpers/task-fixtures';

const HOSTILE = [
  `it's "quoted" and \\backslashed\\`,
  `'; rm -rf / #`,
  '$(touch /tmp/pwned) `touch /tmp/pwned2` ${HOME} $HOME',
  'line one\nline two\n\n  indented\ttab',
  '-rf --help',
  'glob * ? [a-z] ~ ~root',
  '{model} {apiKey} {instruction}',
  'ünïcødé — 日本語 🚀',
  "''''",
  '',
  '\\',
  'a;b|c&d>e<f(g)h{i}j!k#l',
];

function values(instruction: string): PlaceholderValues {
  return {
    instruction, instructionFile: '/tmp/kilobench-command/instruction.md', model: 'sim/direct', baseUrl: 'http://127.0.0.1:4000/t/TOK/v1',
    apiKey: 'TOK', workdir: '/app', home: '/tmp/kilobench-home', version: '1.0.0',
  };
}

/** What a real POSIX sh passes to a program for the rendered command. */
function argvThroughSh(command: string): string[] {
  const out = spawnSync('sh', ['-c', `${command}`], { encoding: 'utf8' });
  assert.equal(out.status, 0, out.stderr);
  return out.stdout.split('\0').slice(0, -1);
}

const VALID = {
  name: 'my-agent', description: 'An agent', protocol: 'openai', version: '1.2.3',
  install: 'npm install -g my-agent@${KB_VERSION}', versionCommand: 'my-agent --version',
  command: 'my-agent --model {model} --base {baseUrl} -- {instruction}', env: { OPENAI_API_KEY: '{apiKey}' },
};

describe('command presets', () => {
  describe('substitution', () => {
    it('makes every instruction exactly one shell word, whatever it contains', () => {
      for (const text of HOSTILE) {
        const command = renderCommand(`printf '%s\\0' {instruction} {model}`, values(text));
        assert.deepEqual(argvThroughSh(command), [text, 'sim/direct'], JSON.stringify(text));
      }
    });

    it('never substitutes twice: placeholders inside a value stay text', () => {
      const command = renderCommand('printf %s {instruction}', values('{apiKey}'));
      assert.equal(command, `printf %s '{apiKey}'`);
    });

    it('joins a placeholder to the text around it as one word (kb/{model})', () => {
      assert.deepEqual(argvThroughSh(renderCommand(`printf '%s\\0' kb/{model}`, { ...values('x'), model: "weird 'model'" })), ["kb/weird 'model'"]);
    });

    it('refuses a NUL byte, which no argument can carry', () => {
      assert.throws(() => shellQuote('a\0b'), PresetError);
    });

    it('puts env values in as they are', () => {
      assert.deepEqual(renderEnv({ A: '{baseUrl}', B: 'x-{apiKey}-y', C: '{home}/.codex' }, values('i')), { A: 'http://127.0.0.1:4000/t/TOK/v1', B: 'x-TOK-y', C: '/tmp/kilobench-home/.codex' });
    });

    it('finds placeholders written inside quotes or after a backslash', () => {
      assert.deepEqual(quotedPlaceholders('a "{model}" \'{instruction}\' {apiKey} \\{home} "$X {workdir}"'), ['model', 'instruction', 'home', 'workdir']);
      assert.deepEqual(quotedPlaceholders('a {model} "quoted text" {instruction} \'{notaplaceholder}\''), []);
      assert.deepEqual(quotedPlaceholders(`echo "it's" {instruction}`), []);
    });
  });

  describe('validation', () => {
    it('accepts a complete preset and every built-in one', () => {
      const preset = parsePreset(VALID, 'p');
      assert.equal(preset.name, 'my-agent');
      assert.equal(preset.source, 'built-in');
      assert.deepEqual(BUILTIN_PRESETS.map((p) => [p.name, p.protocol]), [['claude-code', 'anthropic'], ['codex', 'openai'], ['opencode', 'openai'], ['aider', 'openai']]);
    });

    it('names the field and what is wrong', () => {
      const table: [Record<string, unknown>, RegExp][] = [
        [{ ...VALID, name: 'My Agent' }, /p\.name must be lower case/],
        [{ ...VALID, name: undefined }, /p\.name must be a non-empty string \(missing\)/],
        [{ ...VALID, protocol: 'gemini' }, /\(my-agent\)\.protocol must be "openai" or "anthropic", found "gemini"/],
        [{ ...VALID, version: '1.0 beta' }, /\.version must be a version/],
        [{ ...VALID, install: '' }, /\.install must be a non-empty string/],
        [{ ...VALID, versionCommand: 'a\nb' }, /\.versionCommand must be one line/],
        [{ ...VALID, command: 'my-agent --model {model}' }, /never passes the task/],
        [{ ...VALID, command: 'my-agent --model "{model}" {instruction}' }, /\{model\} inside quotes/],
        [{ ...VALID, command: 'my-agent {prompt}' }, /unknown placeholder \{prompt\}/],
        [{ ...VALID, env: [] }, /\.env must be an object/],
        [{ ...VALID, env: { 'BAD-NAME': 'x' } }, /"BAD-NAME" is not an environment variable name/],
        [{ ...VALID, env: { N: 3 } }, /\.env\.N must be a string, found 3/],
        [{ ...VALID, env: { P: '{instruction}' } }, /\{instruction\} belongs in the command/],
        [{ ...VALID, env: { P: '{tokenn}' } }, /env\.P uses unknown placeholder/],
        [{ ...VALID, output: 'xml' }, /\.output must be one of/],
        [{ ...VALID, installTimeoutSec: -1 }, /installTimeoutSec must be a number of seconds > 0/],
        [{ ...VALID, extra: 1 }, /unknown field "extra"/],
      ];
      for (const [entry, message] of table) assert.throws(() => parsePreset(entry, 'p'), message, JSON.stringify(entry));
      assert.throws(() => parsePreset('x', 'p'), /p must be an object/);
    });
  });

  describe('user preset files', () => {
    let dir: string;
    before(() => { dir = tempDir('kilobench-presets-'); });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('reads presets, and extends a built-in one with its env merged', () => {
      const presets = parsePresetFile({ presets: [VALID, { name: 'claude-old', extends: 'claude-code', version: '2.1.300', env: { EXTRA: '1' } }] }, 'f.json');
      assert.deepEqual(presets.map((p) => p.name), ['my-agent', 'claude-old']);
      const old = presets[1]!;
      assert.equal(old.version, '2.1.300');
      assert.equal(old.command, builtinPreset('claude-code')!.command);
      assert.equal(old.env.EXTRA, '1');
      assert.equal(old.env.ANTHROPIC_BASE_URL, '{baseUrl}');
      assert.equal(old.source, 'f.json');
    });

    it('explains a bad file: shape, built-in names, duplicates, unknown bases', () => {
      assert.throws(() => parsePresetFile([], 'f.json'), /f\.json: expected an object with a "presets" array/);
      assert.throws(() => parsePresetFile({ presets: [], other: 1 }, 'f.json'), /unknown top-level field other/);
      assert.throws(() => parsePresetFile({ presets: [{ ...VALID, name: 'codex' }] }, 'f.json'), /f\.json: presets\[0\]: "codex" is a built-in preset/);
      assert.throws(() => parsePresetFile({ presets: [VALID, VALID] }, 'f.json'), /presets\[1\]: the name "my-agent" is used twice/);
      assert.throws(() => parsePresetFile({ presets: [{ name: 'x', extends: 'cursor' }] }, 'f.json'), /presets\[0\]\.extends must name a built-in preset/);
      assert.throws(() => parsePresetFile({ presets: [{ ...VALID, protocol: 1 }] }, 'f.json'), /f\.json: presets\[0\] \(my-agent\)\.protocol/);
    });

    it('loads the files that exist and reports the broken ones instead of failing', () => {
      const good = join(dir, 'good.json');
      const broken = join(dir, 'broken.json');
      const invalid = join(dir, 'invalid.json');
      writeFileSync(good, JSON.stringify({ presets: [VALID] }));
      writeFileSync(broken, '{ "presets": [ ');
      writeFileSync(invalid, JSON.stringify({ presets: [{ ...VALID, name: 'other', command: 'x' }] }));
      const loaded = loadUserPresets([good, broken, invalid, join(dir, 'missing.json')]);
      assert.deepEqual(loaded.presets.map((p) => p.name), ['my-agent']);
      assert.equal(loaded.problems.length, 2);
      assert.match(loaded.problems[0]!, /broken\.json is not valid JSON/);
      assert.match(loaded.problems[1]!, /invalid\.json: presets\[0\] \(other\)\.command never passes the task/);
    });

    it('registers command:<name> for built-in and user presets; an unknown one lists what exists and what is broken', () => {
      const file = join(dir, 'registry.json');
      writeFileSync(file, JSON.stringify({ presets: [VALID] }));
      const before = process.env.KILOBENCH_HARNESSES;
      process.env.KILOBENCH_HARNESSES = file;
      try {
        const names = harnessNames();
        for (const name of ['builtin', 'command:claude-code', 'command:codex', 'command:opencode', 'command:aider', 'command:my-agent']) assert.ok(names.includes(name), name);
        const claude = getHarness('command:claude-code');
        assert.equal(claude.name, 'command:claude-code');
        assert.equal(claude.modelInContainer, true);
        assert.equal(claude.needsModel, true);
        assert.equal(typeof claude.prepareImage, 'function');
        assert.equal(getHarness('command:my-agent').name, 'command:my-agent');
        writeFileSync(file, '{');
        assert.throws(() => getHarness('command:my-agent'), /unknown command preset "my-agent" \(known: claude-code, codex, opencode, aider\); preset file problems: .*registry\.json is not valid JSON/);
      } finally {
        if (before === undefined) delete process.env.KILOBENCH_HARNESSES;
        else process.env.KILOBENCH_HARNESSES = before;
      }
    });
  });

  describe('install scripts', () => {
    it('are valid bash, prelude included, for every built-in preset', () => {
      const dir = tempDir('kilobench-install-');
      try {
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, 'prelude.sh'), INSTALL_PRELUDE);
        assert.equal(spawnSync('bash', ['-n', join(dir, 'prelude.sh')]).status, 0);
        for (const preset of BUILTIN_PRESETS) {
          const file = join(dir, `${preset.name}.sh`);
          writeFileSync(file, installScript(preset));
          const check = spawnSync('bash', ['-n', file], { encoding: 'utf8' });
          assert.equal(check.status, 0, `${preset.name}: ${check.stderr}`);
          assert.match(installScript(preset), new RegExp(`KB_VERSION="${preset.version.replace(/\./g, '\\.')}"`));
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('build the derived image from the task image, keyed by its id', () => {
      const dockerfile = derivedDockerfile(builtinPreset('claude-code')!, { name: 'kilobench-task/t:abc', id: 'sha256:123', built: false, workdir: '/app' }, true);
      assert.match(dockerfile, /^FROM kilobench-task\/t:abc\n/);
      assert.match(dockerfile, /kilobench\.base-image-id="sha256:123"/);
      assert.match(dockerfile, /KB_CA_FILE=\/opt\/kilobench\/command\/ca\.pem bash \/opt\/kilobench\/command\/claude-code\/install\.sh/);
      assert.doesNotMatch(derivedDockerfile(builtinPreset('codex')!, { name: 'b', id: 'i', built: false, workdir: '/' }, false), /ca\.pem/);
    });
  });
});
