/**
 * A report straight from the store: one run, or several runs compared side by side (e.g. the same
 * models through the kilo and builtin harnesses). Trials are grouped by (model, harness), so
 * merging runs is enough to compare them.
 */
import { analyseRun, usagePricer } from '../analysis';
import type { PriceOverrides } from '../pricing/overrides';
import type { RunRecord, Store } from '../store';
import { buildReport, type Report } from './json-report';

/** Price overrides recorded with the runs' models, so the spend split uses the prices the run used. */
function overridesOf(runs: RunRecord[]): PriceOverrides {
  const overrides: PriceOverrides = {};
  for (const run of runs) {
    const specs = (run.plan as { modelSpecs?: unknown }).modelSpecs;
    for (const spec of Array.isArray(specs) ? specs : []) {
      const s = spec as { id?: string; model?: string; price?: PriceOverrides[string] | null };
      if (s.price && s.id) {
        overrides[s.id] = s.price;
        if (s.model) overrides[s.model] = s.price;
      }
    }
  }
  return overrides;
}

/** Several runs as one record, for the report's header. */
function mergedRun(runs: RunRecord[]): RunRecord {
  if (runs.length === 1) return runs[0]!;
  const first = runs[0]!;
  const unique = (values: string[]) => [...new Set(values)];
  return {
    ...first,
    id: runs.map((r) => r.id).join('+'),
    name: runs.map((r) => r.name || r.id).join(' vs '),
    status: runs.every((r) => r.status === 'finished') ? 'finished' : first.status,
    finishedAt: runs.map((r) => r.finishedAt).filter((t): t is string => Boolean(t)).sort().pop() ?? null,
    plan: {
      ...first.plan,
      tasks: unique(runs.flatMap((r) => r.plan.tasks)),
      models: unique(runs.flatMap((r) => r.plan.models)),
      harness: unique(runs.map((r) => r.plan.harness)).join('+'),
    },
  };
}

export class ReportError extends Error {}

export function reportFromStore(store: Store, runIds: string[], options: { seed?: number; generatedAt?: string } = {}): Report {
  const runs = runIds.map((id) => {
    const run = store.getRun(id);
    if (!run) throw new ReportError(`no run ${id} in ${store.path} (see \`kilobench runs\`)`);
    return run;
  });
  const trials = runs.flatMap((r) => store.listTrials(r.id));
  const calls = trials.flatMap((t) => store.listLlmCalls(t.id));
  const events = trials.flatMap((t) => store.listTranscript(t.id));
  const analysis = analyseRun({ trials, calls, events, pricer: usagePricer(overridesOf(runs)), ...(options.seed !== undefined ? { seed: options.seed } : {}) });
  return buildReport(mergedRun(runs), analysis, options.generatedAt ? { generatedAt: options.generatedAt } : {});
}
