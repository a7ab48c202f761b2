/** Colours from VS Code's theme variables (light, dark and high contrast), read when charts are drawn. */
export function cssVar(name: string, fallback = ''): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

export interface Palette {
  series: string[];
  foreground: string;
  muted: string;
  grid: string;
  pass: string;
  fail: string;
  font: string;
  highContrast: boolean;
}

export function palette(): Palette {
  const highContrast = document.body.classList.contains('vscode-high-contrast') || document.body.classList.contains('vscode-high-contrast-light');
  return {
    series: [
      cssVar('--vscode-charts-blue', '#3794ff'), cssVar('--vscode-charts-orange', '#d18616'), cssVar('--vscode-charts-green', '#89d185'),
      cssVar('--vscode-charts-purple', '#b180d7'), cssVar('--vscode-charts-red', '#f14c4c'), cssVar('--vscode-charts-yellow', '#cca700'),
    ],
    foreground: cssVar('--vscode-foreground', '#cccccc'),
    muted: cssVar('--vscode-descriptionForeground', '#999999'),
    grid: cssVar('--vscode-charts-lines', 'rgba(128,128,128,0.35)'),
    pass: cssVar('--vscode-testing-iconPassed', cssVar('--vscode-charts-green', '#73c991')),
    fail: cssVar('--vscode-testing-iconFailed', cssVar('--vscode-charts-red', '#f14c4c')),
    font: cssVar('--vscode-font-family', 'sans-serif'),
    highContrast,
  };
}

export function seriesColor(p: Palette, index: number): string {
  return p.series[index % p.series.length] as string;
}

/** Calls `fn` when the user switches theme (VS Code changes <body>'s class). */
export function onThemeChange(fn: () => void): void {
  let last = document.body.className;
  new MutationObserver(() => {
    if (document.body.className !== last) {
      last = document.body.className;
      fn();
    }
  }).observe(document.body, { attributes: true, attributeFilter: ['class'] });
}
