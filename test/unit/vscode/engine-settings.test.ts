import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { enginesFromHosts, readEnginesFile } from '../../../src/core/runtime';
import { engineChoice, type EngineSettings } from '../../../src/vscode/engine-settings';
import { EngineError } from '../../../src/vscode/errors';

const core = { enginesFromHosts, readEnginesFile };

describe('the editor\'s Docker engine settings', () => {
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'kb-engines-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const settings = (s: Partial<EngineSettings>): EngineSettings => ({ dockerHost: undefined, dockerHosts: [], enginesFile: '', resolve: (p) => join(dir, p), ...s });

  /** The error a choice throws: its message and the setting its Open Settings button opens. */
  function refusal(s: Partial<EngineSettings>): { message: string; opens: unknown } {
    try {
      engineChoice(core, settings(s));
    } catch (e) {
      assert.ok(e instanceof EngineError, String(e));
      assert.equal(e.kind, 'input');
      return { message: e.message, opens: e.fix?.args?.[0] };
    }
    assert.fail('the settings were accepted');
  }

  it('nothing set: the core\'s own choice; one URL (either setting): one engine, as the CLI does', () => {
    assert.deepEqual(engineChoice(core, settings({})), {});
    assert.deepEqual(engineChoice(core, settings({ dockerHost: 'tcp://10.0.0.5:2376' })), { dockerHost: 'tcp://10.0.0.5:2376' });
    assert.deepEqual(engineChoice(core, settings({ dockerHosts: [' unix:///var/run/docker.sock '] })), { dockerHost: 'unix:///var/run/docker.sock' });
  });

  it('two or more URLs: a pool with the names the CLI gives them', () => {
    const choice = engineChoice(core, settings({ dockerHosts: ['unix:///var/run/docker.sock', 'tcp://build.example:2376', 'ssh://bench@vm1.example:2222'] }));
    assert.ok('engines' in choice);
    assert.deepEqual(choice.engines.map((e) => [e.name, e.host]), [
      ['local', 'unix:///var/run/docker.sock'], ['build.example:2376', 'tcp://build.example:2376'], ['bench@vm1.example:2222', 'ssh://bench@vm1.example:2222'],
    ]);
    // As on the CLI: a tcp:// engine on another machine reaches the meter through the relay.
    assert.deepEqual(choice.engines.map((e) => e.modelRoute), ['gateway', 'relay', 'ssh-forward']);
  });

  it('a bad URL is refused naming the setting, the entry and the value, never skipped', () => {
    const noUser = refusal({ dockerHosts: ['unix:///var/run/docker.sock', 'ssh://vm1.example'] });
    assert.match(noUser.message, /^kilobench\.dockerHosts: entry 2: "ssh:\/\/vm1\.example" names no user; write ssh:\/\/user@vm1\.example$/);
    assert.equal(noUser.opens, 'kilobench.dockerHosts');
    assert.match(refusal({ dockerHosts: ['unix:///var/run/docker.sock', 'docker.example:2376'] }).message, /kilobench\.dockerHosts: entry 2: .*unsupported scheme docker\.example: in "docker\.example:2376"/);
    assert.match(refusal({ dockerHosts: ['not a url'] }).message, /kilobench\.dockerHosts: entry 1: "not a url" is not a URL/);
    assert.match(refusal({ dockerHosts: ['unix:///a.sock', 7] }).message, /kilobench\.dockerHosts: entry 2 is 7; write an engine URL/);
    assert.match(refusal({ dockerHosts: ['unix:///a.sock', ' '] }).message, /entry 2 is " "/);
    assert.match(refusal({ dockerHosts: 'unix:///a.sock' }).message, /kilobench\.dockerHosts: write a list of engine URLs .*not "unix:\/\/\/a\.sock"/);
  });

  it('the same engine twice, or two sockets that would get one name, are told apart from typos', () => {
    assert.match(refusal({ dockerHosts: ['tcp://h:2376', 'tcp://h:2376'] }).message, /entry 2 repeats entry 1 \(tcp:\/\/h:2376\); list each engine once/);
    assert.match(refusal({ dockerHosts: ['unix:///run/a/docker.sock', 'unix:///run/b/docker.sock'] }).message,
      /entries 1 and 2 \(unix:\/\/\/run\/a\/docker\.sock, unix:\/\/\/run\/b\/docker\.sock\) would both be named "local:docker\.sock"; name them in an engines file \(kilobench\.enginesFile\)/);
  });

  it('the settings exclude each other with a message naming both', () => {
    writeFileSync(join(dir, 'engines.yaml'), 'engines:\n  - host: unix:///var/run/docker.sock\n');
    const both = refusal({ dockerHosts: ['tcp://a:1', 'tcp://b:1'], enginesFile: 'engines.yaml' });
    assert.match(both.message, /kilobench\.dockerHosts and kilobench\.enginesFile are both set; .*keep one and clear the other/);
    assert.equal(both.opens, 'kilobench.enginesFile');
    assert.match(refusal({ dockerHost: 'tcp://a:1', dockerHosts: ['tcp://b:1'] }).message, /kilobench\.dockerHost and kilobench\.dockerHosts are both set/);
    assert.match(refusal({ dockerHost: 'tcp://a:1', dockerHosts: ['tcp://b:1'], enginesFile: 'engines.yaml' }).message, /are all set/);
  });

  it('an engines file resolves in the workspace and gives the engines their names; its mistakes name the setting and the file', () => {
    writeFileSync(join(dir, 'pool.yaml'), 'engines:\n  - name: here\n    host: unix:///var/run/docker.sock\n    capacity: 2\n  - name: there\n    host: tcp://10.0.0.5:2376\n');
    const choice = engineChoice(core, settings({ enginesFile: 'pool.yaml' }));
    assert.ok('engines' in choice);
    assert.deepEqual(choice.engines.map((e) => [e.name, e.capacity]), [['here', 2], ['there', undefined]]);
    const missing = refusal({ enginesFile: 'nowhere.yaml' });
    assert.match(missing.message, new RegExp(`^kilobench\\.enginesFile: ${join(dir, 'nowhere.yaml').replace(/[.]/g, '\\.')} does not exist`));
    writeFileSync(join(dir, 'bad.yaml'), 'engines:\n  - host: ftp://x\n');
    assert.match(refusal({ enginesFile: 'bad.yaml' }).message, /^kilobench\.enginesFile: .*bad\.yaml: engines\[0\]\.host: unsupported scheme ftp:/);
    assert.match(refusal({ enginesFile: 3 }).message, /kilobench\.enginesFile: write the path of an engines file, not 3/);
  });
});
