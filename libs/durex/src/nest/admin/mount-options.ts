import type { CanActivate, Type } from '@nestjs/common';
import { InvalidOptionsError } from '../../core/errors/invalid-options.error.js';
import { invalidGuardMessage, invalidPathMessage } from './durex-admin.messages.js';

/*
 * Checks of the options that shape a mounted controller (the admin API's and the dashboard's): a
 * route prefix and an optional guard. They run when the module is registered, so a bad value fails
 * at import time with the option named, not as a confusing routing error later.
 */

/**
 * `path` as a route prefix without leading or trailing slashes ('/ops/durex/' → 'ops/durex').
 * Throws `InvalidOptionsError` naming `option` when nothing usable is left.
 */
export function normaliseRoutePath(path: unknown, option: string): string {
  const trimmed = typeof path === 'string' ? path.replace(/^\/+|\/+$/g, '') : '';
  if (!trimmed) throw new InvalidOptionsError(option, invalidPathMessage(path));
  return trimmed;
}

/** Throws `InvalidOptionsError` naming `option` unless `guard` is absent, a class, or has `canActivate()`. */
export function assertGuard(guard: unknown, option: string): asserts guard is Type<CanActivate> | CanActivate | undefined {
  if (guard === undefined || typeof guard === 'function') return;
  if (typeof guard === 'object' && guard !== null && typeof (guard as { canActivate?: unknown }).canActivate === 'function') return;
  throw new InvalidOptionsError(option, invalidGuardMessage(guard));
}
