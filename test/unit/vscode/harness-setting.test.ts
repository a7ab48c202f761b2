import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getHarness, harnessNames } from '../../../src/core/harness';

interface Setting { pattern: string; examples: string[] }

function harnessSetting(): Setting {
  const manifest = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')) as { contributes: { configuration: unknown } };
  const sections = ([] as { properties: Record<string, Setting> }[]).concat(manifest.contributes.configuration as never);
  const setting = sections.map((c) => c.properties['kilobench.harness']).find(Boolean);
  assert.ok(setting, 'package.json contributes kilobench.harness');
  return setting;
}

describe('the kilobench.harness setting', () => {
  it('offers what the engine runs, versions included, and never a bare `command`', () => {
    const { pattern, examples } = harnessSetting();
    const accepts = (name: string) => new RegExp(pattern).test(name);
    for (const name of [...harnessNames(), ...examples, 'kilo@7.7.2', 'command:codex@0.50.1']) {
      assert.ok(accepts(name), `${name} matches the setting`);
      assert.doesNotThrow(() => getHarness(name), `the engine runs ${name}`);
    }
    for (const name of ['command', 'kilo@7', 'kilo@latest', 'builtin@1.0.0x', '']) assert.ok(!accepts(name), `${name} is refused`);
    assert.throws(() => getHarness('command'));
  });
});
