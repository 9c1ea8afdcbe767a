import { DASHBOARD_SCRIPT, DASHBOARD_STYLES } from './durex-dashboard.constants.js';

/** What the page needs to know about where it is mounted and how it behaves. */
export interface DashboardPageSettings {
  title: string;
  /** The admin API's URL relative to the page's own (its folder, ending in '/'). */
  apiBase: string;
  refreshInterval: number;
}

/**
 * The Content-Security-Policy of the page: its own script and styles only, API calls to its own
 * origin, and no framing (an operations console must not be clickjacked). Nothing is inline, so the
 * page also works under stricter policies an application sets itself (helmet's default among them).
 */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** A small mark for the browser tab, inline so that no request goes to a /favicon.ico the app may not have. */
const ICON =
  "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Crect width='16' height='16' rx='3' fill='%230f172a'/%3E" +
  "%3Cpath d='M4 11V5l4 3 4-3v6' fill='none' stroke='%2338bdf8' stroke-width='1.6'/%3E%3C/svg%3E";

/**
 * The URL of the admin API relative to the page's folder: up one level per segment of the page's
 * route, then down the API's. Both routes sit under the same global prefix (and proxy path), which
 * the relative URL never names, so the page works under any of them.
 */
export function relativeApiBase(pagePath: string, apiPath: string): string {
  return `${'../'.repeat(pagePath.split('/').length)}${apiPath}/`;
}

/**
 * The HTML of the page: a shell that is readable before (or without) the script: the header, the
 * navigation and a message in place of the content. Settings travel as data attributes, not inline
 * script, to stay within the Content-Security-Policy. Asset URLs are relative to the page's folder.
 */
export function renderDashboardPage({ title, apiBase, refreshInterval }: DashboardPageSettings): string {
  const name = escapeHtml(title);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${name}</title>
<link rel="icon" href="${ICON}">
<link rel="stylesheet" href="${DASHBOARD_STYLES}">
<script type="module" src="${DASHBOARD_SCRIPT}"></script>
</head>
<body data-api-base="${escapeHtml(apiBase)}" data-refresh-interval="${refreshInterval}" data-title="${name}">
<a class="skip-link" href="#main">Skip to content</a>
<header class="topbar">
<a class="brand" href="#/"><span class="brand-mark" aria-hidden="true"></span>${name}</a>
<nav class="nav" aria-label="Dashboard">
<a href="#/">Overview</a>
<a href="#/commands">Commands</a>
<a href="#/workflows">Workflows</a>
<a href="#/dlq">Dead letters</a>
</nav>
<button type="button" class="live-toggle" id="live-toggle" aria-pressed="true" hidden>Live updates</button>
</header>
<div class="notices">
<div id="alerts" role="alert"></div>
<div id="status" role="status"></div>
</div>
<main id="main" tabindex="-1">
<p class="loading">Loading the dashboard… If this message stays, the dashboard script could not load: check the server log.</p>
<noscript><p>The durex dashboard needs JavaScript.</p></noscript>
</main>
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}
