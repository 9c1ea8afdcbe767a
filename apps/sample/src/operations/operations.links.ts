import { OPENAPI_PATH } from './openapi.js';

/** A page of the operations surface, printed at startup. */
export interface OperationsLink {
  label: string;
  path: string;
}

/** Every operations page the application serves, in the order they are printed. */
export const OPERATIONS_LINKS: readonly OperationsLink[] = [
  { label: 'Dashboard', path: '/durex/ui/' },
  { label: 'Admin API', path: '/durex/stats' },
  { label: 'Health', path: '/health' },
  { label: 'Metrics', path: '/metrics' },
  { label: 'OpenAPI', path: `/${OPENAPI_PATH}` },
];
