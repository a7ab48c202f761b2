/**
 * The transcript of one trial: header (task, model, harness, status, duration, tokens by kind,
 * cost, tests), cumulative cost, the timeline of LLM calls and tool calls (outputs collapsed and
 * only rendered when opened; the timeline shown a page at a time), findings and verifier output.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import type { Chart } from 'chart.js';
import type { StepView, TranscriptFilters, TranscriptView } from '../src/protocol';
import { formatCount } from '../src/core/format';
import { cumulativeChart } from './charts';
import { clear, h, root, showLoadFailure } from './dom';
import { getState, on, request, setState, watchProblems } from './rpc';
import { onThemeChange, palette } from './theme';

const PAGE = 150;

interface TranscriptState {
  trialId: string;
  shown: number;
}

let view: TranscriptView | undefined;
let shown = getState<TranscriptState>().shown ?? PAGE;
let chart: Chart | undefined;

function save(): void {
  if (view) setState<TranscriptState>({ trialId: view.trialId, shown });
}

/** A <details> whose content is built only when first opened (large outputs stay cheap). */
function lazyDetails(summary: string, build: () => Node, cls = ''): HTMLElement {
  const details = h('details', { class: `lazy ${cls}` }, h('summary', null, summary));
  details.addEventListener('toggle', () => {
    if ((details as HTMLDetailsElement).open && details.childElementCount === 1) details.append(build());
  });
  return details;
}

function pre(text: string): HTMLElement {
  return h('pre', { class: 'output' }, text);
}

function stepEl(step: StepView): HTMLElement {
  switch (step.kind) {
    case 'llm': {
      const t = step.tokens;
      return h('li', { class: `step llm${step.error ? ' failed' : ''}`, 'data-kind': 'llm' },
        h('div', { class: 'step-head' },
          h('span', { class: 'step-kind' }, `LLM call #${step.seq}`),
          h('span', { class: 'muted' }, `in ${formatCount(t.input)} · cached ${formatCount(t.cacheRead)}${t.cacheWrite ? ` · cache write ${formatCount(t.cacheWrite)}` : ''} · out ${formatCount(t.output)}${t.reasoning ? ` (reasoning ${formatCount(t.reasoning)})` : ''}`),
          h('span', { class: 'step-cost' }, step.costText),
          h('span', { class: 'muted' }, step.latencyText)),
        step.toolNames.length ? h('div', { class: 'muted small' }, `asks for: ${step.toolNames.join(', ')}`) : '',
        step.text ? lazyDetails('response text', () => pre(step.text)) : '',
        step.error ? h('p', { class: 'error' }, step.error) : '');
    }
    case 'tool':
      return h('li', { class: `step tool${step.isError ? ' failed' : ''}`, 'data-kind': 'tool', 'data-tool': step.tool },
        h('div', { class: 'step-head' },
          h('span', { class: `cat cat-${step.category}` }, step.category),
          h('span', { class: 'step-kind tool-name' }, step.tool),
          step.exitCode !== null ? h('span', { class: step.exitCode === 0 ? 'muted' : 'error' }, `exit ${step.exitCode}`) : '',
          step.durationText ? h('span', { class: 'muted' }, step.durationText) : ''),
        step.input ? h('pre', { class: 'input' }, step.input.length > 2000 ? `${step.input.slice(0, 2000)}…` : step.input) : '',
        step.output !== null
          ? lazyDetails(`output${step.outputBytes !== null ? ` (${formatCount(step.outputBytes)} bytes)` : ''}${step.isError ? ' · error' : ''}`, () => pre(step.output || '(empty)'), 'tool-output')
          : h('p', { class: 'muted small' }, 'no output recorded'));
    case 'message':
      return h('li', { class: 'step message', 'data-kind': 'message' }, h('div', { class: 'step-head' }, h('span', { class: 'step-kind' }, 'model says')), h('p', { class: 'says' }, step.text.length > 1500 ? `${step.text.slice(0, 1500)}…` : step.text));
    case 'note':
      return h('li', { class: `step note${step.label === 'error' ? ' failed' : ''}`, 'data-kind': 'note' }, h('div', { class: 'step-head' }, h('span', { class: 'step-kind' }, step.label)), step.text ? pre(step.text) : '');
    case 'telemetry':
      return h('li', { class: 'step telemetry', 'data-kind': 'telemetry', title: `What ${step.source} reports about itself: not the model's words; costs come from the metered LLM calls` },
        h('span', { class: 'tele-source' }, `${step.source} telemetry`), ' ', h('span', { class: 'muted small' }, step.text));
    default:
      return h('li', { class: 'step note' });
  }
}

/** next/previous and the filters: one tab walks the run's trials. */
function navBar(v: TranscriptView): HTMLElement {
  const n = v.nav;
  const select = (id: keyof TranscriptFilters, label: string, values: string[]) => h('label', { class: 'nav-filter' }, h('span', { class: 'muted small' }, label),
    h('vscode-single-select', {
      id: `filter-${id}`, 'data-filter': id,
      onchange: (e: Event) => {
        const value = (e.target as HTMLElement & { value: string }).value;
        void request('transcript/show', { trialId: null, filters: { ...n.filters, [id]: value === '*' ? null : value } });
      },
    }, h('vscode-option', { value: '*', selected: n.filters[id] === null }, 'all'), values.map((x) => h('vscode-option', { value: x, selected: n.filters[id] === x }, x.replace(/_/g, ' ')))));
  return h('nav', { class: 'trial-nav', id: 'trial-nav' },
    h('vscode-button', { id: 'prev-trial', secondary: true, disabled: !n.prevTrialId, title: 'Previous trial', onclick: () => n.prevTrialId && void request('transcript/show', { trialId: n.prevTrialId, filters: null }) }, '‹ Previous'),
    h('span', { id: 'nav-position', class: 'muted' }, n.index > 0 ? `trial ${n.index} of ${n.count}` : `not among the ${n.count} shown by the filters`),
    h('vscode-button', { id: 'next-trial', secondary: true, disabled: !n.nextTrialId, title: 'Next trial', onclick: () => n.nextTrialId && void request('transcript/show', { trialId: n.nextTrialId, filters: null }) }, 'Next ›'),
    h('span', { class: 'nav-filters' },
      select('task', 'task', n.choices.tasks),
      select('model', 'model', n.choices.models),
      select('status', 'status', n.choices.statuses)));
}

function verdictCard(v: TranscriptView): HTMLElement {
  const d = v.verdict;
  const tone = d.passed === true ? 'pass' : d.passed === false ? 'fail' : 'warn';
  return h('section', { class: `card verdict verdict-${tone}`, id: 'verdict' },
    h('h2', null, 'Verdict: ', h('span', { class: `status s-${d.status}` }, d.status.replace(/_/g, ' '))),
    h('p', { id: 'verdict-reason' }, d.reason),
    d.failedTests.length ? h('p', null, 'Failed: ', d.failedTests.map((t, i) => [i ? ', ' : '', h('code', null, t)]).flat()) : '',
    d.verifierTail ? h('details', { class: 'verifier-tail', open: d.passed === false }, h('summary', null, 'Verifier output (last lines)'), pre(d.verifierTail)) : '');
}

function testsTable(v: TranscriptView): HTMLElement {
  if (!v.tests.length) return h('p', { class: 'muted' }, 'No per-test results.');
  return h('div', { class: 'table-wrap' }, h('table', { class: 'data compact tests-table', id: 'tests' },
    h('thead', null, h('tr', null, h('th', null, 'Test'), h('th', null, 'Result'))),
    h('tbody', null, v.tests.map((t) => h('tr', { 'data-status': t.status }, h('td', { class: 'test-name' }, h('code', null, t.name)), h('td', null, h('span', { class: `status s-${t.status}` }, t.status)))))));
}

function renderTimeline(): void {
  const list = document.getElementById('timeline');
  const more = document.getElementById('more');
  if (!list || !view) return;
  clear(list);
  list.append(...view.steps.slice(0, shown).map(stepEl));
  if (more) {
    clear(more);
    if (view.steps.length > shown) {
      more.append(h('vscode-button', { secondary: true, id: 'show-more', onclick: () => { shown += PAGE; save(); renderTimeline(); } }, `Show ${Math.min(PAGE, view.steps.length - shown)} more of ${view.steps.length - shown} remaining steps`));
    }
  }
}

function drawChart(): void {
  chart?.destroy();
  chart = undefined;
  const canvas = document.getElementById('chart-cumulative') as HTMLCanvasElement | null;
  if (canvas && view && view.cumulative.length) chart = cumulativeChart(canvas, view, palette());
}

function render(): void {
  if (!view) return;
  const v = view;
  const hd = v.header;
  const scrollY = window.scrollY;
  const el = root();
  clear(el);
  el.removeAttribute('aria-busy');
  const tools = v.steps.filter((s) => s.kind === 'tool').length;
  const calls = v.steps.filter((s) => s.kind === 'llm').length;
  const tests = hd.testsPassed !== null || hd.testsFailed !== null ? `${hd.testsPassed ?? 0} passed, ${hd.testsFailed ?? 0} failed` : '—';
  el.append(
    navBar(v),
    h('header', { class: 'page-head' },
      h('div', null,
        h('h1', null, `${hd.task} · ${hd.model}`, v.live ? h('vscode-badge', { class: 'live' }, 'live') : ''),
        h('p', { class: 'muted' }, `${hd.harness} harness · trial ${v.trialId}`, hd.engine ? h('span', { id: 'trial-engine', title: 'the Docker engine of the run\'s pool this trial ran on' }, ` · engine ${hd.engine}`) : ''))),
    h('div', { class: 'totals' },
      fact('status', h('span', { class: `status s-${hd.status}`, id: 'trial-status' }, hd.status.replace(/_/g, ' '))),
      fact('duration', hd.durationText),
      fact('cost', hd.costText),
      fact('LLM calls', String(calls)),
      fact('tool calls', String(tools)),
      fact('tests', tests)),
    h('p', { class: 'muted tokens' }, `tokens: input ${formatCount(hd.tokens.input)} · cache read ${formatCount(hd.tokens.cacheRead)} · cache write ${formatCount(hd.tokens.cacheWrite)} · output ${formatCount(hd.tokens.output)} · reasoning ${formatCount(hd.tokens.reasoning)}`),
    verdictCard(v),
    h('section', { class: 'card', id: 'instruction' }, h('h2', null, 'Task instruction'),
      v.instruction ? h('details', { open: true }, h('summary', { class: 'muted small' }, `${v.instruction.split('\n').length} lines, as the agent got it`), h('pre', { class: 'instruction' }, v.instruction)) : h('p', { class: 'muted' }, 'This run kept no copy of the task.')),
    h('div', { class: 'grid' },
      h('section', { class: 'card' }, h('h2', null, 'Cumulative cost'),
        v.cumulative.length ? h('div', { class: 'chart-box' }, h('canvas', { id: 'chart-cumulative', role: 'img', 'aria-label': 'cumulative cost after each LLM call' })) : h('p', { class: 'muted' }, 'No metered LLM calls.')),
      h('section', { class: 'card' }, h('h2', null, 'Tests'), testsTable(v))),
    h('section', { class: 'card' }, h('h2', null, `Timeline (${v.steps.length} steps)`),
      h('ol', { class: 'timeline', id: 'timeline' }),
      h('div', { id: 'more' })),
    v.findings.length ? h('section', { class: 'card', id: 'findings' }, h('h2', null, 'Findings'),
      h('ul', { class: 'plain' }, v.findings.map((f) => h('li', null, h('strong', null, f.kind.replace(/_/g, ' ')), f.text.length > 200 ? lazyDetails(`${f.text.slice(0, 120)}…`, () => pre(f.text)) : ` ${f.text}`)))) : '',
    h('section', { class: 'card', id: 'verifier' }, h('h2', null, 'Verifier output'),
      v.verifierOutput ? lazyDetails(`${v.verifierOutput.split('\n').length} lines`, () => pre(v.verifierOutput as string)) : h('p', { class: 'muted' }, 'Not recorded.')),
  );
  renderTimeline();
  drawChart();
  window.scrollTo(0, scrollY);
  document.body.dataset.ready = '1';
}

function fact(label: string, value: string | HTMLElement): HTMLElement {
  return h('div', { class: 'stat' }, h('span', { class: 'stat-value' }, value), h('span', { class: 'stat-label' }, label));
}

async function main(): Promise<void> {
  watchProblems();
  on('transcript/data', (v) => {
    const other = view?.trialId !== v.trialId;
    view = v;
    if (other) shown = PAGE;
    save();
    render();
    if (other) window.scrollTo(0, 0);
  });
  onThemeChange(drawChart);
  try {
    view = await request('transcript/data', {});
    save();
    render();
  } catch (e) {
    showLoadFailure('load the transcript', e);
  }
}

void main();
