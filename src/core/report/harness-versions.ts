/**
 * The "harness versions" section of a report (analysis/harness-versions.ts): per model, what each
 * step from one harness version to the next changed, with paired intervals on the shared tasks,
 * as a terminal table with one plain sentence per step, and as an HTML section. Empty when no
 * harness ran at two versions.
 */
import { formatVersionChange, type HarnessVersionStep } from '../analysis/harness-versions';
import { escapeHtml } from './escape';

const e = escapeHtml;

export const HARNESS_VERSION_COLUMNS = ['model', 'harness', 'from → to', 'tasks', 'pass rate', 'cost/attempt', 'cost to complete', 'calls/attempt', 're-sent context'] as const;

export function harnessVersionRows(steps: readonly HarnessVersionStep[]): string[][] {
  return steps.map((s) => [
    s.model, s.harness, `${s.from.version} → ${s.to.version}`, String(s.tasks),
    formatVersionChange(s.passRate), formatVersionChange(s.costPerAttempt), formatVersionChange(s.costToComplete),
    formatVersionChange(s.callsPerAttempt), formatVersionChange(s.resentContextShare),
  ]);
}

const NOTE = 'Changes from each version to the next on the tasks both ran: pass rate and re-sent context share in percentage points, costs and calls in % of the older version; [95% paired bootstrap interval over the shared tasks]; "unchanged" = the interval includes 0.';

/** The section as text (nothing when there is no version step). */
export function formatHarnessVersions(steps: readonly HarnessVersionStep[]): string {
  if (steps.length === 0) return '';
  const rows = harnessVersionRows(steps);
  const header = [...HARNESS_VERSION_COLUMNS];
  const widths = header.map((h, i) => Math.max([...h].length, ...rows.map((r) => [...(r[i] ?? '')].length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i >= 3 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  return ['Harness versions', '', line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), '', ...steps.map((s) => s.sentence), NOTE].join('\n') + '\n';
}

/** The section as HTML (nothing when there is no version step). */
export function harnessVersionsHtml(steps: readonly HarnessVersionStep[]): string {
  if (steps.length === 0) return '';
  const rows = harnessVersionRows(steps).map((r) => `<tr>${r.map((c, i) => `<td${i >= 3 ? ' class="num"' : ''}>${e(c)}</td>`).join('')}</tr>`);
  return '<h2 id="harness-versions">Harness versions</h2>'
    + `<div class="table-wrap"><table><thead><tr>${HARNESS_VERSION_COLUMNS.map((h, i) => `<th${i >= 3 ? ' class="num"' : ''}>${e(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`
    + `<ul class="notes">${steps.map((s) => `<li>${e(s.sentence)}</li>`).join('')}<li>${e(NOTE)}</li></ul>`;
}
