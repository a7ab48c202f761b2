/**
 * The HTML report's style sheet: light by default, dark under `prefers-color-scheme: dark`. Chart
 * colours are CSS variables too, so the charts read them and follow the scheme. The heat-map
 * classes `hm0`…`hm10` run from orange (0% passed) to blue (100%).
 */

function heatmapRules(): string {
  const light: string[] = [];
  const dark: string[] = [];
  for (let i = 0; i <= 10; i++) {
    const hue = 30 + i * 18;
    light.push(`.hm${i}{background:hsl(${hue} 75% ${88 - i * 1.5}%)}`);
    dark.push(`.hm${i}{background:hsl(${hue} 45% ${22 + i * 1.2}%)}`);
  }
  return `${light.join('\n')}\n@media (prefers-color-scheme: dark){\n${dark.join('\n')}\n}`;
}

export const REPORT_CSS = `
:root{
  color-scheme:light dark;
  --bg:#ffffff;--fg:#1f2328;--muted:#59636e;--card:#f6f8fa;--border:#d1d9e0;--grid:rgba(31,35,40,0.12);
  --accent:#0969da;--warn-bg:#fff8c5;--warn-fg:#4d3800;--warn-border:#d4a72c;--good:#1a7f37;
  --s0:#0072b2;--s1:#e69f00;--s2:#009e73;--s3:#cc79a7;--s4:#56b4e9;--s5:#d55e00;--s6:#7a6a00;--s7:#555555;
}
@media (prefers-color-scheme: dark){
  :root{
    --bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--card:#161b22;--border:#30363d;--grid:rgba(230,237,243,0.14);
    --accent:#4493f8;--warn-bg:#3b2e0a;--warn-fg:#f2cc60;--warn-border:#9e6a03;--good:#3fb950;
    --s0:#4da3e0;--s1:#f5b942;--s2:#2cc497;--s3:#e39cc6;--s4:#8fd0f5;--s5:#ff8a4c;--s6:#e5d36b;--s7:#b0b0b0;
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
.chart{position:relative;height:320px}
.chart.tall{height:380px}
.grid + .table-wrap{margin-top:18px}
.heatmap{width:auto}
.heatmap th.model{text-align:center}
td.name{white-space:nowrap}
.heatmap td.cell{text-align:center;white-space:nowrap;color:var(--fg);min-width:92px}
.heatmap td.cell small{display:block;color:var(--fg);opacity:.75;font-size:11px}
.heatmap td.none{text-align:center;color:var(--muted)}
.heatmap th.task{white-space:normal;word-break:break-word;max-width:280px;color:var(--fg);font-weight:500;font-size:13px}
.legend-scale{display:flex;gap:2px;align-items:center;margin-top:8px;font-size:12px;color:var(--muted)}
.legend-scale span.sw{display:inline-block;width:22px;height:12px;border-radius:2px}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:0}
dl.facts dt{color:var(--muted)}
dl.facts dd{margin:0}
ul.plain{margin:4px 0 0;padding-left:18px}
.defs li{margin:3px 0}
footer{margin-top:40px;color:var(--muted);font-size:12px}
@media (max-width:560px){.grid{grid-template-columns:1fr}body{padding:16px}}
@media print{.chart{break-inside:avoid}h2{break-after:avoid}}
${heatmapRules()}
`;
