import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './app-env.js';

/** One structured log line. */
export type LogEntry = Record<string, unknown> & { level: 'info' | 'warn' | 'error'; msg: string };

/** Where structured logs go. */
export type Log = (entry: LogEntry) => void;

/** One JSON line on stdout, with the time: what Lambda, workerd and the dev server each collect. */
export const jsonLog: Log = (entry) =>
  console.log(JSON.stringify({ time: new Date().toISOString(), ...entry }));

/**
 * Logs every request once it is answered: method, path, status, duration and
 * the owner when one was resolved; a 5xx is logged at error level.
 *
 * @example
 * app.use(requestLog(jsonLog));
 */
export function requestLog(log: Log): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    await next();
    log({
      level: c.res.status >= 500 ? 'error' : 'info',
      msg: 'request',
      requestId: c.get('requestId'),
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
      ...(c.get('owner') ? { owner: c.get('owner') } : {}),
    });
  };
}
