import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { ALLOWED_ORIGIN, createAppHarness } from '../../support/app-harness.js';
import { tinyPng } from '../../support/images.js';
import { as, expectProblem, uploadPng } from './http-helpers.js';

describe('GET /health and GET /openapi.json', () => {
  it('answers /health with 200', async () => {
    const h = createAppHarness();
    const res = await h.app.request('/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('serves an OpenAPI 3.1 document with every route of the contract', async () => {
    const h = createAppHarness();
    const res = await h.app.request('/openapi.json');
    expect(res.status).toBe(200);
    const doc = await res.json();
    expect(doc.openapi).toBe('3.1.0');
    const methods = Object.fromEntries(
      Object.entries(doc.paths as Record<string, object>).map(([path, ops]) => [
        path,
        Object.keys(ops).sort(),
      ]),
    );
    expect(methods).toEqual({
      '/uploads': ['post'],
      '/uploads/{id}': ['delete', 'get'],
      '/uploads/{id}/parts': ['post'],
      '/uploads/{id}/complete': ['post'],
      '/photos': ['get', 'post'],
      '/photos/{id}': ['delete', 'get'],
      '/photos/{id}/original': ['get'],
      '/photos/{id}/thumbnails/{preset}': ['get'],
      '/health': ['get'],
      '/openapi.json': ['get'],
      // The harness serves the signed /files routes, as the dev server and the Worker do.
      '/files/originals/{ownerId}/{photoId}': ['get', 'put'],
      '/files/originals/{ownerId}/{photoId}/parts/{partNumber}': ['put'],
      '/files/renditions/{ownerId}/{photoId}/{file}': ['get'],
    });
    // Documented from the same zod schemas that validate requests.
    const upload = doc.paths['/uploads'].post.requestBody.content['application/json'].schema;
    expect(upload.required.sort()).toEqual(['contentType', 'filename', 'size']);
    expect(upload.additionalProperties).toBe(false);
    expect(doc.paths['/photos/{id}/thumbnails/{preset}'].get.responses).toHaveProperty('409');
    expect(Object.keys(doc.components.schemas.Problem.properties)).toEqual(
      expect.arrayContaining(['type', 'title', 'status', 'detail', 'code']),
    );
    const limit = doc.paths['/photos'].get.parameters.find((p: { name: string }) => p.name === 'limit');
    expect(limit.schema).toMatchObject({ minimum: 1, maximum: 100 });
  });
});

describe('unknown routes', () => {
  it.each([
    ['GET', '/nope'],
    ['GET', '/photos/0190f3a2-7b1c-7d2e-8f3a-0123456789ab/original/extra'],
    ['DELETE', '/nope'],
  ])('answers %s %s with a 404 problem', async (method, path) => {
    const h = createAppHarness();
    await expectProblem(await h.app.request(path, { method }), 404, 'route-not-found');
  });

  it.each([
    ['PATCH', '/photos/0190f3a2-7b1c-7d2e-8f3a-0123456789ab', 'GET, HEAD, DELETE, OPTIONS'],
    ['GET', '/uploads', 'POST, OPTIONS'],
    ['PUT', '/photos', 'GET, HEAD, POST, OPTIONS'],
    ['POST', '/health', 'GET, HEAD, OPTIONS'],
    ['DELETE', '/files/originals/dev/0190f3a2-7b1c-7d2e-8f3a-0123456789ab', 'GET, HEAD, PUT, OPTIONS'],
  ])('answers %s %s, a known path, with 405 and Allow: %s', async (method, path, allow) => {
    const h = createAppHarness();
    const res = await h.app.request(path, { method });
    const body = await expectProblem(res, 405, 'method-not-allowed');
    expect(res.headers.get('Allow')).toBe(allow);
    expect(body.detail).toContain(method);
  });
});

describe('CORS', () => {
  const preflight = (origin: string) => ({
    method: 'OPTIONS',
    headers: {
      Origin: origin,
      'Access-Control-Request-Method': 'POST',
      'Access-Control-Request-Headers': 'content-type, authorization',
    },
  });

  it('allows a preflight from a configured origin', async () => {
    const h = createAppHarness();
    const res = await h.app.request('/uploads', preflight(ALLOWED_ORIGIN));
    expect(res.status).toBeLessThan(300);
    expect(res.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
  });

  it('does not allow a preflight from another origin', async () => {
    const h = createAppHarness();
    const res = await h.app.request('/uploads', preflight('https://evil.example'));
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('marks actual responses, errors included, for the allowed origin only', async () => {
    const h = createAppHarness();
    const ok = await h.app.request('/photos', { headers: { Origin: ALLOWED_ORIGIN } });
    expect(ok.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    expect(ok.headers.get('access-control-expose-headers')).toMatch(/Location/);
    const problem = await h.app.request('/photos/x', { headers: { Origin: ALLOWED_ORIGIN } });
    expect(problem.status).toBe(400);
    expect(problem.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    const other = await h.app.request('/photos', { headers: { Origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('request id and access log', () => {
  it('sets X-Request-Id on every response, errors included', async () => {
    const h = createAppHarness();
    const responses = [
      await h.app.request('/health'),
      await h.app.request('/photos'),
      await h.app.request('/photos/x'),
      await h.app.request('/nope'),
      await h.app.request('/files/x?exp=1&sig=a'),
    ];
    const ids = responses.map((r) => r.headers.get('x-request-id'));
    for (const id of ids) expect(id).toMatch(/^[\w=-]+$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("keeps a caller's well-formed request id and puts it in problems", async () => {
    const h = createAppHarness();
    const res = await h.app.request('/photos/x', { headers: { 'X-Request-Id': 'trace-123' } });
    expect(res.headers.get('x-request-id')).toBe('trace-123');
    expect((await expectProblem(res, 400)).requestId).toBe('trace-123');
  });

  it('logs one structured entry per request', async () => {
    const h = createAppHarness();
    const ok = await h.app.request('/photos?limit=5', { headers: as('alice') });
    const bad = await h.app.request('/photos/x', { method: 'DELETE' });
    const missing = await h.app.request('/nope');
    const requests = h.logs.filter((e) => e.msg === 'request');
    expect(requests).toHaveLength(3);
    expect(requests).toEqual([
      expect.objectContaining({
        level: 'info',
        method: 'GET',
        path: '/photos',
        status: 200,
        requestId: ok.headers.get('x-request-id'),
        owner: 'alice',
      }),
      expect.objectContaining({
        method: 'DELETE',
        path: '/photos/x',
        status: 400,
        requestId: bad.headers.get('x-request-id'),
      }),
      expect.objectContaining({
        method: 'GET',
        path: '/nope',
        status: 404,
        requestId: missing.headers.get('x-request-id'),
      }),
    ]);
    for (const entry of requests) expect(entry.durationMs).toEqual(expect.any(Number));
    // JSON-serialisable: it is written as one line.
    expect(() => JSON.stringify(requests)).not.toThrow();
  });
});

describe('nothing a client sends causes a 5xx', () => {
  const UNKNOWN_ID = '0190f3a2-7b1c-7d2e-8f3a-0123456789ab';
  const headerValue = fc
    .string({ maxLength: 40 })
    .filter((s) => /^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$/.test(s));
  const segment = fc.oneof(
    fc.constantFrom(
      'photos',
      'uploads',
      'files',
      'thumbnails',
      'original',
      'thumb',
      UNKNOWN_ID,
      '..',
      '%',
      '%2F',
    ),
    fc.string({ maxLength: 12 }).map(encodeURIComponent),
  );
  const path = fc.oneof(
    fc.array(segment, { minLength: 1, maxLength: 5 }).map((s) => `/${s.join('/')}`),
    fc.constantFrom('/uploads', '/photos', `/photos/${UNKNOWN_ID}`, `/photos/${UNKNOWN_ID}/thumbnails/thumb`),
  );
  const query = fc.dictionary(
    fc.constantFrom('limit', 'cursor', 'filename', 'exp', 'sig', 'ct', 'len', 'dn'),
    fc.string({ maxLength: 20 }),
    { maxKeys: 4 },
  );
  const body = fc.oneof(
    fc.json().map((j) => new TextEncoder().encode(j)),
    fc
      .record(
        { filename: fc.anything(), contentType: fc.anything(), size: fc.anything() },
        { requiredKeys: [] },
      )
      .map((r) => new TextEncoder().encode(JSON.stringify(r) ?? '')),
    fc.uint8Array({ maxLength: 64 }),
    fc.constant(tinyPng()),
  );
  const contentType = fc.oneof(
    fc.constantFrom(
      'application/json',
      'image/png',
      'image/svg+xml',
      'multipart/form-data; boundary=x',
      'text/plain',
    ),
    headerValue,
  );

  test.prop(
    [
      fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'HEAD'),
      path,
      query,
      fc.option(contentType, { nil: undefined }),
      fc.option(headerValue, { nil: undefined }),
      body,
    ],
    { numRuns: 200 },
  )('answers below 500', async (method, p, q, type, owner, bytes) => {
    const h = createAppHarness();
    const headers: Record<string, string> = {};
    if (type !== undefined) headers['Content-Type'] = type;
    if (owner !== undefined) headers['X-Owner-Id'] = owner;
    const hasBody = method !== 'GET' && method !== 'HEAD';
    const res = await h.app.request(`${p}?${new URLSearchParams(q)}`, {
      method,
      headers,
      ...(hasBody ? { body: bytes as Uint8Array<ArrayBuffer> } : {}),
    });
    expect(res.status).toBeLessThan(500);
    expect(h.logs.filter((e) => e.level === 'error')).toEqual([]);
  });

  test.prop([fc.json(), fc.constantFrom('alice', 'bob')], { numRuns: 100 })(
    'POST /uploads answers 201 or a 4xx problem for any JSON',
    async (json, owner) => {
      const h = createAppHarness();
      const res = await h.app.request('/uploads', {
        method: 'POST',
        headers: as(owner, { 'Content-Type': 'application/json' }),
        body: json,
      });
      if (res.status !== 201) await expectProblem(res, res.status);
      expect(res.status).toBeLessThan(500);
    },
  );

  it('answers below 500 on the routes of a real photo for random presets and ids', async () => {
    const h = createAppHarness();
    const photo = await uploadPng(h);
    await h.makeReady(photo.id);
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 30 }), fc.string({ maxLength: 40 }), async (preset, id) => {
        for (const url of [
          `/photos/${photo.id}/thumbnails/${encodeURIComponent(preset)}`,
          `/photos/${encodeURIComponent(id)}`,
          `/photos/${encodeURIComponent(id)}/original`,
        ]) {
          expect((await h.app.request(url)).status).toBeLessThan(500);
        }
      }),
      { numRuns: 100 },
    );
  });
});
