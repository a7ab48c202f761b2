import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

const ENTRY = resolve(__dirname, 'fixtures/sim-cli.ts');

describe('sim: kilobench sim serve', () => {
  it('prints its URL, answers a curl-style chat completion with a usage block, and stops on SIGINT', async () => {
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', ENTRY, 'sim', 'serve', '--port', '0'], { cwd: resolve(__dirname, '../../..'), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const url = await new Promise<string>((done, fail) => {
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (m) done(m[1] as string);
      });
      child.on('exit', (code) => fail(new Error(`exited ${code}: ${out}`)));
    });
    const res = await fetch(`${url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'sim/direct', messages: [{ role: 'user', content: 'hi' }] }) });
    const body = await res.json() as { usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number } };
    assert.equal(res.status, 200);
    assert.ok(body.usage.prompt_tokens > 0 && body.usage.completion_tokens > 0);
    assert.equal(body.usage.total_tokens, body.usage.prompt_tokens + body.usage.completion_tokens);
    const exit = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    child.kill('SIGINT');
    assert.equal(await exit, 0);
  });

  it('refuses a non-loopback --host with exit code 2', async () => {
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', ENTRY, 'sim', 'serve', '--host', '0.0.0.0'], { cwd: resolve(__dirname, '../../..') });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((done) => child.on('exit', done));
    assert.equal(code, 2);
    assert.match(err, /loopback/);
  });

  it('--fault-rate 1 --fault-kinds server_error: every chat gets a 500, and the counts are printed on stop', async () => {
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', ENTRY, 'sim', 'serve', '--fault-rate', '1', '--fault-kinds', 'server_error', '--fault-seed', '5'], { cwd: resolve(__dirname, '../../..'), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const url = await new Promise<string>((done, fail) => {
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)[\s\S]*faults: /.exec(out);
        if (m) done(m[1] as string);
      });
      child.on('exit', (code) => fail(new Error(`exited ${code}: ${out}`)));
    });
    assert.match(out, /faults: +100% of LLM requests, kinds server_error, seed 5/);
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'sim/direct', messages: [{ role: 'user', content: 'hi' }] }) });
      assert.equal(res.status, 500);
      await res.text();
    }
    const exit = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    child.kill('SIGINT');
    assert.equal(await exit, 0);
    assert.match(out, /faults injected: rate_limit 0, server_error 3, reset 0, cut_stream 0, slow_first_token 0, malformed_json 0/);
  });

  it('refuses a bad --fault-rate with exit code 2 and says why', async () => {
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', ENTRY, 'sim', 'serve', '--fault-rate', '1.5'], { cwd: resolve(__dirname, '../../..') });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((done) => child.on('exit', done));
    assert.equal(code, 2);
    assert.match(err, /--fault-rate must be a number from 0 to 1, not "1.5"/);
  });
});
