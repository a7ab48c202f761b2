import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { analyseRun } from '../../../src/core/analysis/analyse';
import { loadReportScript } from '../../../src/core/report/page-script';
import { escapeHtml, jsonForScript, renderHtmlReport } from '../../../src/core/report/html';
import { buildReport, type Report } from '../../../src/core/report/json-report';
import { realisticRun, runRecord, trial, TRICKY_TASK } from './fixture';

const STUB_SCRIPT = '/* stub: the charts are drawn by webview/report-page.ts */';

function fixtureReport(): Report {
  const f = realisticRun();
  return buildReport(f.run, analyseRun({ trials: f.trials, calls: f.calls, events: f.events, resamples: 100 }));
}

/** A report whose model, harness, run name and task id all try to break out of the page. */
function hostileReport(): Report {
  const evil = `<img src=x onerror=alert(1)>&amp;"'</script><!--`;
  const trials = [
    trial({ id: 'a', taskId: `task ${evil}`, modelId: `sim/${evil}`, harness: `h${evil}`, costUsd: 0.01 }),
    trial({ id: 'b', taskId: `task ${evil}`, modelId: 'plain', harness: `h${evil}`, status: 'failed', costUsd: 0.02 }),
  ];
  return buildReport(runRecord({ name: `run ${evil}`, plan: { tasks: [], models: [], harness: `h${evil}`, trialsPerPair: 1 } }), analyseRun({ trials, resamples: 50 }));
}

function scripts(html: string): { attrs: string; body: string }[] {
  return [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)].map((m) => ({ attrs: m[1] ?? '', body: m[2] ?? '' }));
}

describe('report: HTML', () => {
  it('escapes the five HTML metacharacters', () => {
    assert.equal(escapeHtml(`<a href="x">Tom & 'Jerry'</a>`), '&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;');
  });

  it('JSON for a script block cannot close the block and parses back unchanged', () => {
    const value = { s: '</script><!-- & \u2028 \u2029 >' };
    const text = jsonForScript(value);
    assert.ok(!/[<>&\u2028\u2029]/.test(text), text);
    assert.deepEqual(JSON.parse(text), value);
  });

  it('names with <, &, quotes never reach the page as markup', () => {
    const html = renderHtmlReport(hostileReport(), { clientScript: STUB_SCRIPT });
    assert.ok(!html.includes('<img'), 'no injected element');
    assert.ok(!html.includes('onerror=alert(1)>'), 'no raw attribute text');
    assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;&amp;amp;&quot;&#39;&lt;/script&gt;&lt;!--'), 'escaped text is shown');
    // Exactly the two script elements we put there: the report as JSON, and ours (charts with Chart.js).
    const found = scripts(html);
    assert.equal(found.length, 2);
    assert.deepEqual(found.map((s) => s.attrs.trim()), ['type="application/json" id="kb-report"', '']);
    // The embedded report reads back intact, hostile strings included.
    const embedded = JSON.parse(found[0]?.body ?? '') as Report;
    assert.deepEqual(embedded, JSON.parse(JSON.stringify(hostileReport())));
    assert.equal((html.match(/<!--/g) ?? []).length, 0);
  });

  it('a strict CSP that allows exactly its own inline scripts and style by hash', () => {
    const html = renderHtmlReport(fixtureReport(), { clientScript: STUB_SCRIPT });
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1]?.replace(/&#39;/g, "'");
    assert.ok(csp);
    assert.match(csp, /default-src 'none'/);
    assert.ok(!csp.includes('unsafe-inline') && !csp.includes('unsafe-eval') && !csp.includes('http'), csp);
    const hash = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
    const executable = scripts(html).filter((s) => !s.attrs.includes('application/json'));
    assert.equal(executable.length, 1);
    for (const s of executable) assert.ok(csp.includes(hash(s.body)), 'script hash in policy');
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
    assert.ok(csp.includes(`style-src ${hash(style)}`));
    assert.ok(!/\sstyle="/.test(html), 'no style attributes (the policy would block them)');
    assert.ok(html.indexOf('Content-Security-Policy') < html.indexOf('<style>'), 'policy comes first');
  });

  it('says clearly when models are simulated, and not otherwise', () => {
    const html = renderHtmlReport(fixtureReport(), { clientScript: STUB_SCRIPT });
    assert.match(html, /<div class="banner" role="note"><strong>Simulated models\.<\/strong> <code>sim\/direct<\/code>, <code>sim\/explorer<\/code>/);
    assert.equal((html.match(/class="badge"/g) ?? []).length, 2);
    const real = buildReport(runRecord(), analyseRun({ trials: [trial({ id: 'a', taskId: 't', modelId: 'gpt-x', costUsd: 0.1 })] }));
    assert.ok(!renderHtmlReport(real, { clientScript: STUB_SCRIPT }).includes('Simulated models'));
  });

  it('has every section and a place for each group of charts; the task id shows escaped in the heat map', () => {
    const html = renderHtmlReport(fixtureReport(), { clientScript: STUB_SCRIPT });
    for (const id of ['leaderboard', 'cost', 'fingerprint', 'tasks', 'complementarity', 'comparisons', 'definitions']) assert.ok(html.includes(`id="${id}"`), id);
    const places = [...html.matchAll(/<div class="grid" data-charts="([^"]+)">/g)].map((m) => m[1]);
    assert.deepEqual(places, ['cost', 'behaviour']);
    assert.ok(html.includes(`<th class="task">${escapeHtml(TRICKY_TASK)}</th>`));
    assert.ok(!html.includes(TRICKY_TASK));
  });

  it('renders an empty run and a model whose every trial was excluded', () => {
    const empty = renderHtmlReport(buildReport(runRecord(), analyseRun({ trials: [] })), { clientScript: STUB_SCRIPT });
    assert.match(empty, /<\/html>\n$/);
    const excluded = buildReport(runRecord(), analyseRun({
      trials: [trial({ id: 'a', taskId: 't', modelId: 'm', status: 'infra_error' }), trial({ id: 'b', taskId: 't', modelId: 'n', costUsd: 0.1 })],
    }));
    const html = renderHtmlReport(excluded, { clientScript: STUB_SCRIPT });
    assert.match(html, /m \(kilo\): 1 trial not counted in pass rates \(infra_error 1\)\./);
  });

  it('inlines its one script (the chart module with Chart.js) by default (self-contained: no src, no href)', function () {
    this.timeout(120_000); // bundles webview/report-page.ts on first use when run from source
    const html = renderHtmlReport(fixtureReport());
    const script = loadReportScript();
    assert.ok(script.length > 100_000 && html.includes(script.slice(0, 200)), 'Chart.js and the chart module are inlined');
    assert.ok(!/\s(src|href)=/.test(html.replace(/<script>[\s\S]*?<\/script>/g, '')), 'nothing loaded from elsewhere');
    assert.ok(!html.includes('sourceMappingURL'));
  });
});
