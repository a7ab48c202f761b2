/**
 * The Benchmark sidebar: a form (tasks, models, harness, trials, concurrency, budgets) and the
 * active run (progress, passes, spend, spend rate, Cancel). The form's choices are kept with
 * setState, so hiding and showing the view loses nothing.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import '@vscode-elements/elements/dist/vscode-radio/index.js';
import '@vscode-elements/elements/dist/vscode-radio-group/index.js';
import type { ForecastView, HarnessOption, LiveTrialView, ModelOption, RangeView, RunStatusView, BenchmarkOptions, StartRunParams, TaskOption } from '../src/protocol';
import { formatDuration, formatUsd, plural } from '../src/core/format';
import { clear, h, root, showLoadFailure } from './dom';
import { getState, on, request, setState, watchProblems } from './rpc';

interface FormState {
  tasks: string[];
  models: string[];
  harness: string;
  trials: number;
  concurrency: number;
  budget: string;
  trialBudget: string;
  filter: string;
}

type Field = HTMLElement & { value: string; checked?: boolean; disabled?: boolean };

let options: BenchmarkOptions | undefined;
let status: RunStatusView | null = null;
let form: FormState;
let error: string | null = null;
let starting = false;
/** When the last status arrived (this page's clock): elapsed times and the ETA tick from there. */
let statusAt = Date.now();
/** The forecast of the form's plan, or why there is none. */
let forecast: ForecastView | null = null;
let forecastProblem: string | null = null;
let forecastSeq = 0;
let forecastTimer: ReturnType<typeof setTimeout> | undefined;

function save(): void {
  setState(form);
}

function initialForm(o: BenchmarkOptions): FormState {
  const saved = getState<FormState>();
  return {
    tasks: saved.tasks ?? [],
    models: saved.models ?? [],
    harness: saved.harness && o.harnesses.some((x) => x.name === saved.harness) ? saved.harness : o.defaults.harness,
    trials: saved.trials ?? o.defaults.trialsPerPair,
    concurrency: saved.concurrency ?? o.defaults.concurrency,
    budget: saved.budget ?? (o.defaults.budgetUsd === null ? '' : String(o.defaults.budgetUsd)),
    trialBudget: saved.trialBudget ?? (o.defaults.trialBudgetUsd === null ? '' : String(o.defaults.trialBudgetUsd)),
    filter: saved.filter ?? '',
  };
}

/** Spend and elapsed time as every other view writes them (the one formatter). */
const money = formatUsd;
const elapsed = formatDuration;

function range(r: RangeView, unit: (x: number) => string): string {
  return `${unit(r.expected)} (${unit(r.low)}–${unit(r.high)})`;
}

/** Milliseconds since the last status arrived: what to add to its elapsed times. */
function sinceStatus(): number {
  return status && active() ? Math.max(0, Date.now() - statusAt) : 0;
}

function toggle(list: string[], value: string, on: boolean): string[] {
  const rest = list.filter((x) => x !== value);
  return on ? [...rest, value] : rest;
}

function needsModel(): boolean {
  return options?.harnesses.find((x) => x.name === form.harness)?.needsModel ?? true;
}

function parseBudget(text: string, what: string): number | null {
  if (!text.trim()) return null;
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${what} must be a number of dollars ≥ 0, or empty for no limit`);
  return n;
}

function params(): StartRunParams {
  const o = options as BenchmarkOptions;
  const taskKeys = form.tasks.filter((k) => o.tasks.some((t) => t.key === k && !t.problem));
  const modelIds = needsModel() ? form.models.filter((id) => o.models.some((m) => m.id === id)) : [];
  if (taskKeys.length === 0) throw new Error('pick at least one task');
  if (needsModel() && modelIds.length === 0) throw new Error(`the ${form.harness} harness needs at least one model`);
  if (!Number.isInteger(form.trials) || form.trials < 1 || form.trials > 100) throw new Error('trials per pair must be a whole number from 1 to 100');
  if (!Number.isInteger(form.concurrency) || form.concurrency < 1 || form.concurrency > 64) throw new Error('concurrency must be a whole number from 1 to 64');
  return {
    taskKeys, modelIds, harness: form.harness, trialsPerPair: form.trials, concurrency: form.concurrency,
    budgetUsd: parseBudget(form.budget, 'the run budget'), trialBudgetUsd: parseBudget(form.trialBudget, 'the trial budget'),
  };
}

function plannedTrials(): number {
  const o = options as BenchmarkOptions;
  const tasks = form.tasks.filter((k) => o.tasks.some((t) => t.key === k && !t.problem)).length;
  const models = needsModel() ? form.models.filter((id) => o.models.some((m) => m.id === id)).length : 1;
  return tasks * models * Math.max(1, form.trials);
}

function active(): boolean {
  return status !== null && (status.state === 'starting' || status.state === 'running' || status.state === 'cancelling');
}

async function start(): Promise<void> {
  error = null;
  let p: StartRunParams;
  try {
    p = params();
  } catch (e) {
    error = (e as Error).message;
    render();
    return;
  }
  starting = true;
  render();
  try {
    await request('run/start', p);
  } catch (e) {
    error = (e as Error).message;
  } finally {
    starting = false;
    render();
  }
}

function taskRow(t: TaskOption): HTMLElement {
  const box = h('vscode-checkbox', {
    'data-task': t.id,
    'data-key': t.key,
    checked: form.tasks.includes(t.key),
    disabled: Boolean(t.problem) || active(),
    title: t.problem ?? `${t.name} · ${t.format === 'harbor' ? 'Harbor' : 'TB 1.x'} · ${t.difficulty} · ${t.category}`,
    onchange: (e: Event) => {
      form.tasks = toggle(form.tasks, t.key, Boolean((e.target as Field).checked));
      save();
      renderSummary();
    },
  }) as Field;
  box.append(h('span', { class: 'opt-label' }, t.id), h('span', { class: 'opt-desc' }, t.problem ? 'invalid' : `${t.format === 'harbor' ? 'Harbor' : 'TB1'} · ${t.difficulty}`));
  return h('div', { class: 'opt' }, box);
}

function modelRow(m: ModelOption): HTMLElement {
  const box = h('vscode-checkbox', {
    'data-model': m.id,
    checked: form.models.includes(m.id),
    disabled: active(),
    title: `${m.id} · ${m.provider}${m.simulated ? ' · simulated provider (test and demo device, not a real model)' : ''}`,
    onchange: (e: Event) => {
      form.models = toggle(form.models, m.id, Boolean((e.target as Field).checked));
      save();
      renderSummary();
    },
  }) as Field;
  box.append(h('span', { class: 'opt-label' }, m.id), h('span', { class: 'opt-desc' }, m.simulated ? 'simulated' : m.provider));
  const key = m.keyName && !m.hasKey
    ? h('a', { class: 'key-link', href: '#', title: `no API key stored for ${m.keyName}`, onclick: (e: Event) => { e.preventDefault(); void request('keys/set', { keyName: m.keyName }); } }, 'set key')
    : null;
  return h('div', { class: 'opt' }, box, key);
}

function numberField(label: string, id: string, value: string, onValue: (v: string) => void, hint: string, placeholder?: string): HTMLElement {
  const field = h('vscode-textfield', {
    id, value, title: hint, disabled: active(), placeholder: placeholder ?? null,
    oninput: (e: Event) => { onValue((e.target as Field).value); save(); renderSummary(); },
  });
  return h('label', { class: 'field', for: id }, h('span', { class: 'field-label' }, label), field);
}

function renderSummary(): void {
  const el = document.getElementById('summary');
  if (!el || !options) return;
  const n = plannedTrials();
  const models = needsModel() ? form.models.filter((id) => options!.models.some((m) => m.id === id)).length : 1;
  const tasks = form.tasks.filter((k) => options!.tasks.some((t) => t.key === k)).length;
  el.textContent = `${plural(tasks, 'task')} × ${plural(models, 'model')} × ${plural(form.trials, 'trial')} = ${plural(n, 'trial')}`;
  const button = document.getElementById('start') as Field | null;
  if (button) button.disabled = n === 0 || active() || starting || !options.trusted;
  scheduleForecast();
}

/** Asks for the forecast of the form's plan a moment after the last change. */
function scheduleForecast(): void {
  if (forecastTimer) clearTimeout(forecastTimer);
  let p: StartRunParams;
  try {
    p = params();
  } catch {
    forecast = null;
    forecastProblem = null;
    renderForecast();
    return;
  }
  const seq = ++forecastSeq;
  forecastTimer = setTimeout(() => {
    request('run/forecast', p).then((f) => {
      if (seq !== forecastSeq) return;
      forecast = f;
      forecastProblem = null;
      renderForecast();
    }, (e: Error) => {
      if (seq !== forecastSeq) return;
      forecast = null;
      forecastProblem = e.message;
      renderForecast();
    });
  }, 300);
}

function renderForecast(): void {
  const el = document.getElementById('forecast');
  if (!el) return;
  clear(el);
  if (active()) return;
  if (forecastProblem) {
    el.append(h('span', { class: 'muted' }, `No forecast: ${forecastProblem}`));
    return;
  }
  if (!forecast) return;
  const f = forecast;
  el.dataset.ready = '1';
  el.append(
    h('div', { class: 'fc-line' }, h('span', { class: 'fc-label' }, 'Expected cost'), h('span', { id: 'fc-cost' }, f.costUsd ? range(f.costUsd, money) : 'unknown (no price, no history)')),
    h('div', { class: 'fc-line' }, h('span', { class: 'fc-label' }, 'Expected time'), h('span', { id: 'fc-time' }, range(f.durationMs, elapsed))),
    h('div', { class: 'muted small' }, `95% interval, from ${f.basis}`),
    f.budget?.likelyCross ? h('div', { class: 'warn-text', id: 'fc-budget' }, `Likely above the ${money(f.budget.budgetUsd)} budget: you will be asked before it starts.`)
      : f.budget?.mayCross ? h('div', { class: 'muted small', id: 'fc-budget' }, `May reach the ${money(f.budget.budgetUsd)} budget.`) : '');
}

const PHASE_TEXT: Record<LiveTrialView['phase'], string> = {
  waiting: 'waiting', image: 'building image', container: 'starting container', agent: 'agent working', verifier: 'running tests', cleanup: 'cleaning up',
};

/** `showEngine`: the run has more than one engine, so each trial says where it runs. */
function liveTrialRow(t: LiveTrialView, extra: number, showEngine: boolean): HTMLElement {
  const engine = showEngine && t.engine ? t.engine : null;
  return h('li', { class: `live-trial phase-${t.phase}`, 'data-trial': t.trialId, 'data-phase': t.phase, ...(engine ? { 'data-engine': engine } : {}) },
    h('div', { class: 'lt-name', title: `${t.task} · ${t.model}` }, h('span', null, t.task), t.model ? h('span', { class: 'muted' }, ` · ${t.model}`) : ''),
    // Its own line: engine names (user@host:port) are long and the name line is cut to the pane's width.
    engine ? h('div', { class: 'lt-engine muted', title: 'the Docker engine of the run\'s pool this trial runs on' }, `on ${engine}`) : '',
    h('div', { class: 'lt-state' },
      h('span', { class: 'phase' }, PHASE_TEXT[t.phase]), ' ',
      h('span', { class: 'muted', 'data-tick': 'phase' }, elapsed(t.phaseElapsedMs + extra)),
      h('span', { class: 'muted' }, ' · trial '), h('span', { class: 'muted', 'data-tick': 'trial' }, elapsed(t.elapsedMs + extra)),
      t.spendUsd > 0 ? h('span', { class: 'muted' }, ` · ${money(t.spendUsd)}`) : ''));
}

function runSection(): HTMLElement | null {
  if (!status) return null;
  const s = status;
  const live = active();
  const extra = sinceStatus();
  const bar = h('vscode-progress-bar', { 'aria-label': 'trials done', max: Math.max(1, s.total), value: s.done });
  if (s.total === 0 && live) bar.setAttribute('indeterminate', '');
  const eta = s.etaMs === null ? null : Math.max(0, s.etaMs - extra);
  const projected = s.projectedUsd;
  return h('section', { class: `run run-${s.state}`, id: 'run', 'data-state': s.state, 'aria-live': 'polite' },
    h('div', { class: 'run-head' },
      h('strong', null, live ? (s.state === 'starting' ? 'Starting' : s.state === 'cancelling' ? 'Cancelling' : 'Running') : s.state === 'finished' ? 'Finished' : s.state === 'cancelled' ? 'Cancelled' : 'Failed'),
      h('span', { class: 'muted', title: s.runId }, ` ${s.name}`)),
    bar,
    h('div', { class: 'stats' },
      stat('done', `${s.done}/${s.total}`, 'trials done'),
      stat('passed', String(s.passed), 'passed', 'pass'),
      stat('failed', String(s.failed), 'failed', 'fail'),
      s.errors ? stat('errors', String(s.errors), 'errors (not counted)', 'warn') : null,
      stat('spend', `${money(s.spendUsd)}${s.unpricedCalls ? '+' : ''}`, s.unpricedCalls ? `spend (+${s.unpricedCalls} unpriced calls)` : 'spent'),
      stat('elapsed', elapsed(s.elapsedMs + extra), 'elapsed'),
      live ? stat('eta', eta === null ? '—' : eta === 0 && s.done < s.total ? 'any moment' : elapsed(eta), 'time left (estimate)') : null),
    live && projected ? h('p', { class: 'muted small', id: 'projection' }, `Expected total ${range(projected, money)}: ${money(s.spendUsd)} spent + ${money(Math.max(0, projected.expected - s.spendUsd))} expected for ${plural(s.total - s.done, 'trial')} left`) : null,
    live && s.trials.length ? h('ul', { class: 'live-trials plain', id: 'live-trials' }, s.trials.map((t) => liveTrialRow(t, extra, (s.engineCount ?? 1) > 1))) : null,
    s.message ? h('p', { class: s.state === 'failed' ? 'error' : 'muted', id: 'run-message' }, s.message) : null,
    h('div', { class: 'buttons' },
      live ? h('vscode-button', { id: 'cancel', secondary: true, disabled: s.state === 'cancelling', onclick: () => void request('run/cancel', {}) }, 'Cancel') : null,
      h('vscode-button', { id: 'open-dashboard', secondary: true, onclick: () => void request('dashboard/open', { runId: s.runId }) }, 'Dashboard')));
}

function stat(id: string, value: string, label: string, tone = ''): HTMLElement {
  return h('div', { class: `stat ${tone}`, 'data-stat': id }, h('span', { class: 'stat-value' }, value), h('span', { class: 'stat-label' }, label));
}

/** `kilo` and `kilo@<version>` are one choice with a version picker. */
function isKilo(name: string): boolean {
  return name === 'kilo' || name.startsWith('kilo@');
}

function harnessRadio(x: HarnessOption, checked: boolean, label = x.name, description = x.description): HTMLElement {
  return h('vscode-radio', {
    name: 'harness', value: x.name, 'data-harness': x.name, checked, disabled: active(),
    onchange: (e: Event) => {
      if (!(e.target as Field).checked) return;
      form.harness = x.name;
      save();
      render();
    },
  }, h('span', { class: 'opt-label' }, label), h('span', { class: 'opt-desc' }, description));
}

function harnessSection(list: HarnessOption[]): HTMLElement {
  const agents = list.filter((x) => x.group === 'agent');
  const tests = list.filter((x) => x.group === 'test');
  const kiloAll = agents.filter((x) => isKilo(x.name));
  const kiloDefault = kiloAll.find((x) => x.name === 'kilo') ?? kiloAll[0];
  const rows = agents.filter((x) => !isKilo(x.name) || x === kiloDefault)
    .map((x) => (x === kiloDefault ? harnessRadio({ ...x, name: isKilo(form.harness) ? form.harness : x.name }, isKilo(form.harness), 'kilo', 'the Kilo CLI (pick a release below)') : harnessRadio(x, form.harness === x.name)));
  const versions = isKilo(form.harness) && kiloAll.length > 1
    ? h('label', { class: 'field kilo-version', for: 'kilo-version' }, h('span', { class: 'field-label' }, 'Kilo release'),
      h('vscode-single-select', {
        id: 'kilo-version', disabled: active(),
        onchange: (e: Event) => { form.harness = (e.target as Field).value; save(); render(); },
      }, kiloAll.map((x) => h('vscode-option', { value: x.name, selected: x.name === form.harness, description: x.description }, x.name === 'kilo' ? 'kilo (default release)' : x.name))))
    : '';
  return h('section', { class: 'block', id: 'harness' },
    h('div', { class: 'block-head' }, h('h3', null, 'Harness')),
    h('vscode-radio-group', { variant: 'vertical', id: 'harness-agents' }, rows),
    versions,
    tests.length ? h('div', { class: 'group-label' }, 'Test harnesses: check the tasks themselves, no model') : '',
    tests.length ? h('vscode-radio-group', { variant: 'vertical', id: 'harness-tests' }, tests.map((x) => harnessRadio(x, form.harness === x.name))) : '');
}

function render(): void {
  const el = root();
  clear(el);
  el.removeAttribute('aria-busy');
  if (!options) return;
  const o = options;
  const filter = form.filter.trim().toLowerCase();
  const shown = o.tasks.filter((t) => !filter || t.id.includes(filter) || t.category.toLowerCase().includes(filter));
  const groups = [...new Set(shown.map((t) => t.sourceLabel))];
  const sim = o.models.filter((m) => m.simulated);
  const real = o.models.filter((m) => !m.simulated);
  const harnessBlock = harnessSection(o.harnesses);

  el.append(
    !o.trusted ? h('div', { class: 'banner warn', id: 'untrusted' },
      h('p', null, 'This workspace is not trusted: runs are disabled, because a run builds images from task folders and runs agents.'),
      h('vscode-button', { id: 'trust', onclick: () => void request('workspace/trust', {}) }, 'Trust Workspace…')) : '',
    o.problem ? h('p', { class: 'banner warn' }, o.problem) : '',
    h('div', { id: 'run-slot' }),
    h('section', { class: 'block' },
      h('div', { class: 'block-head' },
        h('h3', null, 'Tasks'),
        h('span', { class: 'actions' },
          h('a', { href: '#', id: 'tasks-all', onclick: (e: Event) => { e.preventDefault(); form.tasks = shown.filter((t) => !t.problem).map((t) => t.key); save(); render(); } }, 'all'),
          h('a', { href: '#', id: 'tasks-none', onclick: (e: Event) => { e.preventDefault(); form.tasks = []; save(); render(); } }, 'none'),
          h('a', { href: '#', id: 'tasks-folder', title: 'Add a task folder or a Terminal-Bench checkout', onclick: (e: Event) => { e.preventDefault(); void request('tasks/addFolder', {}); } }, 'add folder…'))),
      h('vscode-textfield', { id: 'task-filter', placeholder: 'filter tasks', value: form.filter, oninput: (e: Event) => { form.filter = (e.target as Field).value; save(); renderTasks(); } }),
      h('div', { id: 'task-list', class: 'list' }, groups.map((g) => h('div', { class: 'group' }, h('div', { class: 'group-label' }, g), shown.filter((t) => t.sourceLabel === g).map(taskRow))))),
    needsModel() ? h('section', { class: 'block' },
      h('div', { class: 'block-head' }, h('h3', null, 'Models'),
        h('span', { class: 'actions' }, h('a', { href: '#', onclick: (e: Event) => { e.preventDefault(); void request('keys/set', { keyName: null }); } }, 'API keys…'))),
      h('div', { id: 'model-list', class: 'list' },
        real.length ? h('div', { class: 'group' }, h('div', { class: 'group-label' }, 'Configured (kilobench.models)'), real.map(modelRow)) : '',
        h('div', { class: 'group' }, h('div', { class: 'group-label' }, 'Simulated provider (test and demo)'), sim.map(modelRow)))) : '',
    harnessBlock,
    h('section', { class: 'block settings' },
      h('div', { class: 'row' },
        numberField('Trials per pair', 'trials', String(form.trials), (v) => { form.trials = Number(v); }, 'Trials per (task, model) pair'),
        numberField('Concurrency', 'concurrency', String(form.concurrency), (v) => { form.concurrency = Number(v); }, 'Trials at the same time')),
      h('div', { class: 'row' },
        numberField('Run budget $', 'budget', form.budget, (v) => { form.budget = v; }, 'Stop starting trials once the run has spent this much (empty: no limit)', 'no limit'),
        numberField('Trial budget $', 'trial-budget', form.trialBudget, (v) => { form.trialBudget = v; }, 'Stop a trial once it has spent this much (empty: no limit)', 'no limit'))),
    // Sticky at the bottom of the pane: the plan, its forecast and Start stay in sight while the lists scroll.
    h('section', { class: `block start${active() ? '' : ' sticky'}`, id: 'start-bar' },
      h('p', { id: 'summary', class: 'muted' }),
      h('div', { id: 'forecast', class: 'forecast' }),
      error ? h('p', { class: 'error', id: 'form-error', role: 'alert' }, error) : '',
      h('vscode-button', { id: 'start', onclick: () => void start() }, starting ? 'Starting…' : 'Start run')),
  );
  renderForecast();
  renderRun();
  renderSummary();
  document.body.dataset.ready = '1';
}

function renderRun(): void {
  const slot = document.getElementById('run-slot');
  if (!slot) return;
  clear(slot);
  const section = runSection();
  if (section) slot.append(section);
}

function renderTasks(): void {
  render();
  (document.getElementById('task-filter') as HTMLElement | null)?.focus();
}

async function main(): Promise<void> {
  watchProblems();
  on('benchmark/options', (o) => {
    options = o;
    form = { ...form, harness: o.harnesses.some((x) => x.name === form.harness) ? form.harness : o.defaults.harness, ...(o.preselect ? { tasks: o.preselect } : {}) };
    if (o.preselect) save();
    render();
  });
  // Elapsed times and the ETA tick every second between status updates.
  setInterval(() => {
    if (active()) renderRun();
  }, 1000);
  on('run/status', (s) => {
    const was = active();
    status = s;
    statusAt = Date.now();
    if (was !== active()) render();
    else renderRun();
  });
  try {
    const [o, s] = await Promise.all([request('benchmark/options', {}), request('run/status', {})]);
    options = o;
    status = s;
    statusAt = Date.now();
    form = initialForm(o);
    if (o.preselect) form.tasks = o.preselect;
    save();
    render();
  } catch (e) {
    showLoadFailure('load its options', e);
  }
}

void main();
