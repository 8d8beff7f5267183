import type { MiddlewareHandler } from 'hono';
import { requestId as honoRequestId } from 'hono/request-id';
import type { AppEnv } from './app-env.js';
import { editResponseHeaders } from './response-headers.js';

/**
 * Hono's `requestId` (the caller's well-formed `X-Request-Id`, else a new
 * UUID, as the `requestId` variable and the response header), and the header
 * on every response: hono's puts it in the headers `c.json` and `c.body`
 * start from, which a `new Response` from a route or the error handler
 * does not have.
 *
 * @example
 * app.use(requestId());
 */
export function requestId(): MiddlewareHandler<AppEnv> {
  const assign = honoRequestId();
  return (c, next) =>
    assign(c, async () => {
      await next();
      if (!c.res.headers.has('X-Request-Id')) {
        editResponseHeaders(c, (headers) => headers.set('X-Request-Id', c.get('requestId')));
      }
    });
}
