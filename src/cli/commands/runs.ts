/** `kilobench runs` and `kilobench show TRIAL_ID`: what the store holds, in the terminal. */
import type { Command } from 'commander';
import type { Store, TrialRecord } from '../../core/store';
import { UsageError } from '../errors';
import { DEFAULT_DB, openCliStore } from '../store';
import { formatCost as money, formatDuration, formatUsd } from '../../core/format';
import { formatTable } from '../table';

export function runsJson(store: Store) {
  return {
    runs: store.listRuns().map((run) => {
      const trials = store.listTrials(run.id);
      return {
        id: run.id, name: run.name, status: run.status, createdAt: run.createdAt, finishedAt: run.finishedAt,
        harness: run.plan.harness, models: run.plan.models, tasks: run.plan.tasks.length,
        trials: trials.length, passed: trials.filter((t) => t.status === 'passed').length,
        unfinished: store.unfinishedTrials(run.id).length,
        costUsd: trials.reduce((sum, t) => sum + (t.costUsd ?? 0), 0),
      };
    }),
  };
}

/** A trial's transcript as terminal lines: steps with tokens and cost, tool calls, outputs, tests. */
export function transcriptLines(store: Store, trial: TrialRecord): string[] {
  const lines = [
    `trial ${trial.id}`,
    `  task ${trial.taskId} · model ${trial.modelId} · harness ${trial.harness} · status ${trial.status}${trial.error ? ` (${trial.error})` : ''}`,
    `  tokens: input ${trial.tokens.input}, cache read ${trial.tokens.cacheRead}, cache write ${trial.tokens.cacheWrite}, output ${trial.tokens.output} (reasoning ${trial.tokens.reasoning}) · cost ${money(trial.costUsd)}${trial.costFlags.length ? ` [${trial.costFlags.join(', ')}]` : ''}`,
    `  time: ${formatDuration(trial.durationMs)} (agent ${formatDuration(trial.agentDurationMs)}, tests ${formatDuration(trial.testDurationMs)})${trial.harnessVersion ? ` · ${trial.harness} ${trial.harnessVersion}` : ''}`,
    ...(trial.image ? [`  image: ${trial.image}${trial.imageRepoDigest ? ` (${trial.imageRepoDigest})` : ''}${trial.imageDigest ? ` · id ${trial.imageDigest.slice(0, 19)}` : ''}`] : []),
    ...(trial.network ? [`  network: ${trial.network}`] : []),
    ...(trial.engine ? [`  engine: ${trial.engine}`] : []),
    '',
  ];
  const calls = new Map(store.listLlmCalls(trial.id).map((c) => [c.seq, c]));
  for (const event of store.listTranscript(trial.id)) {
    const p = (event.payload ?? {}) as Record<string, unknown>;
    const cut = (v: unknown, n = 200) => String(v ?? '').replace(/\s+/g, ' ').slice(0, n);
    switch (event.kind) {
      case 'llm_call': {
        const call = calls.get(Number(p.seq));
        const u = call?.usage;
        const cacheWrite = u && u.cacheWrite ? ` + cache write ${u.cacheWrite}` : '';
        const latency = call?.latencyMs !== null && call?.latencyMs !== undefined ? `${Math.round(call.latencyMs)} ms` : 'latency unknown';
        lines.push(`#${p.seq} LLM call${call ? ` · in ${u!.input} + cached ${u!.cacheRead}${cacheWrite} · out ${u!.output} (reasoning ${u!.reasoning}) · ${money(call.costUsd)} · ${latency}` : ''}${p.error ? ` · error: ${cut(p.error)}` : ''}`);
        break;
      }
      case 'model_message':
        lines.push(`   says: ${cut(p.text)}`);
        break;
      case 'tool_call':
        lines.push(`   ${event.toolCategory ?? 'other'} ▸ ${p.tool}(${cut(JSON.stringify(p.input), 160)})`);
        break;
      case 'tool_result': {
        const size = typeof p.outputBytes === 'number' ? `${p.outputBytes} bytes` : typeof p.turnResultsTokensApprox === 'number' ? `~${p.turnResultsTokensApprox} tokens for the turn's results` : 'size unknown';
        lines.push(`     ↳ ${p.isError ? 'error, ' : ''}${size}${p.exitCode !== undefined ? `, exit ${p.exitCode}` : ''}`);
        break;
      }
      case 'command':
        lines.push(`   $ ${cut(p.command)}`);
        break;
      case 'output':
        lines.push(`     ↳ ${p.exitCode !== undefined ? `exit ${p.exitCode}` : 'output'}: ${cut(p.stdout || p.stderr || p.text, 160)}`);
        break;
      case 'test_result':
        lines.push(`   test ${p.outcome === 'passed' ? 'PASS' : 'FAIL'} ${p.name}`);
        break;
      default:
        lines.push(`   ${event.kind}: ${cut(JSON.stringify(p))}`);
    }
  }
  if (trial.status !== 'passed' && trial.status !== 'queued' && trial.status !== 'running') lines.push(...whyItFailed(trial));
  return lines;
}

const OUTPUT_TAIL_LINES = 30;

/** For a trial that did not pass: its test results as a table and the end of the verifier's (or build's) output. */
export function whyItFailed(trial: TrialRecord): string[] {
  const lines: string[] = [];
  if (trial.tests.length > 0) {
    lines.push('', `tests (${trial.testsPassed ?? 0} passed, ${trial.testsFailed ?? 0} failed):`);
    const table = formatTable(['TEST', 'STATUS'], trial.tests.map((t) => [t.name, t.status]));
    lines.push(...table.split('\n').map((l) => `  ${l}`.trimEnd()));
  }
  const kept = trial.findings.find((f) => f.kind === 'verifier_output') ?? trial.findings.find((f) => f.kind === 'detail');
  const text = typeof kept?.text === 'string' ? kept.text.trimEnd() : '';
  if (text) {
    const all = text.split('\n');
    const tail = all.slice(-OUTPUT_TAIL_LINES);
    const what = kept?.kind === 'verifier_output' ? "the verifier's output" : 'output';
    lines.push('', `${what}${all.length > tail.length ? ` (last ${tail.length} of ${all.length} lines)` : ''}:`, ...tail.map((l) => `  | ${l}`));
  } else if (trial.tests.length === 0) {
    lines.push('', 'no test results and no verifier output were recorded for this trial');
  }
  return lines;
}

export function registerRunsCommands(program: Command): void {
  program
    .command('runs')
    .description('List the runs in the results database.')
    .option('--db <file>', `results database (default: ${DEFAULT_DB})`)
    .option('--json', 'print {"runs": [...]}')
    .action(async (options: { db?: string; json?: boolean }) => {
      const store = await openCliStore(options.db);
      try {
        const data = runsJson(store);
        if (options.json) process.stdout.write(JSON.stringify(data, null, 2) + '\n');
        else if (data.runs.length === 0) process.stdout.write(`no runs in ${store.path}\n`);
        else process.stdout.write(formatTable(['RUN', 'STATUS', 'HARNESS', 'MODELS', 'TRIALS', 'PASSED', 'UNFINISHED', 'SPEND', 'CREATED'],
          data.runs.map((r) => [r.id, r.status, r.harness, r.models.join(',') || '-', String(r.trials), String(r.passed), String(r.unfinished), formatUsd(r.costUsd), r.createdAt.slice(0, 19)])) + '\n');
      } finally {
        await store.close();
      }
    });

  program
    .command('show')
    .description("Show one trial's transcript: each LLM call with tokens and cost, tool calls, outputs, test results.")
    .argument('<trialId>', 'a trial id (see `kilobench report RUN_ID` or the store)')
    .option('--db <file>', `results database (default: ${DEFAULT_DB})`)
    .option('--json', 'print the trial, its calls and its transcript as JSON')
    .action(async (trialId: string, options: { db?: string; json?: boolean }) => {
      const store = await openCliStore(options.db);
      try {
        const trial = store.getTrial(trialId);
        if (!trial) throw new UsageError(`no trial ${trialId} in ${store.path}`);
        if (options.json) process.stdout.write(JSON.stringify({ trial, calls: store.listLlmCalls(trialId), transcript: store.listTranscript(trialId) }, null, 2) + '\n');
        else process.stdout.write(transcriptLines(store, trial).join('\n') + '\n');
      } finally {
        await store.close();
      }
    });
}
