import './styles.css';
import { ApiClient } from './api.client.js';
import { commandsPage } from './commands.page.js';
import { DashboardShell, type RouteDefinition } from './dashboard.shell.js';
import { deadLetterPage } from './dead-letter.page.js';
import { instancePage } from './instance.page.js';
import { notFoundPage } from './not-found.page.js';
import { overviewPage } from './overview.page.js';
import { workflowPage, workflowsPage } from './workflow.page.js';

/** The dashboard's routes; the part of the URL after '#', so the server only ever serves one page. */
const ROUTES: readonly RouteDefinition[] = [
  { pattern: /^\/$/, page: overviewPage, name: 'The overview', section: '#/' },
  { pattern: /^\/commands$/, page: commandsPage, name: 'The command list', section: '#/commands' },
  { pattern: /^\/commands\/([^/]+)$/, params: ['id'], page: instancePage, name: 'This instance', section: '#/commands' },
  { pattern: /^\/workflows$/, page: workflowsPage, name: 'The workflow list', section: '#/workflows' },
  { pattern: /^\/workflows\/(.+)$/, params: ['correlationId'], page: workflowPage, name: 'This workflow', section: '#/workflows' },
  { pattern: /^\/dlq$/, page: deadLetterPage, name: 'The dead letter queue', section: '#/dlq' },
];

// The server renders these settings into the page: the API's URL relative to the page, so that it
// resolves under whatever prefix the page was reached by.
const { apiBase = '', refreshInterval = '5000', title = 'durex' } = document.body.dataset;
new DashboardShell(
  { api: new ApiClient(new URL(apiBase, document.baseURI)), refreshInterval: Number(refreshInterval), title },
  ROUTES,
  notFoundPage,
).start();
