/**
 * The key canary: a full `kilobench run` through the real CLI with models whose key is a distinctive
 * canary, against a loopback upstream that requires that key and echoes it back everywhere it can
 * (a 2xx body, tool-call arguments, usage, an error body, a response header). Afterwards every
 * artefact of the run — the database, journals, every file the CLI wrote, stdout/stderr of `run`,
 * `runs`, `show`, `report` in each format — is searched for the canary and its base64 form.
 *
 * Both the built-in agent (plain JSON responses) and the real Kilo CLI (streamed responses) are run.
 * While a trial runs, its container is inspected: unprivileged, memory and pids limits, no Docker
 * socket mounted or present, no-new-privileges, a reduced capability set, the run's own bridge
 * network (never the host's) and read-only mounts only.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { homedir, hostname } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { Store } from '../../../src/core/store';
import { CONTAINER_CAPABILITIES } from '../../../src/core/runtime/docker/docker-runtime';
import { LABELS } from '../../../src/core/runtime/container-runtime';
import { kilobenchAsync, type CliRun } from '../../helpers/cli';
import { rawDocker } from '../../helpers/docker';
import { tempDir } from '../../helpers/task-fixtures';
import { scriptedUpstream, sendJson, sseText, type SeenRequest } from '../meter/upstream-fixture';

/** The CLI as a child process, without blocking this process (the upstream lives here). */
function cli(args: string[], cwd: string, env: NodeJS.ProcessEnv, onStart?: (pid: number) => void): Promise<CliRun> {
  return kilobenchAsync(args, { cwd, env, timeoutMs: 300_000, ...(onStart ? { onStart } : {}) });
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

/** The running container of this CLI process's trial of `modelId`, inspected from outside and inside; a string says what went wrong. */
async function inspectLiveContainer(ownerPid: number, modelId: string): Promise<ContainerFacts | string> {
  try {
    return await inspectContainer(ownerPid, modelId);
  } catch (e) {
    return (e as Error).message;
  }
}

async function inspectContainer(ownerPid: number, modelId: string): Promise<ContainerFacts | string> {
  const docker = rawDocker();
  const list = await docker.listContainers({ filters: { label: [`${LABELS.owner}=${hostname()}:${ownerPid}`] } });
  const summary = list.find((c) => c.Labels[LABELS.trial]?.includes(`.${modelId}.`));
  if (!summary) return `no running container of the ${modelId} trial (${list.length} of this process)`;
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

/** A chat completion as JSON, or as an SSE stream when asked; `extra` is merged into every chunk. */
function reply(res: import('node:http').ServerResponse, stream: boolean, message: { content: string; toolCall?: { name: string; args: Record<string, unknown> } }, usage: Record<string, unknown>, id: string, headers: Record<string, string>): void {
  const finish = message.toolCall ? 'tool_calls' : 'stop';
  const toolCalls = message.toolCall ? [{ id: 'call_1', type: 'function', function: { name: message.toolCall.name, arguments: JSON.stringify(message.toolCall.args) } }] : undefined;
  if (!stream) {
    return sendJson(res, 200, { id, object: 'chat.completion', model: 'canary-good', choices: [{ index: 0, finish_reason: finish, message: { role: 'assistant', content: message.content, ...(toolCalls ? { tool_calls: toolCalls } : {}) } }], usage }, headers);
  }
  const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) => ({ data: { id, object: 'chat.completion.chunk', model: 'canary-good', choices: [{ index: 0, delta, finish_reason: finishReason }] } });
  const events = [
    chunk({ role: 'assistant', content: '' }),
    chunk({ content: message.content.slice(0, 9) }),
    chunk({ content: message.content.slice(9) }),
    ...(toolCalls ? [chunk({ tool_calls: [{ index: 0, ...toolCalls[0] }] })] : []),
    chunk({}, finish),
    { data: { id, object: 'chat.completion.chunk', model: 'canary-good', choices: [], usage } },
  ];
  res.writeHead(200, { 'content-type': 'text/event-stream', ...headers });
  res.end(sseText(events, true));
}

for (const harness of ['builtin', 'kilo'] as const) {
  describe(`security: API keys never leave the proxy (canary run through the CLI, ${harness} harness)`, function () {
    this.timeout(600_000);
    const CANARY = `sk-canary-${randomBytes(12).toString('hex')}`;
    const B64 = Buffer.from(CANARY).toString('base64');
    let root: string;
    before(() => { root = tempDir('kilobench-canary-'); });
    after(() => { if (!process.env.KEEP_CANARY) rmSync(root, { recursive: true, force: true }); });

    it('the canary key is in no artefact of a run, and the trial container is locked down', async () => {
      let wrongKey = 0;
      let failedOnce = false;
      let cliPid = 0;
      let facts: Promise<ContainerFacts | string> | undefined;
      const upstream = await scriptedUpstream((req: SeenRequest, res) => {
        if (req.headers.authorization !== `Bearer ${CANARY}`) {
          wrongKey++;
          return sendJson(res, 401, { error: { message: 'wrong key', type: 'invalid_request_error', code: 'invalid_api_key' } });
        }
        const echo = { 'x-echo-key': CANARY, 'x-echo-b64': B64 };
        if (req.method !== 'POST') return sendJson(res, 200, { object: 'list', data: [{ id: 'canary-good', object: 'model', owned_by: CANARY }] }, echo);
        const body = JSON.parse(req.body) as { model: string; stream?: boolean; messages: { role: string }[] };
        if (body.model === 'canary-refused') {
          // A provider that quotes the key in its refusal, as "invalid key" errors do.
          return sendJson(res, 403, { error: { message: `Key ${CANARY} is not allowed to use this model`, type: 'permission_error', code: 'forbidden' } }, echo);
        }
        if (!failedOnce) {
          failedOnce = true;
          facts ??= inspectLiveContainer(cliPid, 'canary-good');
          return sendJson(res, 500, { error: { message: `internal error while serving ${CANARY}`, type: 'server_error' } }, { ...echo, 'retry-after-ms': '10', 'retry-after': '0' });
        }
        const usage = { prompt_tokens: 40, completion_tokens: 12, echo: CANARY };
        const stream = body.stream === true;
        if (body.messages.filter((m) => m.role === 'tool').length === 0) {
          const command = `echo "${CANARY}" | tee /tmp/echoed; echo ${B64}`;
          return reply(res, stream, { content: `Using ${CANARY}`, toolCall: { name: 'bash', args: { command, description: `print ${CANARY}` } } }, usage, `chatcmpl-${CANARY}`, echo);
        }
        reply(res, stream, { content: `Done; the key was ${CANARY}` }, usage, 'chatcmpl-2', echo);
      });
      try {
        const home = join(root, 'home');
        const tmp = join(root, 'tmp');
        mkdirSync(home);
        mkdirSync(tmp);
        writeFileSync(join(root, 'kilobench.models.json'), JSON.stringify({ models: ['canary-good', 'canary-refused'].map((id) => ({
          id, provider: 'openai-compatible', baseUrl: `${upstream.url}/v1`, keyEnv: 'KILOBENCH_CANARY_KEY', price: { input: 1, output: 2 },
        })) }));
        // Everything the CLI writes lands under root: HOME, TMPDIR and the results folder. The Kilo
        // binary is read from the user's cache (fetched once, never written by this run).
        const env = {
          KILOBENCH_CANARY_KEY: CANARY, HOME: home, TMPDIR: tmp, XDG_CONFIG_HOME: join(home, '.config'),
          XDG_CACHE_HOME: harness === 'kilo' ? (process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache')) : join(home, '.cache'),
        };
        const db = join(root, 'results', 'results.sqlite');
        const outputs: [string, string][] = [];
        // Kilo keeps retrying a refused model until its time limit: the refusal is checked with the built-in agent.
        const models = harness === 'builtin' ? ['canary-good', 'canary-refused'] : ['canary-good'];
        const run = await cli(['run', '--tasks', 'access-log-report', '--models', models.join(','), '-H', harness, '--trials', '1', '--concurrency', '2', '--db', db], root, env, (pid) => { cliPid = pid; });
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
          const good = trials.find((t) => t.modelId === 'canary-good');
          const goodCalls = store.listLlmCalls(good!.id);
          calls = trials.reduce((n, t) => n + store.listLlmCalls(t.id).length, 0);
          assert.ok(goodCalls.some((c) => /"name":"bash".*\[redacted\]/.test(JSON.stringify(c.toolCalls))), `the tool call was metered, key masked: ${JSON.stringify(goodCalls.map((c) => [c.httpStatus, c.toolCalls]))} (trial ${good?.status}: ${good?.error ?? ''})`);
          assert.ok(goodCalls.some((c) => c.httpStatus === 500 && /\[redacted\]/.test(c.error ?? '')), 'the 500 was recorded, key redacted');
          if (harness === 'builtin') {
            const refused = trials.find((t) => t.modelId === 'canary-refused');
            assert.match(refused?.error ?? '', /Key \[redacted\]\** is not allowed/, 'the refusal, key redacted, is the trial\'s error');
          }
        } finally {
          await store.close();
        }
        assert.equal(trialIds.length, models.length);
        assert.ok(calls >= 3, `${calls} metered calls`);

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
          const out = await cli(['report', '--db', db, '--format', format, '--out', join(root, 'exports', `report.${format}`)], root, env);
          assert.equal(out.code, 0, out.stderr);
        }
        await cli(['report', '--db', db, '--format', 'html'], root, env);

        const leaks: string[] = [];
        const files = filesUnder(root).filter((f) => f !== join(root, 'kilobench.models.json'));
        assert.ok(files.some((f) => f.includes('.journals')), 'journals were written');
        assert.ok(files.some((f) => f.endsWith('.html')), 'an HTML report was written');
        for (const file of files) {
          if (statSync(file).size > 200 * 1024 * 1024) continue;
          const bytes = readFileSync(file);
          if (bytes.includes(CANARY) || bytes.includes(B64.replace(/=+$/, '')) || bytes.includes(Buffer.from(CANARY, 'utf16le'))) leaks.push(file);
        }
        for (const [what, text] of outputs) if (text.includes(CANARY) || text.includes(B64.replace(/=+$/, ''))) leaks.push(what);
        assert.deepEqual(leaks, [], `the canary key leaked into: ${leaks.join(', ')}`);

        // The container, as it was while the agent ran.
        const seen = await facts;
        assert.ok(seen && typeof seen !== 'string', `the trial container was inspected while the agent ran: ${seen}`);
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
        // Every harness gets the task's network (this task's default: a bridge network made for the run),
        // never the host's; Kilo reaches the proxy on that network's gateway.
        assert.match(host.NetworkMode ?? '', /^kilobench-run-/, `network ${host.NetworkMode}`);
        assert.ok((host.Binds ?? []).every((b) => b.endsWith(':ro')), `read-only mounts only: ${host.Binds}`);
        assert.ok((seen.inspect.Mounts ?? []).every((mount) => mount.RW === false), 'read-only mounts only');
        assert.doesNotMatch(JSON.stringify([seen.inspect.Mounts, host.Binds]), /docker\.sock|:\/var\/run|:\/run\b/);
        assert.notEqual(seen.socketInside, 0, 'no Docker socket inside the container');
      } finally {
        await upstream.close();
      }
    });
  });
}
