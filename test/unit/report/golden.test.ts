/**
 * Reports on the same database are byte-identical from one change to the next: a fixed database
 * (built here, deterministically, through the store's own API) is rendered as JSON, CSV, the
 * terminal table and HTML, and each output's sha256 is compared with `golden-reports.json`.
 *
 * A deliberate format change: `npm run golden:update` (or KILOBENCH_GOLDEN_UPDATE=1) rewrites the
 * golden file; commit it with the change and say why. To see what changed, KILOBENCH_GOLDEN_OUT=<dir>
 * writes the four outputs there: render on the commit before and after, then `diff -r` the folders.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatHarnessVersions, formatLeaderboard, modelsCsv, renderHtmlReport, reportFromStore, reportJson, tasksCsv } from '../../../src/core/report';
import { Store, type StoreEvent } from '../../../src/core/store';
import { realisticRun, RUN_ID } from './fixture';

const GOLDEN = join(__dirname, 'golden-reports.json');
const FORMATS = ['json', 'csv', 'table', 'html'] as const;
type Format = (typeof FORMATS)[number];

/** Tool names as harnesses and models spell them, including the ones the fingerprint must categorise by name. */
const LLM_TOOL_NAMES = ['list', 'read_file', 'grep', 'edit', 'bash', 'ls', 'task', 'todowrite', 'webfetch', 'list_dir', 'view', 'list_files', 'kilo_local_recall'];

/**
 * The realistic run, twice (the second as another harness, for `--compare`); every third trial
 * keeps no transcript, so its behaviour is read from the tool calls the proxy saw.
 */
function fixtureEvents(): StoreEvent[] {
  const events: StoreEvent[] = [];
  for (const [runId, harness, version] of [[RUN_ID, 'kilo', '7.7.9'], ['run-builtin', 'builtin', '0.1.0']] as const) {
    const f = realisticRun();
    events.push({
      type: 'run_created', runId,
      run: { name: `golden ${harness}`, createdAt: f.run.createdAt, status: 'running', plan: { ...f.run.plan, harness }, settings: { concurrency: 2 } },
    });
    const bare = new Set(f.trials.filter((t) => t.trialIndex === 2).map((t) => t.id));
    for (const t of f.trials) {
      const id = `${runId}-${t.id}`;
      events.push({ type: 'trial_created', runId, trial: { id, taskId: t.taskId, modelId: t.modelId, harness, trialIndex: t.trialIndex, seed: 7 } });
      const calls = f.calls.filter((c) => c.trialId === t.id);
      calls.forEach((c, i) => {
        const toolCalls = bare.has(t.id)
          ? [{ name: LLM_TOOL_NAMES[(i + t.trialIndex) % LLM_TOOL_NAMES.length] as string, arguments: JSON.stringify({ command: `ls -la /app/${i}`, path: `/app/${i}` }) }]
          : c.toolCalls;
        events.push({
          type: 'llm_call', runId,
          call: {
            id: `${runId}-${c.id}`, trialId: id, seq: c.seq, startedAt: c.startedAt, protocol: c.protocol, requestedModel: c.requestedModel,
            servedModel: c.servedModel, streaming: c.streaming, httpStatus: c.httpStatus, latencyMs: c.latencyMs, ttftMs: c.ttftMs,
            usage: c.usage, estimated: c.estimated, toolCalls, costUsd: c.costUsd, costSource: c.costSource,
          },
        });
      });
      if (!bare.has(t.id)) {
        for (const e of f.events.filter((x) => x.trialId === t.id)) {
          events.push({ type: 'transcript_event', runId, entry: { trialId: id, seq: e.seq, at: e.at, kind: e.kind, toolCategory: e.toolCategory, payload: e.payload } });
        }
      }
      const tokens = calls.reduce((s, c) => ({
        input: s.input + c.usage.input, cacheRead: s.cacheRead + c.usage.cacheRead, cacheWrite: s.cacheWrite + c.usage.cacheWrite,
        output: s.output + c.usage.output, reasoning: s.reasoning + c.usage.reasoning,
      }), { input: 0, cacheRead: 0, cacheWrite: 0, output: 0, reasoning: 0 });
      const costUsd = calls.reduce((s, c) => s + (c.costUsd ?? 0), 0);
      events.push({
        type: 'trial_updated', runId, trialId: id,
        patch: {
          status: t.status, startedAt: t.startedAt, finishedAt: t.startedAt, durationMs: t.durationMs, agentDurationMs: t.agentDurationMs,
          testDurationMs: 3000, tokens, costUsd, costFlags: [], harnessVersion: version, error: t.error,
          tests: t.status === 'passed' ? [{ name: 'test_ok', status: 'passed' }] : [{ name: 'test_ok', status: 'failed' }],
          testsPassed: t.status === 'passed' ? 1 : 0, testsFailed: t.status === 'passed' ? 0 : 1,
        },
      });
    }
    events.push({ type: 'run_updated', runId, patch: { status: 'finished', finishedAt: f.run.finishedAt } });
  }
  return events;
}

async function renderAll(): Promise<Record<Format, string>> {
  const dir = mkdtempSync(join(tmpdir(), 'kilobench-golden-'));
  const store = await Store.open(join(dir, 'results.sqlite'));
  try {
    for (const event of fixtureEvents()) store.append(event);
    await store.flush();
    const options = { generatedAt: '2025-01-02T00:00:00.000Z', seed: 11, resamples: 200, cache: false };
    const runs = [RUN_ID, 'run-builtin'];
    // As `kilobench report` composes each format.
    const full = reportFromStore(store, runs, { ...options, comparisons: true });
    const brief = reportFromStore(store, runs, { ...options, comparisons: false });
    return {
      json: reportJson(full),
      csv: `${modelsCsv(brief)}\n${tasksCsv(brief)}`,
      table: [formatLeaderboard(brief), formatHarnessVersions(brief.harnessVersions)].filter(Boolean).join('\n'),
      // A fixed stand-in for Chart.js, so a new chart.js release does not change the page's hash.
      html: renderHtmlReport(full, { chartJs: '/* chart.js */' }),
    };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function writeOutputs(dir: string, outputs: Record<Format, string>): void {
  mkdirSync(dir, { recursive: true });
  for (const f of FORMATS) writeFileSync(join(dir, `report.${f === 'table' ? 'txt' : f}`), outputs[f]);
}

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

describe('report: byte-identical on the same database (golden hashes)', function () {
  this.timeout(120_000);

  it('JSON, CSV, table and HTML hash as recorded in golden-reports.json', async () => {
    const outputs = await renderAll();
    const actual = Object.fromEntries(FORMATS.map((f) => [f, sha256(outputs[f])])) as Record<Format, string>;
    const keep = process.env.KILOBENCH_GOLDEN_OUT;
    if (keep) writeOutputs(keep, outputs);
    if (process.env.KILOBENCH_GOLDEN_UPDATE) {
      writeFileSync(GOLDEN, `${JSON.stringify(actual, null, 2)}\n`);
      return;
    }
    const expected = JSON.parse(readFileSync(GOLDEN, 'utf8')) as Record<Format, string>;
    const changed = FORMATS.filter((f) => expected[f] !== actual[f]);
    if (changed.length > 0) {
      const out = keep ?? join(tmpdir(), 'kilobench-golden-actual');
      writeOutputs(out, outputs);
      assert.fail(
        `report output changed: ${changed.join(', ')} (this commit's outputs are in ${out}). To see the difference, render the ` +
        'commit before yours with KILOBENCH_GOLDEN_OUT=/tmp/before node test/run.mjs test/unit/report/golden.test.ts and ' +
        `\`diff -r /tmp/before ${out}\`. If the change is deliberate: \`npm run golden:update\`, and commit ` +
        'test/unit/report/golden-reports.json saying why.',
      );
    }
  });

  it('the fixture database renders the same bytes twice', async () => {
    const [a, b] = [await renderAll(), await renderAll()];
    for (const f of FORMATS) assert.equal(sha256(a[f]), sha256(b[f]), `${f} is not deterministic`);
  });
});
