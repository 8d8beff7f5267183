import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiGatewayIdentity, jwtIdentity } from '../../../src/entrypoints/http/identity.js';
import { type AppHarness, createAppHarness } from '../../support/app-harness.js';
import { tinyPng } from '../../support/images.js';
import { expectProblem, type PhotoBody } from './http-helpers.js';

const ISSUER = 'https://issuer.example/';
const AUDIENCE = 'pixport-api';
const KID = 'test-key-1';

type Key = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

describe('JWT mode', () => {
  let signingKey: Key;
  let otherKey: Key;
  let h: AppHarness;

  /** `aud: null` leaves the claim out, as in Cognito's access tokens. */
  const token = (
    claims: {
      sub?: string;
      iss?: string;
      aud?: string | string[] | null;
      client_id?: string;
      token_use?: 'id' | 'access';
      exp?: number | string;
    } = {},
    key: Key = signingKey,
    kid = KID,
  ) => {
    const { client_id, token_use } = claims;
    const jwt = new SignJWT({ ...(client_id && { client_id }), ...(token_use && { token_use }) })
      .setProtectedHeader({ alg: 'RS256', kid })
      .setIssuedAt()
      .setIssuer(claims.iss ?? ISSUER)
      .setExpirationTime(claims.exp ?? '5m');
    if (claims.aud !== null) jwt.setAudience(claims.aud ?? AUDIENCE);
    if (claims.sub !== undefined) jwt.setSubject(claims.sub);
    return jwt.sign(key);
  };
  const bearer = async (claims: Parameters<typeof token>[0] = { sub: 'alice' }) => ({
    Authorization: `Bearer ${await token(claims)}`,
  });

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    signingKey = pair.privateKey;
    otherKey = (await generateKeyPair('RS256')).privateKey;
    const publicJwk = { ...(await exportJWK(pair.publicKey)), kid: KID, alg: 'RS256', use: 'sig' };
    h = createAppHarness({
      identity: jwtIdentity({ issuer: ISSUER, audience: AUDIENCE, jwks: { keys: [publicJwk] } }),
    });
  });

  it('takes the owner from the token subject', async () => {
    const created = await h.app.request('/photos', {
      method: 'POST',
      headers: { ...(await bearer({ sub: 'alice' })), 'Content-Type': 'image/png' },
      body: tinyPng(),
    });
    expect(created.status).toBe(202);
    const { photo } = (await created.json()) as { photo: PhotoBody };
    expect(h.blobs.keys('originals/alice/')).toContain(`originals/alice/${photo.id}`);

    const forAlice = await (
      await h.app.request('/photos', { headers: await bearer({ sub: 'alice' }) })
    ).json();
    expect(forAlice.items.map((p: PhotoBody) => p.id)).toContain(photo.id);
    const forBob = await (await h.app.request('/photos', { headers: await bearer({ sub: 'bob' }) })).json();
    expect(forBob.items).toEqual([]);
    const asBob = await h.app.request(`/photos/${photo.id}`, { headers: await bearer({ sub: 'bob' }) });
    await expectProblem(asBob, 404, 'photo-not-found');
  });

  it.each<[string, Parameters<typeof token>[0]]>([
    ['its aud names the audience', { sub: 'alice' }],
    ['its aud list includes the audience', { sub: 'alice', aud: ['another-api', AUDIENCE] }],
    // Cognito access tokens: no aud, the app client in client_id (API Gateway's JWT authorizer takes them so).
    ['it has no aud and its client_id is the audience', { sub: 'alice', aud: null, client_id: AUDIENCE }],
    ['it is a Cognito access token', { sub: 'alice', aud: null, client_id: AUDIENCE, token_use: 'access' }],
  ])('accepts a token when %s', async (_, claims) => {
    const res = await h.app.request('/photos', {
      headers: { Authorization: `Bearer ${await token(claims)}` },
    });
    expect(res.status).toBe(200);
  });

  it.each<[string, Parameters<typeof token>[0]]>([
    ['it has no aud and no client_id', { sub: 'alice', aud: null }],
    ['it has no aud and another client_id', { sub: 'alice', aud: null, client_id: 'another-client' }],
    // As API Gateway: with an aud present, client_id is not consulted.
    ['its aud is wrong, whatever its client_id', { sub: 'alice', aud: 'another-api', client_id: AUDIENCE }],
    ['its aud list lacks the audience', { sub: 'alice', aud: ['another-api', 'a-third'] }],
    // A Cognito ID token names the app client (the audience on Cognito) in aud; it is no access token.
    ['it is a Cognito ID token', { sub: 'alice', aud: AUDIENCE, token_use: 'id' }],
  ])('refuses a token when %s', async (_, claims) => {
    const res = await h.app.request('/photos', {
      headers: { Authorization: `Bearer ${await token(claims)}` },
    });
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    await expectProblem(res, 401, 'unauthorized');
  });

  it('accepts a lower-case bearer scheme', async () => {
    const res = await h.app.request('/photos', {
      headers: { Authorization: `bearer ${await token({ sub: 'alice' })}` },
    });
    expect(res.status).toBe(200);
  });

  it('ignores X-Owner-Id', async () => {
    const res = await h.app.request('/uploads', {
      method: 'POST',
      headers: {
        ...(await bearer({ sub: 'carol' })),
        'X-Owner-Id': 'mallory',
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({ filename: 'a.png', contentType: 'image/png', size: 10 }),
    });
    expect(res.status).toBe(201);
    const { upload } = await res.json();
    expect(upload.url).toMatch(/^\/files\/originals\/carol\//);
    const asMallory = await h.app.request('/photos', { headers: { 'X-Owner-Id': 'mallory' } });
    await expectProblem(asMallory, 401, 'unauthorized');
  });

  it('answers 401 with WWW-Authenticate without a token, on every protected route', async () => {
    const id = '0190f3a2-7b1c-7d2e-8f3a-0123456789ab';
    const requests: [string, RequestInit][] = [
      ['/photos', {}],
      ['/photos', { method: 'POST', headers: { 'Content-Type': 'image/png' }, body: tinyPng() }],
      [
        '/uploads',
        {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ filename: 'a.png', contentType: 'image/png', size: 1 }),
        },
      ],
      [`/photos/${id}`, {}],
      [`/photos/${id}`, { method: 'DELETE' }],
      [`/photos/${id}/original`, {}],
      [`/photos/${id}/thumbnails/thumb`, {}],
    ];
    for (const [path, init] of requests) {
      const res = await h.app.request(path, init);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      await expectProblem(res, 401, 'unauthorized');
    }
  });

  it.each<[string, () => Promise<string>]>([
    ['a wrong issuer', () => token({ sub: 'alice', iss: 'https://evil.example/' })],
    ['a wrong audience', () => token({ sub: 'alice', aud: 'another-api' })],
    ['an expired token', () => token({ sub: 'alice', exp: Math.floor(Date.now() / 1000) - 600 })],
    ['a signature by another key', () => token({ sub: 'alice' }, otherKey)],
    ['an unknown key id', () => token({ sub: 'alice' }, otherKey, 'other-kid')],
    ['no subject', () => token({})],
    ['an unusable subject', () => token({ sub: '../bob' })],
    [
      'a tampered payload',
      async () => {
        const [head, , sig] = (await token({ sub: 'alice' })).split('.');
        const payload = Buffer.from(JSON.stringify({ sub: 'bob', iss: ISSUER, aud: AUDIENCE })).toString(
          'base64url',
        );
        return `${head}.${payload}.${sig}`;
      },
    ],
    ['garbage', async () => 'not-a-jwt'],
    [
      'an unsigned token',
      async () => {
        const payload = Buffer.from(JSON.stringify({ sub: 'alice', iss: ISSUER, aud: AUDIENCE })).toString(
          'base64url',
        );
        return `${Buffer.from('{"alg":"none"}').toString('base64url')}.${payload}.`;
      },
    ],
  ])('answers 401 for %s', async (_, make) => {
    const res = await h.app.request('/photos', { headers: { Authorization: `Bearer ${await make()}` } });
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    await expectProblem(res, 401, 'unauthorized');
  });

  it.each(['Basic YWxpY2U6c2VjcmV0', 'Bearer', 'Bearer a b', 'Token abc'])(
    'answers 401 for the Authorization header %j',
    async (authorization) => {
      await expectProblem(await h.app.request('/photos', { headers: { Authorization: authorization } }), 401);
    },
  );

  it('needs no token for /health, /openapi.json, CORS preflights and signed /files URLs', async () => {
    expect((await h.app.request('/health')).status).toBe(200);
    expect((await h.app.request('/openapi.json')).status).toBe(200);
    const preflight = await h.app.request('/photos', {
      method: 'OPTIONS',
      headers: {
        Origin: 'https://app.example',
        'Access-Control-Request-Method': 'GET',
        'Access-Control-Request-Headers': 'authorization',
      },
    });
    expect(preflight.status).toBeLessThan(300);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.example');

    const created = await h.app.request('/photos', {
      method: 'POST',
      headers: { ...(await bearer({ sub: 'dana' })), 'Content-Type': 'image/png' },
      body: tinyPng(),
    });
    const { photo } = (await created.json()) as { photo: PhotoBody };
    const original = await h.app.request(`/photos/${photo.id}/original`, {
      headers: await bearer({ sub: 'dana' }),
    });
    expect(original.status).toBe(302);
    expect((await h.app.request(original.headers.get('location') as string)).status).toBe(200);
  });

  it('answers an unknown route with 404, not 401, without a token', async () => {
    const res = await h.app.request('/no-such-route');
    expect(res.status).toBe(404);
    expect((await res.json()).code).toBe('route-not-found');
  });

  it('documents bearer auth in the OpenAPI document, with /health and itself open', async () => {
    const doc = await (await h.app.request('/openapi.json')).json();
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.security).toEqual([{ bearer: [] }]);
    expect(doc.paths['/health'].get.security).toEqual([]);
    expect(doc.paths['/openapi.json'].get.security).toEqual([]);
  });
});

describe('behind API Gateway (JWT authorizer)', () => {
  const envWith = (claims?: Record<string, unknown>) => ({
    event: { requestContext: { authorizer: claims ? { jwt: { claims } } : {} } },
  });

  it('takes the owner from the sub claim of the request context', async () => {
    const h = createAppHarness({ identity: apiGatewayIdentity() });
    const created = await h.app.request(
      '/photos',
      { method: 'POST', headers: { 'Content-Type': 'image/png', 'X-Owner-Id': 'mallory' }, body: tinyPng() },
      envWith({ sub: 'alice', iss: 'https://cognito.example' }),
    );
    expect(created.status).toBe(202);
    const { photo } = (await created.json()) as { photo: PhotoBody };
    expect(h.blobs.keys()).toEqual([`originals/alice/${photo.id}`]);
    const list = await (await h.app.request('/photos', {}, envWith({ sub: 'alice' }))).json();
    expect(list.items.map((p: PhotoBody) => p.id)).toEqual([photo.id]);
    const forBob = await (await h.app.request('/photos', {}, envWith({ sub: 'bob' }))).json();
    expect(forBob.items).toEqual([]);
  });

  it('answers 401 without claims, without a sub, or with an unusable sub', async () => {
    const h = createAppHarness({ identity: apiGatewayIdentity() });
    await expectProblem(await h.app.request('/photos'), 401, 'unauthorized');
    await expectProblem(await h.app.request('/photos', {}, envWith()), 401, 'unauthorized');
    await expectProblem(await h.app.request('/photos', {}, envWith({ scope: 'x' })), 401, 'unauthorized');
    await expectProblem(await h.app.request('/photos', {}, envWith({ sub: 'a/b' })), 401, 'unauthorized');
    await expectProblem(await h.app.request('/photos', {}, envWith({ sub: 42 })), 401, 'unauthorized');
    expect((await h.app.request('/health')).status).toBe(200);
  });
});
