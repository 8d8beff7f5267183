import type { Context } from 'hono';
import { MethodNotAllowedError, RouteNotFoundError } from './errors.js';

const patternOf = (path: string): RegExp =>
  new RegExp(
    `^${path
      .split('/')
      .map((part) =>
        part === '*' ? '.*' : part.startsWith(':') ? '[^/]+' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'),
      )
      .join('/')}/?$`,
  );

const ORDER = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/**
 * The error for a request no handler took: 405 with the methods the path has
 * when some route has this path, else 404. Called per request with
 * `app.routes`, so routes added after the handler is set (the page,
 * `/config.json`) count too. Middleware (`app.use`, method ALL) is not a route.
 *
 * @example
 * app.notFound((c) => problemResponse(unmatched(app.routes, c), c.get('requestId')));
 */
export function unmatched(routes: readonly { method: string; path: string }[], c: Context): Error {
  const path = c.req.path;
  const allow = new Set<string>();
  for (const route of routes) {
    if (route.method === 'ALL' || !patternOf(route.path).test(path)) continue;
    allow.add(route.method);
    if (route.method === 'GET') allow.add('HEAD');
  }
  if (allow.size === 0 || allow.has(c.req.method)) return new RouteNotFoundError();
  allow.add('OPTIONS');
  return new MethodNotAllowedError(
    c.req.method,
    ORDER.filter((m) => allow.has(m)),
  );
}
