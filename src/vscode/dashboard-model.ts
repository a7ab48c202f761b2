/**
 * What the dashboard shows for a report: leaderboard rows, chart series, the task × model heatmap
 * and the complementarity summary, with every number already formatted the way the CLI and the
 * HTML report format it. Pure (no VS Code): unit-tested against reports built from plain records.
 */
import {
  chartView, formatCompletion, formatCost, formatPercent, formatPoints, groupLabel, HARNESS_VERSION_COLUMNS, harnessVersionRows, leaderboardNotes, mixesHarnesses, orderedModels, type Report,
} from '../core/report';
import type { TrialRecord } from '../core/store';
import type { ComplementarityView, DashboardView, HeatCell, HeatmapView, LeaderboardRow, TrialRow } from '../protocol';
import { duration, money } from './runs-model';

function ciText(ci: readonly [number, number], attempts: number): string {
  return attempts === 0 ? '' : `[${(ci[0] * 100).toFixed(0)}–${(ci[1] * 100).toFixed(0)}%]`;
}

export function leaderboard(report: Report): LeaderboardRow[] {
  const models = orderedModels(report);
  const showHarness = mixesHarnesses(models);
  return models.map((m, series): LeaderboardRow => {
    const attempted = m.costToComplete.solvedTasks + m.costToComplete.unsolvedTasks;
    const none = m.attempts === 0 ? '—' : 'unpriced';
    return {
      label: groupLabel(m, showHarness),
      model: m.model,
      harness: m.harness,
      simulated: m.simulated,
      series,
      attempts: m.attempts,
      passed: m.passed,
      passRate: m.passRate,
      passRateText: formatPercent(m.passRate, 0),
      ciText: ciText(m.passRateCI, m.attempts),
      costPerAttempt: m.costPerAttempt.mean,
      costPerAttemptText: formatCost(m.costPerAttempt.mean, none),
      costToCompleteText: formatCompletion(m.costToComplete.perPass, none),
      solvedOnlyText: formatCompletion(m.costToComplete.expected, none),
      unsolvedText: `${m.costToComplete.unsolvedTasks}/${attempted}`,
      onPareto: m.onPareto,
    };
  });
}

export function heatmap(report: Report): HeatmapView {
  const models = orderedModels(report);
  const showHarness = mixesHarnesses(models);
  const groups = models.map((m) => ({ label: groupLabel(m, showHarness), model: m.model, harness: m.harness }));
  const tasks = report.tasks.map((t) => t.task);
  const cells = report.tasks.map((t) => groups.map((g): HeatCell | null => {
    const r = t.results.find((x) => x.model === g.model && x.harness === g.harness);
    if (!r) return null;
    const cost = formatCost(r.costPerAttempt.mean, r.attempts === 0 ? '—' : 'unpriced');
    return {
      model: g.model,
      harness: g.harness,
      attempts: r.attempts,
      passed: r.passed,
      passRate: r.passRate,
      text: r.attempts === 0 ? (r.excluded ? `${r.excluded} excl.` : '—') : `${r.passed}/${r.attempts}`,
      title: `${t.task} · ${g.label}: ${r.passed} of ${r.attempts} attempts passed${r.excluded ? ` (${r.excluded} excluded)` : ''}; ${cost} per attempt; ${formatCompletion(r.costToComplete.expected, '—')} to complete. Click for its trials.`,
    };
  }));
  return { tasks, groups, cells };
}

export function complementarityView(report: Report): ComplementarityView {
  const c = report.complementarity;
  const showHarness = mixesHarnesses(report.models);
  const name = (g: { model: string; harness: string }) => groupLabel(g, showHarness);
  const lines = [
    `${c.tasksSolvedByAny} of ${c.tasksConsidered} task(s) solved by some model; ${c.tasksSolvedByNone} by none.`,
    c.bestSingle ? `Best single model: ${name(c.bestSingle)} at ${formatPercent(c.bestSingle.passRate)}.` : 'Best single model: —',
    c.oraclePassRate === null ? 'Oracle (best model per task): —' : `Oracle (best model per task): ${formatPercent(c.oraclePassRate)}${c.oracleGain === null ? '' : `, ${formatPoints(c.oracleGain)} over the best single model`}.`,
    c.router.passRate === null ? 'Cheapest-solver router: —'
      : `Cheapest-solver router: ${formatPercent(c.router.passRate)} pass rate over all ${c.tasksConsidered} task(s), ${formatCompletion(c.router.costPerPass)} to complete (per pass), ${formatCost(c.router.costPerAttempt)} per attempt; solved-only ${formatCompletion(c.router.costToComplete)} per solved task, ${c.tasksConsidered - c.router.solvedTasks} unsolved.`,
  ];
  if (c.tasksSkipped.length) lines.push(`Left out (not attempted by every model): ${c.tasksSkipped.join(', ')}.`);
  return { lines, uniqueSolves: c.solvedByExactlyOne.map((x) => ({ task: x.task, label: name(x) })) };
}

/**
 * Trials per (task, model) as the runs hold them: a comparison of a 2-trial run with a 1-trial run
 * says "1–2 trials per task and model", not the first run's plan.
 * TODO(figures): move beside the one formatter (and use it in html.ts's header too).
 */
export function trialsPerPairText(report: Report): string {
  const counts = report.tasks.flatMap((t) => t.results.map((r) => r.attempts + r.excluded)).filter((n) => n > 0);
  if (counts.length === 0) return `${report.run.trialsPerPair} ${report.run.trialsPerPair === 1 ? 'trial' : 'trials'} per task and model`;
  const low = Math.min(...counts);
  const high = Math.max(...counts);
  return low === high ? `${low} ${low === 1 ? 'trial' : 'trials'} per task and model` : `${low}–${high} trials per task and model`;
}

export function dashboardView(report: Report, live: boolean): DashboardView {
  const run = report.run;
  const view = chartView(report);
  return {
    runIds: run.id.split('+'),
    title: run.name || run.id,
    subtitle: [
      run.id.includes('+') ? `${run.id.split('+').length} runs` : `run ${run.id}`,
      `harness ${run.harness}`,
      trialsPerPairText(report),
      live ? 'running' : run.status,
    ].join(' · '),
    live,
    notes: leaderboardNotes(report),
    leaderboard: leaderboard(report),
    chart: {
      groups: view.groups.map((g) => ({
        label: g.label,
        series: g.series,
        passRate: g.passRate,
        ci: g.ci,
        cost: g.cost,
        onFront: g.onFront,
        completion: { perPass: g.completion.perPass, expected: g.completion.expected, state: g.completion.state, solved: g.completion.solved, unsolved: g.completion.unsolved },
        toolsPerAttempt: { ...g.toolsPerAttempt },
        readWriteRatio: g.readWriteRatio,
        shares: { resent: g.shares.resent, cacheHit: g.shares.cacheHit, reasoning: g.shares.reasoning },
      })),
      front: view.front,
      toolCategories: [...view.toolCategories],
    },
    heatmap: heatmap(report),
    complementarity: complementarityView(report),
    totals: {
      trials: run.totals.trials,
      attempts: run.totals.attempts,
      excluded: run.totals.excluded,
      spendText: formatCost(run.totals.spendUsd),
    },
    harnessVersions: {
      columns: [...HARNESS_VERSION_COLUMNS],
      rows: harnessVersionRows(report.harnessVersions ?? []),
      sentences: (report.harnessVersions ?? []).map((s) => s.sentence),
    },
  };
}

/** The trials behind one heatmap cell. */
export function pairTrials(trials: readonly TrialRecord[], task: string, model: string, harness: string): TrialRow[] {
  return trials
    .filter((t) => t.taskId === task && t.modelId === model && t.harness === harness)
    .sort((a, b) => a.trialIndex - b.trialIndex)
    .map((t) => ({
      trialId: t.id,
      task: t.taskId,
      label: `${t.taskId} #${t.trialIndex + 1}`,
      status: t.status,
      costText: money(t.costUsd),
      durationText: duration(t.durationMs),
    }));
}
