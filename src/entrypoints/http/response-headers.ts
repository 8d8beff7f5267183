import type { Context } from 'hono';

/**
 * Edits the headers of the response a middleware's `next()` produced, in
 * place. Hono's own way, `c.header()` after `next()`, and any middleware that
 * touches `c.res` before `next()` (hono's `cors`), make hono rebuild the
 * response around `res.body`: on Node that turns a JSON string into a
 * ReadableStream the server then reads back chunk by chunk (GET /photos
 * served 0.32x a bare handler's req/s that way, 0.59x without; bench:api,
 * Node 24). A response built by the
 * constructor, as hono's `c.json`/`c.body` and the routes' `new Response` are,
 * has mutable headers; one that has not (`Response.redirect`, a fetched one)
 * is copied first.
 *
 * @example
 * app.use(async (c, next) => {
 *   await next();
 *   editResponseHeaders(c, (headers) => headers.set('X-Served-By', 'pixport'));
 * });
 */
export function editResponseHeaders(c: Context, edit: (headers: Headers) => void): void {
  try {
    edit(c.res.headers);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    // Immutable headers refuse the first change, so nothing was applied yet.
    c.res = new Response(c.res.body, c.res);
    edit(c.res.headers);
  }
}
