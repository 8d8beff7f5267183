import { Hono, type MiddlewareHandler } from 'hono';
import { cors as honoCors } from 'hono/cors';
import { requestId as honoRequestId } from 'hono/request-id';
import { describe, expect, it } from 'vitest';
import type { AppEnv } from '../../../src/entrypoints/http/app-env.js';
import { cors } from '../../../src/entrypoints/http/cors.js';
import { requestId } from '../../../src/entrypoints/http/request-id.js';

const OPTIONS = {
  allowHeaders: ['Authorization', 'Content-Type'],
  allowMethods: ['GET', 'POST', 'OPTIONS'],
  exposeHeaders: ['ETag', 'Location'],
  maxAge: 600,
};

/** The same routes behind a request id and a CORS middleware: ours, or hono's. */
const appWith = (ids: MiddlewareHandler<AppEnv>, corsMiddleware: MiddlewareHandler<AppEnv>) => {
  const app = new Hono<AppEnv>();
  app.use(ids);
  app.use(corsMiddleware);
  app.onError(
    (error) =>
      new Response(JSON.stringify({ detail: error.message }), {
        status: 400,
        headers: { 'Content-Type': 'application/problem+json' },
      }),
  );
  app.get('/json', (c) => c.json({ ok: true }));
  app.get('/raw', () => new Response('bytes', { headers: { ETag: '"1"' } }));
  app.get('/redirect', () => Response.redirect('https://example.com/elsewhere', 302));
  app.get('/vary', (c) => c.json({ ok: true }, 200, { Vary: 'Accept' }));
  app.get('/throws', () => {
    throw new Error('no');
  });
  return app;
};

const HEADERS = [
  'access-control-allow-origin',
  'access-control-expose-headers',
  'access-control-allow-methods',
  'access-control-allow-headers',
  'access-control-max-age',
  'vary',
  'location',
  'etag',
  'content-type',
];

const picked = (res: Response) => Object.fromEntries(HEADERS.map((name) => [name, res.headers.get(name)]));

describe('cors and requestId', () => {
  describe.each([
    ['any origin', ['*']],
    ['a list of origins', ['https://app.example', 'https://admin.example']],
  ])('allowing %s', (_, origins) => {
    const ours = appWith(requestId(), cors({ origins, ...OPTIONS }));
    const hono = appWith(
      honoRequestId(),
      honoCors({ origin: origins.includes('*') ? '*' : origins, ...OPTIONS }),
    );

    it.each([
      ['GET', '/json'],
      ['GET', '/raw'],
      ['GET', '/redirect'],
      ['GET', '/vary'],
      ['GET', '/throws'],
      ['GET', '/missing'],
      ['OPTIONS', '/json'],
    ])('answers %s %s with the headers hono’s cors sends, and a request id', async (method, path) => {
      for (const origin of [undefined, 'https://app.example', 'https://evil.example']) {
        const init = {
          method,
          headers: {
            ...(origin ? { Origin: origin } : {}),
            ...(method === 'OPTIONS' ? { 'Access-Control-Request-Method': 'POST' } : {}),
          },
        };
        const [mine, theirs] = [await ours.request(path, init), await hono.request(path, init)];
        expect(mine.status).toBe(theirs.status);
        expect(picked(mine)).toEqual(picked(theirs));
        expect(await mine.text()).toBe(await theirs.text());
        expect(mine.headers.get('x-request-id')).toMatch(/^[\w=-]+$/);
      }
    });
  });

  it("keeps a caller's well-formed request id on a response the route built itself", async () => {
    const app = appWith(requestId(), cors({ origins: ['*'], ...OPTIONS }));
    for (const path of ['/json', '/raw', '/redirect', '/throws']) {
      const res = await app.request(path, { headers: { 'X-Request-Id': 'trace-123' } });
      expect(res.headers.get('x-request-id')).toBe('trace-123');
    }
  });
});
