/**
 * The key canary: a full `kilobench run` through the real CLI with models whose key is a distinctive
 * canary, against a loopback upstream that requires that key and echoes it back everywhere it can
 * (a 2xx body, tool-call arguments, usage, an error body, a response header). Afterwards every
 * artefact of the run — the database, journals, every file the CLI wrote, stdout/stderr of `run`,
 * `runs`, `show`, `report` in each format — is searched for the canary and its base64 form.
 *
 * While the trial runs, its container is inspected: unprivileged, memory and pids limits, no Docker
 * socket mounted or present, no-new-privileges, a reduced capability set, network `none` (the
 * built-in harness talks to the proxy from the host).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { Store } from '../../../src/core/store';
import { CONTAINER_CAPABILITIES } from '../../../src/core/runtime/docker/docker-runtime';
import { LABELS } from '../../../src/core/runtime/container-runtime';
import { CLI } from '../../helpers/cli';
import { rawDocker } from '../../helpers/docker';
import { tempDir } from '../../helpers/task-fixtures';
import { scriptedUpstream, sendJson, type SeenRequest } from '../meter/upstream-fixture';

interface Ran { code: number | null; stdout: string; stderr: string; pid: number }

/** The CLI as a child process, without blocking this process (the upstream lives here). */
function cli(args: string[], cwd: string, env: NodeJS.ProcessEnv, onStart?: (pid: number) => void): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    onStart?.(child.pid as number);
    const timer = setTimeout(() => child.kill('SIGKILL'), 300_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, pid: child.pid as number });
    });
  });
}

/** Every regular file under a folder (symlinks not followed). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return filesUnder(path);
    return e.isFile() ? [path] : [];
  });
}

interface ContainerFacts { inspect: Docker.ContainerInspectInfo; socketInside: number; capEff: string }

async function inspectLiveContainer(ownerPid: number): Promise<ContainerFacts | undefined> {
  const docker = rawDocker();
  const [summary] = await docker.listContainers({ filters: { label: [`${LABELS.owner}=${hostname()}:${ownerPid}`] } });
  if (!summary) return undefined;
  const container = docker.getContainer(summary.Id);
  const inspect = await container.inspect();
  const run = async (cmd: string[]): Promise<{ code: number; out: string }> => {
    const exec = await container.exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
    const stream = await exec.start({ hijack: true, stdin: false });
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    await new Promise((resolve) => stream.on('end', resolve));
    const info = await exec.inspect();
    return { code: info.ExitCode ?? -1, out: Buffer.concat(chunks).toString('latin1') };
  };
  const socketInside = (await run(['sh', '-c', 'test -S /var/run/docker.sock || test -e /run/docker.sock || test -e /var/run/kilobench/docker.sock'])).code;
  const capEff = /CapEff:\s*([0-9a-f]+)/.exec((await run(['cat', '/proc/self/status'])).out)?.[1] ?? '';
  return { inspect, socketInside, capEff };
}

describe('security: API keys never leave the proxy (canary run through the CLI)', function () {
  this.timeout(600_000);
  const CANARY = `sk-canary-${randomBytes(12).toString('hex')}`;
  let root: string;
  before(() => { root = tempDir('kilobench-canary-'); });
  after(() => { if (!process.env.KEEP_CANARY) rmSync(root, { recursive: true, force: true }); });

  it('the canary key is in no artefact of a run, and the trial container is locked down', async () => {
    let wrongKey = 0;
    let failedOnce = false;
    let cliPid = 0;
    let facts: Promise<ContainerFacts | undefined> | undefined;
    const upstream = await scriptedUpstream((req: SeenRequest, res) => {
      if (req.headers.authorization !== `Bearer ${CANARY}`) {
        wrongKey++;
        return sendJson(res, 401, { error: { message: 'wrong key', type: 'invalid_request_error', code: 'invalid_api_key' } });
      }
      const body = JSON.parse(req.body) as { model: string; messages: { role: string }[] };
      const echo = { 'x-echo-key': CANARY, 'x-echo-b64': Buffer.from(CANARY).toString('base64') };
      if (body.model === 'canary-refused') {
        // A provider that quotes the key in its refusal, as "invalid key" errors do.
        return sendJson(res, 403, { error: { message: `Key ${CANARY} is not allowed to use this model`, type: 'permission_error', code: 'forbidden' } }, echo);
      }
      if (!failedOnce) {
        failedOnce = true;
        facts ??= inspectLiveContainer(cliPid);
        return sendJson(res, 500, { error: { message: `internal error while serving ${CANARY}`, type: 'server_error' } }, { ...echo, 'retry-after-ms': '10' });
      }
      const usage = { prompt_tokens: 40, completion_tokens: 12, echo: CANARY };
      const toolResults = body.messages.filter((m) => m.role === 'tool').length;
      if (toolResults === 0) {
        return sendJson(res, 200, {
          id: `chatcmpl-${CANARY}`, object: 'chat.completion', model: 'canary-good',
          choices: [{ index: 0, finish_reason: 'tool_calls', message: { role: 'assistant', content: `Using ${CANARY}`,
            tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'bash', arguments: JSON.stringify({ command: `echo "${CANARY}" | tee /tmp/echoed; echo ${Buffer.from(CANARY).toString('base64')}` }) } }] } }],
          usage,
        }, echo);
      }
      sendJson(res, 200, {
        id: 'chatcmpl-2', object: 'chat.completion', model: `canary-good ${CANARY}`,
        choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: `Done; the key was ${CANARY}` } }], usage,
      }, echo);
    });
    try {
      const home = join(root, 'home');
      const tmp = join(root, 'tmp');
      mkdirSync(home);
      mkdirSync(tmp);
      writeFileSync(join(root, 'kilobench.models.json'), JSON.stringify({ models: ['canary-good', 'canary-refused'].map((id) => ({
        id, provider: 'openai-compatible', baseUrl: `${upstream.url}/v1`, keyEnv: 'KILOBENCH_CANARY_KEY', price: { input: 1, output: 2 },
      })) }));
      // Everything the CLI writes lands under root: HOME, TMPDIR and the results folder.
      const env = { KILOBENCH_CANARY_KEY: CANARY, HOME: home, TMPDIR: tmp, XDG_CONFIG_HOME: join(home, '.config'), XDG_CACHE_HOME: join(home, '.cache') };
      const db = join(root, 'results', 'results.sqlite');
      const outputs: [string, string][] = [];
      const run = await cli(['run', '--tasks', 'access-log-report', '--models', 'canary-good,canary-refused', '--trials', '1', '--concurrency', '2', '--db', db], root, env, (pid) => { cliPid = pid; });
      outputs.push(['run', run.stdout + run.stderr]);
      assert.ok(run.code === 0 || run.code === 1, `run exit ${run.code}\n${run.stderr}`);
      assert.equal(wrongKey, 0, 'the upstream always got the real key');

      const store = await Store.open(db);
      let trialIds: string[];
      let calls = 0;
      try {
        const [r] = store.listRuns();
        const trials = store.listTrials(r!.id);
        trialIds = trials.map((t) => t.id);
        calls = trials.reduce((n, t) => n + store.listLlmCalls(t.id).length, 0);
        const refused = trials.find((t) => t.modelId === 'canary-refused');
        assert.match(refused?.error ?? '', /\[redacted\]/, 'the refusal, with the key redacted, is the trial\'s error');
      } finally {
        await store.close();
      }
      assert.equal(trialIds.length, 2);
      assert.ok(calls >= 4, `${calls} metered calls`);

      outputs.push(['runs', (await cli(['runs', '--db', db], root, env)).stdout]);
      for (const id of trialIds) {
        const show = await cli(['show', id, '--db', db], root, env);
        const showJson = await cli(['show', id, '--db', db, '--json'], root, env);
        assert.equal(show.code, 0, show.stderr);
        outputs.push([`show ${id}`, show.stdout + show.stderr], [`show --json ${id}`, showJson.stdout + showJson.stderr]);
      }
      const shown = outputs.filter(([what]) => what.startsWith('show --json')).map(([, text]) => text).join('');
      assert.match(shown, /\[redacted\]/, 'the transcript shows where the key was');
      for (const format of ['table', 'json', 'csv', 'html']) {
        const report = await cli(['report', '--db', db, '--format', format], root, env);
        outputs.push([`report ${format}`, report.stdout + report.stderr]);
        const file = join(root, 'exports', `report.${format}`);
        const out = await cli(['report', '--db', db, '--format', format, '--out', file], root, env);
        assert.equal(out.code, 0, out.stderr);
      }
      await cli(['report', '--db', db, '--format', 'html'], root, env);

      const b64 = Buffer.from(CANARY).toString('base64');
      const leaks: string[] = [];
      const files = filesUnder(root).filter((f) => f !== join(root, 'kilobench.models.json'));
      assert.ok(files.some((f) => f.includes('.journals')), 'journals were written');
      assert.ok(files.some((f) => f.endsWith('.html')), 'an HTML report was written');
      for (const file of files) {
        if (statSync(file).size > 200 * 1024 * 1024) continue;
        const bytes = readFileSync(file);
        if (bytes.includes(CANARY) || bytes.includes(b64) || bytes.includes(Buffer.from(CANARY, 'utf16le'))) leaks.push(file);
      }
      for (const [what, text] of outputs) if (text.includes(CANARY) || text.includes(b64)) leaks.push(what);
      assert.deepEqual(leaks, [], `the canary key leaked into: ${leaks.join(', ')}`);

      // The container, as it was while the agent ran.
      const seen = await facts;
      assert.ok(seen, 'the trial container was found while the agent ran');
      const host = seen.inspect.HostConfig;
      assert.equal(host.Privileged, false);
      assert.ok((host.Memory ?? 0) > 0, 'memory limit');
      assert.ok((host.PidsLimit ?? 0) > 0, 'pids limit');
      assert.ok(host.SecurityOpt?.includes('no-new-privileges'));
      assert.deepEqual(host.CapDrop, ['ALL']);
      assert.deepEqual([...(host.CapAdd ?? [])].sort(), [...CONTAINER_CAPABILITIES].sort());
      // CAP_NET_RAW is bit 13, CAP_SYS_ADMIN bit 21, CAP_MKNOD bit 27: none is effective inside.
      const capEff = BigInt(`0x${seen.capEff}`);
      for (const bit of [13n, 21n, 27n]) assert.equal((capEff >> bit) & 1n, 0n, `capability bit ${bit}`);
      assert.equal(host.NetworkMode, 'none', 'the built-in harness needs no network in the container');
      const mounts = JSON.stringify([seen.inspect.Mounts, host.Binds]);
      assert.doesNotMatch(mounts, /docker\.sock|\/var\/run|\/run\b/);
      assert.notEqual(seen.socketInside, 0, 'no Docker socket inside the container');
    } finally {
      await upstream.close();
    }
  });
});
