import assert from 'node:assert/strict';
import { analyseRun } from '../../../src/core/analysis/analyse';
import { csvField, modelsCsv, tasksCsv, toCsv } from '../../../src/core/report/csv';
import { buildReport } from '../../../src/core/report/json-report';
import { realisticRun, TRICKY_TASK } from './fixture';

/** A small RFC 4180 reader, to check that what we write parses back. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; }
    else if (c === '\r' && text[i + 1] === '\n') { row.push(field); rows.push(row); row = []; field = ''; i++; }
    else field += c;
  }
  return rows;
}

describe('report: CSV', () => {
  it('quotes commas, quotes and line breaks; doubles quotes', () => {
    assert.equal(csvField('plain'), 'plain');
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField('two\nlines'), '"two\nlines"');
    assert.equal(csvField('cr\rhere'), '"cr\rhere"');
    assert.equal(csvField('<b>&</b>'), '<b>&</b>');
  });

  it('writes unknowns as empty cells and numbers at full precision', () => {
    assert.equal(csvField(null), '');
    assert.equal(csvField(NaN), '');
    assert.equal(csvField(0), '0');
    assert.equal(csvField(1 / 3), '0.3333333333333333');
    assert.equal(csvField(true), 'true');
  });

  it('defuses text a spreadsheet would run as a formula', () => {
    assert.equal(csvField('=HYPERLINK("x")'), '"\'=HYPERLINK(""x"")"');
    assert.equal(csvField('+1'), "'+1");
    assert.equal(csvField('@SUM'), "'@SUM");
    assert.equal(csvField(-1), '-1'); // numbers are left alone
  });

  it('rows end in CRLF and parse back to the same cells', () => {
    const text = toCsv(['a', 'b'], [['x,y', 'q"q'], [null, 2]]);
    assert.equal(text, 'a,b\r\n"x,y","q""q"\r\n,2\r\n');
    assert.deepEqual(parseCsv(text), [['a', 'b'], ['x,y', 'q"q'], ['', '2']]);
  });

  it('the per-model and per-(task, model) tables of a real report', () => {
    const f = realisticRun();
    const report = buildReport(f.run, analyseRun({ trials: f.trials, calls: f.calls, events: f.events, resamples: 100 }));
    const models = parseCsv(modelsCsv(report));
    const header = models[0] ?? [];
    assert.equal(models.length, 1 + report.models.length);
    assert.ok(header.includes('pass_rate_ci_low') && header.includes('cost_to_complete_expected') && header.includes('pass_at_3'));
    assert.ok(models.slice(1).every((row) => row.length === header.length));

    const tasks = parseCsv(tasksCsv(report));
    assert.equal(tasks.length, 1 + 3 * 2);
    const tricky = tasks.filter((row) => row[0] === TRICKY_TASK);
    assert.equal(tricky.length, 2, 'the task id with markup and quotes survives the round trip');
    const col = (name: string) => (tasks[0] ?? []).indexOf(name);
    const direct = tricky.find((row) => row[col('model')] === 'sim/direct');
    assert.equal(direct?.[col('cost_to_complete_expected')], 'unsolved');
  });
});
