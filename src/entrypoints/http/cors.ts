import type { MiddlewareHandler } from 'hono';
import { cors as honoCors } from 'hono/cors';
import type { AppEnv } from './app-env.js';
import { editResponseHeaders } from './response-headers.js';

export interface CorsOptions {
  /** Origins allowed; `*` allows any. */
  readonly origins: readonly string[];
  readonly allowHeaders: readonly string[];
  readonly allowMethods: readonly string[];
  readonly exposeHeaders: readonly string[];
  /** How long a browser may keep a preflight's answer, in seconds. */
  readonly maxAge: number;
}

/**
 * CORS with the headers hono's `cors` sends, set on the response once it is
 * made instead of on `c.res` before it: hono's way has every response rebuilt
 * around a stream of its body (see editResponseHeaders), which cost GET /photos
 * close to half its throughput. Preflights are still answered by hono's `cors`.
 *
 * @example
 * app.use(cors({ origins: ['*'], allowHeaders: ['Content-Type'], allowMethods: ['GET'], exposeHeaders: [], maxAge: 600 }));
 */
export function cors(options: CorsOptions): MiddlewareHandler<AppEnv> {
  const anyOrigin = options.origins.includes('*');
  const preflight = honoCors({
    origin: anyOrigin ? '*' : [...options.origins],
    allowHeaders: [...options.allowHeaders],
    allowMethods: [...options.allowMethods],
    exposeHeaders: [...options.exposeHeaders],
    maxAge: options.maxAge,
  });
  const exposed = options.exposeHeaders.join(',');
  return async (c, next) => {
    if (c.req.method === 'OPTIONS') return preflight(c, next);
    const origin = c.req.header('origin') ?? '';
    const allowed = anyOrigin ? '*' : options.origins.includes(origin) ? origin : undefined;
    await next();
    editResponseHeaders(c, (headers) => {
      if (allowed) headers.set('Access-Control-Allow-Origin', allowed);
      if (exposed) headers.set('Access-Control-Expose-Headers', exposed);
      // The answer depends on the Origin unless every origin gets the same one.
      if (!anyOrigin) headers.append('Vary', 'Origin');
    });
  };
}
