/**
 * The HTML report's only script of its own (besides Chart.js): reads the chart data from the
 * `kb-view` JSON block and draws every chart, in the colours of the current colour scheme, again
 * when the scheme changes. Plain ES2017 in a string, because it runs in the reader's browser; it
 * puts data on canvases only (never into HTML), so nothing in the data can inject markup.
 */
export const CLIENT_SCRIPT = `
(function () {
  'use strict';
  var holder = document.getElementById('kb-view');
  if (!holder || typeof window.Chart === 'undefined') return;
  var view = JSON.parse(holder.textContent || '{}');
  var Chart = window.Chart;
  var charts = [];
  var TOOL_LABELS = { read: 'read', write: 'write', exec: 'exec (shell)', search: 'search', plan: 'plan', network: 'network', other: 'other' };

  function cssVar(name) { return getComputedStyle(document.documentElement).getPropertyValue(name).trim(); }
  function series(i) { return cssVar('--s' + (i % 8)); }
  function usd(v) {
    if (v === null || v === undefined) return 'unknown';
    if (v === 0) return '$0';
    var a = Math.abs(v);
    var s = a >= 1 ? a.toFixed(2) : String(Number(a.toPrecision(3)));
    return (v < 0 ? '-' : '') + '$' + s;
  }
  function pct(v) { return v === null || v === undefined ? 'n/a' : (v * 100).toFixed(1) + '%'; }
  function num(v, d) { return v === null || v === undefined ? 'n/a' : v.toFixed(d); }
  function tokens(v) { return v >= 1e6 ? (v / 1e6).toFixed(2) + 'M' : v >= 1e3 ? (v / 1e3).toFixed(1) + 'k' : String(Math.round(v)); }
  function labels() { return view.groups.map(function (g) { return g.label; }); }

  function make(id, config) {
    var canvas = document.getElementById(id);
    if (!canvas) return;
    charts.push(new Chart(canvas, config));
  }

  function fontFamily() { return getComputedStyle(document.body).fontFamily; }

  /** Pass-rate (Wilson) and cost-to-complete (delta method) interval whiskers and a name beside each point of the scatter. */
  var pointDecor = {
    id: 'kbPointDecor',
    afterDatasetsDraw: function (chart) {
      var ctx = chart.ctx;
      var y = chart.scales.y;
      var x = chart.scales.x;
      var area = chart.chartArea;
      chart.data.datasets.forEach(function (ds, i) {
        if (!ds.kbGroup) return;
        var meta = chart.getDatasetMeta(i);
        if (meta.hidden) return;
        meta.data.forEach(function (pt) {
          var g = ds.kbGroup;
          var top = y.getPixelForValue(g.ci[1]);
          var bottom = y.getPixelForValue(g.ci[0]);
          ctx.save();
          ctx.strokeStyle = ds.borderColor;
          ctx.globalAlpha = 0.7;
          ctx.lineWidth = 1.5;
          ctx.beginPath();
          ctx.moveTo(pt.x, top); ctx.lineTo(pt.x, bottom);
          ctx.moveTo(pt.x - 4, top); ctx.lineTo(pt.x + 4, top);
          ctx.moveTo(pt.x - 4, bottom); ctx.lineTo(pt.x + 4, bottom);
          if (g.costCI && g.costCI[0] > 0) {
            var left = Math.max(area.left, x.getPixelForValue(g.costCI[0]));
            var right = Math.min(area.right, x.getPixelForValue(g.costCI[1]));
            ctx.moveTo(left, pt.y); ctx.lineTo(right, pt.y);
            ctx.moveTo(left, pt.y - 4); ctx.lineTo(left, pt.y + 4);
            ctx.moveTo(right, pt.y - 4); ctx.lineTo(right, pt.y + 4);
          }
          ctx.stroke();
          ctx.globalAlpha = 1;
          ctx.fillStyle = cssVar('--fg');
          ctx.font = '600 12px ' + fontFamily();
          var text = g.label;
          var width = ctx.measureText(text).width;
          var right = pt.x + 10 + width > area.right;
          ctx.textAlign = right ? 'right' : 'left';
          ctx.textBaseline = 'bottom';
          ctx.fillText(text, right ? pt.x - 10 : pt.x + 10, Math.max(area.top + 14, pt.y - 4));
          ctx.restore();
        });
      });
    },
  };

  function scatter() {
    var placed = view.groups.filter(function (g) { return g.cost !== null && g.cost > 0 && g.passRate !== null; });
    if (placed.length === 0) return;
    var costs = placed.map(function (g) { return g.cost; });
    // Axis ends on 1-2-5 steps around the points, so the end labels are round numbers.
    function nice(v, up) {
      var p = Math.pow(10, Math.floor(Math.log10(v)));
      var steps = up ? [1, 2, 5, 10] : [10, 5, 2, 1];
      for (var i = 0; i < steps.length; i++) {
        var c = steps[i] * p;
        if (up ? c >= v : c <= v) return c;
      }
      return v;
    }
    var lo = nice(Math.min.apply(null, costs) / 1.5, false);
    var hi = nice(Math.max.apply(null, costs) * 1.5, true);
    var datasets = placed.map(function (g) {
      return {
        label: g.label, kbGroup: g, order: 1, clip: false,
        data: [{ x: g.cost, y: g.passRate }],
        backgroundColor: series(g.series), borderColor: series(g.series),
        pointRadius: g.onFront ? 7 : 5, pointHoverRadius: 8,
        pointStyle: g.onFront ? 'circle' : 'rectRot',
      };
    });
    var front = view.front.filter(function (p) { return p.x > 0; });
    if (front.length > 0) {
      datasets.push({
        label: 'Pareto front', order: 2, data: front, showLine: true, stepped: 'before',
        borderColor: cssVar('--muted'), backgroundColor: cssVar('--muted'), borderDash: [6, 4], borderWidth: 1.5,
        pointRadius: 0, pointHoverRadius: 0, pointStyle: 'line', fill: false,
      });
    }
    make('chart-scatter', {
      type: 'scatter',
      data: { datasets: datasets },
      options: {
        layout: { padding: { right: 16, top: 12 } },
        scales: {
          x: {
            type: 'logarithmic', min: lo, max: hi,
            title: { display: true, text: 'cost to complete: spend per pass (USD, log scale)' },
            ticks: {
              maxRotation: 0,
              // Labels on 1-2-5 steps only; the other grid lines stay unlabelled.
              callback: function (value) {
                var v = Number(value);
                var m = Math.round((v / Math.pow(10, Math.floor(Math.log10(v)))) * 10) / 10;
                return m === 1 || m === 2 || m === 5 ? usd(v) : '';
              },
            },
          },
          y: {
            min: 0, max: 1,
            title: { display: true, text: 'pass rate (95% Wilson interval)' },
            ticks: { callback: function (value) { return Math.round(Number(value) * 100) + '%'; } },
          },
        },
        plugins: {
          legend: { position: 'bottom', labels: { usePointStyle: true } },
          tooltip: {
            callbacks: {
              label: function (item) {
                var g = item.dataset.kbGroup;
                if (!g) return 'Pareto front: ' + usd(item.parsed.x) + ', ' + pct(item.parsed.y);
                return g.label + ': ' + pct(g.passRate) + ' [' + pct(g.ci[0]) + ' to ' + pct(g.ci[1]) + '], ' + usd(g.cost) + ' per pass (' + usd(g.costPerAttempt) + ' per attempt)';
              },
            },
          },
        },
      },
      plugins: [pointDecor],
    });
  }

  /** Says "unsolved" (or why there is no bar) where a model has no cost to complete. */
  var missingBars = {
    id: 'kbMissingBars',
    afterDatasetsDraw: function (chart) {
      var ctx = chart.ctx;
      var y = chart.scales.y;
      var x = chart.scales.x;
      view.groups.forEach(function (g, i) {
        var c = g.completion;
        if (c.state === 'ok') return;
        var text = c.state === 'unsolved' ? 'unsolved: solved none of its ' + c.unsolved + ' tasks' : c.state === 'unknown' ? 'cost unknown (unpriced calls)' : 'no attempts';
        ctx.save();
        ctx.fillStyle = cssVar('--muted');
        ctx.font = 'italic 12px ' + fontFamily();
        ctx.textBaseline = 'middle';
        ctx.fillText(text, x.left + 8, y.getPixelForValue(i));
        ctx.restore();
      });
    },
  };

  function completion() {
    var rowLabels = view.groups.map(function (g) {
      var c = g.completion;
      var note = c.state === 'unsolved' ? 'unsolved: all ' + c.unsolved + ' tasks'
        : c.state === 'unknown' ? 'cost unknown (unpriced)'
        : c.state === 'none' ? 'no attempts'
        : c.unsolved > 0 ? c.unsolved + ' of ' + (c.solved + c.unsolved) + ' tasks unsolved' : 'all ' + c.solved + ' tasks solved';
      return [g.label, note];
    });
    make('chart-completion', {
      type: 'bar',
      data: {
        labels: rowLabels,
        datasets: [
          { label: 'cost to complete (spend on all attempts ÷ passes)', data: view.groups.map(function (g) { return g.completion.perPass; }), backgroundColor: series(0) },
          { label: 'solved-only (mean over solved tasks of cost per attempt ÷ pass rate)', data: view.groups.map(function (g) { return g.completion.expected; }), backgroundColor: series(4) },
        ],
      },
      options: {
        indexAxis: 'y',
        scales: {
          x: { beginAtZero: true, title: { display: true, text: 'USD per pass (solved-only: per solved task)' }, ticks: { maxRotation: 0, callback: function (v) { return usd(Number(v)); } } },
          y: { ticks: { autoSkip: false } },
        },
        plugins: {
          legend: { position: 'bottom' },
          tooltip: { callbacks: { label: function (item) { return item.dataset.label.split(' (')[0] + ': ' + usd(item.parsed.x); } } },
        },
      },
      plugins: [missingBars],
    });
  }

  function tools() {
    var datasets = view.toolCategories.map(function (c, i) {
      return {
        label: TOOL_LABELS[c] || c,
        data: view.groups.map(function (g) { return g.toolsPerAttempt[c]; }),
        backgroundColor: series(i),
      };
    });
    make('chart-tools', {
      type: 'bar',
      data: { labels: labels(), datasets: datasets },
      options: {
        indexAxis: 'y',
        scales: {
          x: { stacked: true, beginAtZero: true, title: { display: true, text: 'tool calls per attempt, by category' } },
          y: { stacked: true, ticks: { autoSkip: false } },
        },
        plugins: { legend: { position: 'bottom' }, tooltip: { callbacks: { label: function (item) { return item.dataset.label + ': ' + num(item.parsed.x, 1) + ' per attempt'; } } } },
      },
    });
  }

  function readWrite() {
    make('chart-readwrite', {
      type: 'bar',
      data: {
        labels: view.groups.map(function (g) {
          var note = g.readWriteRatio === null ? (g.reads > 0 ? 'no writes (' + g.reads + ' reads)' : 'no reads or writes') : g.reads + ' reads / ' + g.writes + ' writes';
          return [g.label, note];
        }),
        datasets: [{
          label: 'reads per write',
          data: view.groups.map(function (g) { return g.readWriteRatio; }),
          backgroundColor: view.groups.map(function (g) { return series(g.series); }),
        }],
      },
      options: {
        scales: { y: { beginAtZero: true, title: { display: true, text: 'read tool calls ÷ write tool calls' } }, x: { ticks: { autoSkip: false } } },
        plugins: { legend: { display: false }, tooltip: { callbacks: { label: function (item) { return 'reads per write: ' + num(item.parsed.y, 2); } } } },
      },
    });
  }

  function shares() {
    var keys = [
      ['resent', 're-sent context (of input)'],
      ['cacheHit', 'cache hits (of input)'],
      ['reasoning', 'reasoning (of output)'],
      ['modelTime', 'waiting on the model (of agent time)'],
    ];
    make('chart-shares', {
      type: 'bar',
      data: {
        labels: labels(),
        datasets: keys.map(function (k, i) {
          return { label: k[1], data: view.groups.map(function (g) { return g.shares[k[0]]; }), backgroundColor: series(i) };
        }),
      },
      options: {
        scales: {
          y: { min: 0, max: 1, ticks: { callback: function (v) { return Math.round(Number(v) * 100) + '%'; } }, title: { display: true, text: 'share' } },
          x: { ticks: { autoSkip: false } },
        },
        plugins: { legend: { position: 'bottom' }, tooltip: { callbacks: { label: function (item) { return item.dataset.label + ': ' + pct(item.parsed.y); } } } },
      },
    });
  }

  function spend() {
    var parts = [['resentContext', 're-sent context'], ['newInput', 'new input'], ['output', 'output'], ['reasoning', 'reasoning']];
    function total(s) { return s.resentContext + s.newInput + s.output + s.reasoning; }
    make('chart-spend', {
      type: 'bar',
      data: {
        labels: view.groups.map(function (g) { return [g.label, g.spend.unit === 'usd' ? 'in dollars' : 'in tokens (no prices)']; }),
        datasets: parts.map(function (p, i) {
          return {
            label: p[1],
            data: view.groups.map(function (g) { var t = total(g.spend); return t > 0 ? g.spend[p[0]] / t : 0; }),
            kbKey: p[0],
            backgroundColor: series(i),
          };
        }),
      },
      options: {
        indexAxis: 'y',
        scales: {
          x: { stacked: true, min: 0, max: 1, ticks: { callback: function (v) { return Math.round(Number(v) * 100) + '%'; } }, title: { display: true, text: 'share of spend' } },
          y: { stacked: true, ticks: { autoSkip: false } },
        },
        plugins: {
          legend: { position: 'bottom' },
          tooltip: {
            callbacks: {
              label: function (item) {
                var g = view.groups[item.dataIndex];
                var v = g.spend[item.dataset.kbKey];
                return item.dataset.label + ': ' + pct(item.parsed.x) + ' (' + (g.spend.unit === 'usd' ? usd(v) : tokens(v) + ' tokens') + ')';
              },
            },
          },
        },
      },
    });
  }

  function draw() {
    charts.forEach(function (c) { c.destroy(); });
    charts = [];
    Chart.defaults.color = cssVar('--muted');
    Chart.defaults.borderColor = cssVar('--grid');
    Chart.defaults.font.family = fontFamily();
    Chart.defaults.animation = false;
    Chart.defaults.maintainAspectRatio = false;
    Chart.defaults.plugins.legend.labels.boxWidth = 14;
    [scatter, completion, tools, readWrite, shares, spend].forEach(function (f) { f(); });
  }

  draw();
  if (window.matchMedia) {
    var scheme = window.matchMedia('(prefers-color-scheme: dark)');
    if (scheme.addEventListener) scheme.addEventListener('change', draw);
  }
})();
`;
