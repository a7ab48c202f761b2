/**
 * Webview front end (sidebar form, dashboard, transcript). Until the editor issue lands this only
 * renders a placeholder; the bundle exists so the build has its three entry points from the start.
 */
const root = document.getElementById('root');
if (root) root.textContent = 'KiloBench';
