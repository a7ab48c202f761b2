/** Exports of a run's report as CSV (two tables), JSON or a self-contained HTML page. */
import * as vscode from 'vscode';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExportFormat } from '../protocol';
import type { Ctx } from './context';
import { loadReport } from './report-data';

const FILTERS: Record<ExportFormat, Record<string, string[]>> = {
  csv: { 'CSV (per model; per task beside it)': ['csv'] },
  json: { 'JSON report': ['json'] },
  html: { 'HTML report': ['html'] },
};

export async function pickExportFormat(): Promise<ExportFormat | undefined> {
  const picked = await vscode.window.showQuickPick([
    { label: 'HTML', description: 'one self-contained page to share', format: 'html' as const },
    { label: 'CSV', description: 'per model, and per task and model', format: 'csv' as const },
    { label: 'JSON', description: 'the full report (same as kilobench report --format json)', format: 'json' as const },
  ], { title: 'Export the report as…' });
  return picked?.format;
}

/**
 * Asks where to save (unless `targetPath` is given, for automation), writes the file(s), and returns
 * the path (null when the user cancelled).
 */
export async function exportReport(ctx: Ctx, runIds: readonly string[], format: ExportFormat, targetPath?: string): Promise<string | null> {
  const base = runIds.length === 1 ? `kilobench-${runIds[0]}` : `kilobench-comparison-${runIds.length}-runs`;
  const dir = ctx.config.workspaceRoot ?? ctx.extension.globalStorageUri.fsPath;
  const target = targetPath ? vscode.Uri.file(targetPath) : await vscode.window.showSaveDialog({
    title: `Export the KiloBench report as ${format.toUpperCase()}`,
    defaultUri: vscode.Uri.file(join(dir, `${base}${format === 'csv' ? '-models' : ''}.${format}`)),
    filters: FILTERS[format],
  });
  if (!target) return null;
  const { report } = await ctx.engine.read((ready) => loadReport(ready, runIds));
  const core = (await ctx.engine.ready()).core;
  const path = target.fsPath;
  if (format === 'json') await writeFile(path, core.reportJson(report));
  else if (format === 'csv') {
    await writeFile(path, core.modelsCsv(report));
    const tasksPath = path.replace(/(-models)?\.csv$/i, '') + '-tasks.csv';
    await writeFile(tasksPath, core.tasksCsv(report));
  } else {
    // The page's script (charts and Chart.js) is read from dist/webview/ beside the core bundle.
    await writeFile(path, core.renderHtmlReport(report));
  }
  ctx.log.info(`exported ${runIds.join(', ')} as ${format}: ${path}`);
  if (targetPath) return path;
  void vscode.window.showInformationMessage(`KiloBench report saved: ${path}`, 'Open').then((choice) => {
    if (!choice) return;
    if (format === 'html') void vscode.env.openExternal(vscode.Uri.file(path));
    else void vscode.window.showTextDocument(vscode.Uri.file(path));
  });
  return path;
}
