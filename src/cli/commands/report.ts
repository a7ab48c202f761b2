/** `kilobench report`: the leaderboard and everything behind it, as a table, JSON, CSV or one HTML file. */
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { enginesCsv, formatEngines, formatHarnessVersions, formatLeaderboard, modelsCsv, renderHtmlReport, reportFromStore, reportJson, tasksCsv } from '../../core/report';
import { loadPriceFile, parseRepriceAs, type PriceSheet } from '../../core/pricing';
import { UsageError } from '../errors';
import { DEFAULT_DB, openCliStore } from '../store';

const FORMATS = ['table', 'json', 'csv', 'html'] as const;
type Format = (typeof FORMATS)[number];

export function registerReportCommand(program: Command): void {
  program
    .command('report')
    .description('Report a run: leaderboard (pass rate with CI, cost per attempt, cost to complete), fingerprints, complementarity, Pareto front.')
    .argument('[runId]', 'the run (default: the newest)')
    .option('-f, --format <format>', `${FORMATS.join(' | ')}`, 'table')
    .option('-o, --out <file>', 'write to a file instead of stdout (html defaults to report.html beside the results database)')
    .option('--compare <runId>', 'report another run beside this one, e.g. the same models through another harness (repeatable)', (v: string, prev: string[] | undefined) => [...(prev ?? []), v])
    .option('--prices <file>', 'what-if: price the run again from its stored usage with these prices (JSON: model id → { input, output, cacheRead?, cacheWrite?, reasoning? } in $ per million tokens); other models keep their recorded prices')
    .option('--reprice-as <provider/model>', 'what-if: price every call as this model of this provider, e.g. anthropic/claude-sonnet-4-5')
    .option('--db <file>', `results database (default: ${DEFAULT_DB})`)
    .action(async (runId: string | undefined, options: { format: string; out?: string; compare?: string[]; db?: string; prices?: string; repriceAs?: string }) => {
      if (!(FORMATS as readonly string[]).includes(options.format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, not "${options.format}"`);
      const format = options.format as Format;
      if (options.prices && options.repriceAs) throw new UsageError('give --prices or --reprice-as, not both');
      let prices: PriceSheet | undefined;
      if (options.prices) prices = loadPriceFile(options.prices);
      if (options.repriceAs) prices = parseRepriceAs(options.repriceAs);
      const store = await openCliStore(options.db);
      let text: string;
      try {
        const id = runId ?? store.listRuns()[0]?.id;
        if (!id) throw new UsageError(`no runs in ${store.path}: start one with \`kilobench run\` or \`kilobench demo\``);
        // The terminal table and the CSV show no paired comparison: they skip the bootstrap.
        const report = reportFromStore(store, [id, ...(options.compare ?? [])], {
          generatedAt: new Date().toISOString(), comparisons: format === 'json' || format === 'html', ...(prices ? { prices } : {}),
        });
        text = format === 'json' ? reportJson(report)
          : format === 'csv' ? [modelsCsv(report), tasksCsv(report), enginesCsv(report)].filter(Boolean).join('\n')
          : format === 'html' ? renderHtmlReport(report)
          : [formatLeaderboard(report), formatHarnessVersions(report.harnessVersions), formatEngines(report.engines)].filter(Boolean).join('\n');
      } finally {
        await store.close();
      }
      const out = options.out ?? (format === 'html' ? join(dirname(options.db ?? DEFAULT_DB), 'report.html') : undefined);
      if (out) {
        mkdirSync(dirname(resolve(out)), { recursive: true });
        writeFileSync(out, text);
        process.stderr.write(`wrote ${resolve(out)}\n`);
      } else {
        process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
      }
    });
}
