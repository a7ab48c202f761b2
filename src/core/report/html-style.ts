/**
 * The HTML report's style sheet: light by default, dark under `prefers-color-scheme: dark`. The
 * chart module (webview/charts.ts, shared with the dashboard) reads its colours from the same
 * `--vscode-*` variables a VS Code webview has, defined here for both schemes. The heat map's
 * classes `hm0`…`hm5` are a sequential scale of one hue (figures.ts `HEAT_LEVELS`), lighter to
 * darker in light, darker to lighter in dark, so 1 of 3 passed reads clearly apart from 0 of 3.
 */

import { HEAT_COLOURS } from './figures';

function heatmapRules(): string {
  const rule = (scheme: (typeof HEAT_COLOURS)['light' | 'dark']) => scheme.background.map((c, i) => `.hm${i}{background:${c};color:${scheme.text[i]}}`).join('\n');
  return `${rule(HEAT_COLOURS.light)}\n@media (prefers-color-scheme: dark){\n${rule(HEAT_COLOURS.dark)}\n}`;
}

export const REPORT_CSS = `
:root{
  color-scheme:light dark;
  --bg:#ffffff;--fg:#1f2328;--muted:#59636e;--card:#f6f8fa;--border:#d1d9e0;--grid:rgba(31,35,40,0.12);
  --accent:#0969da;--warn-bg:#fff8c5;--warn-fg:#4d3800;--warn-border:#d4a72c;--good:#1a7f37;
  --vscode-charts-blue:#0072b2;--vscode-charts-orange:#e69f00;--vscode-charts-green:#009e73;--vscode-charts-purple:#cc79a7;--vscode-charts-red:#d55e00;--vscode-charts-yellow:#9a8400;
  --vscode-foreground:var(--fg);--vscode-descriptionForeground:var(--muted);--vscode-charts-lines:var(--grid);
  --vscode-font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Liberation Sans",Arial,sans-serif;
}
@media (prefers-color-scheme: dark){
  :root{
    --bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--card:#161b22;--border:#30363d;--grid:rgba(230,237,243,0.14);
    --accent:#4493f8;--warn-bg:#3b2e0a;--warn-fg:#f2cc60;--warn-border:#9e6a03;--good:#3fb950;
    --vscode-charts-blue:#4da3e0;--vscode-charts-orange:#f5b942;--vscode-charts-green:#2cc497;--vscode-charts-purple:#e39cc6;--vscode-charts-red:#ff8a4c;--vscode-charts-yellow:#e5d36b;
  }
}
*{box-sizing:border-box}
html{background:var(--bg);color:var(--fg)}
body{margin:0 auto;max-width:1240px;padding:24px 28px 48px;font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Liberation Sans",Arial,sans-serif;background:var(--bg);color:var(--fg)}
h1{font-size:26px;margin:0 0 4px}
h2{font-size:19px;margin:36px 0 10px;padding-bottom:6px;border-bottom:1px solid var(--border)}
h3{font-size:15px;margin:0 0 8px}
h3.spaced{margin-top:18px}
code{font:12.5px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace}
.sub{color:var(--muted);margin:0}
.banner{margin:18px 0;padding:12px 16px;border:1px solid var(--warn-border);background:var(--warn-bg);color:var(--warn-fg);border-radius:8px}
.banner strong{font-size:15px}
.summary{display:flex;flex-wrap:wrap;gap:12px;margin:18px 0 0;padding:0;list-style:none}
.summary li{background:var(--card);border:1px solid var(--border);border-radius:8px;padding:8px 14px;min-width:120px}
.summary .k{display:block;color:var(--muted);font-size:12px}
.summary .v{font-size:18px;font-weight:600}
.table-wrap{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
th,td{padding:6px 10px;border-bottom:1px solid var(--border);text-align:left;vertical-align:top}
th{font-size:12px;color:var(--muted);font-weight:600;white-space:nowrap}
td.num,th.num{text-align:right;white-space:nowrap}
tbody tr:hover{background:var(--card)}
.badge{display:inline-block;margin-left:6px;padding:0 6px;border-radius:10px;font-size:11px;font-weight:700;letter-spacing:.03em;border:1px solid var(--warn-border);background:var(--warn-bg);color:var(--warn-fg);vertical-align:1px}
.front{color:var(--good);font-weight:700}
.muted{color:var(--muted)}
.notes{color:var(--muted);font-size:13px;margin:8px 0 0;padding-left:18px}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(480px,1fr));gap:18px}
.card{background:var(--card);border:1px solid var(--border);border-radius:10px;padding:14px 16px}
.card p{margin:6px 0 0;font-size:12.5px;color:var(--muted)}
.chart-box{position:relative;height:320px}
.chart-box.tall{height:380px}
.kb-legend{display:flex;flex-wrap:wrap;gap:4px 14px;margin:8px 0 0;padding:0;list-style:none;font-size:12px}
.kb-legend .sw{display:inline-block;width:12px;height:12px;margin-right:5px;vertical-align:-1px;background:var(--c)}
.kb-legend .sw.point{border-radius:50%}
.kb-legend .sw.diamond{background:transparent;border:2px solid var(--c);transform:rotate(45deg) scale(.8)}
.kb-legend .sw.line{height:0;border-top:2px dashed var(--c);vertical-align:3px;background:transparent}
.grid + .table-wrap{margin-top:18px}
.heatmap{width:auto}
.heatmap th.model{text-align:center}
td.name{white-space:nowrap}
.heatmap td.cell{text-align:center;white-space:nowrap;min-width:92px}
.heatmap td.cell small{display:block;color:inherit;opacity:.8;font-size:11px}
.heatmap td.none{text-align:center;color:var(--muted)}
.heatmap th.task{white-space:normal;word-break:break-word;max-width:280px;color:var(--fg);font-weight:500;font-size:13px}
.heat-legend{display:flex;flex-wrap:wrap;gap:4px 12px;align-items:center;margin:8px 0 0;padding:0;list-style:none;font-size:12px}
.heat-legend .sw{display:inline-block;width:22px;height:12px;border-radius:2px;margin-right:4px;vertical-align:-1px;border:1px solid var(--border)}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:0}
dl.facts dt{color:var(--muted)}
dl.facts dd{margin:0}
ul.plain{margin:4px 0 0;padding-left:18px}
.defs li{margin:3px 0}
footer{margin-top:40px;color:var(--muted);font-size:12px}
@media (max-width:560px){.grid{grid-template-columns:1fr}body{padding:16px}}
@media print{.chart-box{break-inside:avoid}h2{break-after:avoid}}
${heatmapRules()}
`;
