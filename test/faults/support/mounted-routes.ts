import type { INestApplication } from '@nestjs/common';

/** A route the HTTP server answers. */
export interface MountedRoute {
  method: 'get' | 'post' | 'delete' | 'put' | 'patch';
  path: string;
}

interface ExpressLayer {
  route?: { path: string; methods: Record<string, boolean> };
}

/**
 * Every route mounted on an Express application, read from its router rather than listed by hand,
 * so a route added later is covered by whatever test walks this list.
 */
export function mountedRoutes(app: INestApplication): MountedRoute[] {
  const express = app.getHttpAdapter().getInstance() as { router: { stack: ExpressLayer[] } };
  return express.router.stack.flatMap(({ route }) =>
    route ? Object.keys(route.methods).filter((method) => route.methods[method]).map((method) => ({ method: method as MountedRoute['method'], path: route.path })) : [],
  );
}
