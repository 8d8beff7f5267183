import { describe, expect, it } from 'vitest';
import { parseCloudflareConfig } from '../../src/entrypoints/composition/cloudflare-config.js';
import { pageConfigFor } from '../../src/entrypoints/composition/config-env.js';

const secret = 'x'.repeat(32);
const jwtVars = {
  JWT_ISSUER: 'https://issuer.example/',
  JWT_AUDIENCE: 'pixport',
  JWKS_URL: 'https://issuer.example/jwks.json',
  OIDC_CLIENT_ID: 'pixport-web',
};

describe('parseCloudflareConfig', () => {
  it('is in JWT mode unless told otherwise, and names what JWT mode lacks', () => {
    expect(() => parseCloudflareConfig({ URL_SIGNING_SECRET: secret })).toThrow(
      /JWT_ISSUER is required.*JWT_AUDIENCE is required.*JWKS_URL is required.*OIDC_CLIENT_ID is required/,
    );
    const config = parseCloudflareConfig({ URL_SIGNING_SECRET: secret, ...jwtVars });
    expect(config.auth).toEqual({
      mode: 'jwt',
      issuer: 'https://issuer.example/',
      audience: 'pixport',
      jwksUrl: 'https://issuer.example/jwks.json',
      clientId: 'pixport-web',
      scope: 'openid email profile',
    });
  });

  it("serves the page's sign-in settings, redirecting to the page's own origin unless told otherwise", () => {
    const parsed = parseCloudflareConfig({
      URL_SIGNING_SECRET: secret,
      ...jwtVars,
      MAX_ORIGINAL_BYTES: '1000000',
    });
    const { auth, limits } = parsed;
    expect(
      pageConfigFor(auth, 'https://photos.example/config.json', { analysis: true, video: false, limits }),
    ).toEqual({
      apiBase: '',
      analysis: true,
      video: false,
      // What the Worker enforces, so the page refuses a larger file before sending it.
      limits: { maxOriginalBytes: 1_000_000, video: { maxBytes: limits.video.maxBytes } },
      auth: {
        mode: 'jwt',
        issuer: 'https://issuer.example/',
        clientId: 'pixport-web',
        scope: 'openid email profile',
        redirectUri: 'https://photos.example/',
        logoutUri: 'https://photos.example/',
      },
    });
    const cognito = parseCloudflareConfig({
      URL_SIGNING_SECRET: secret,
      ...jwtVars,
      OIDC_SCOPE: 'openid email',
      OIDC_REDIRECT_URI: 'https://gallery.example/',
      OIDC_END_SESSION_ENDPOINT: 'https://login.example/logout',
      OIDC_SIGN_UP_ENDPOINT: 'https://login.example/signup',
    }).auth;
    expect(
      pageConfigFor(cognito, 'https://photos.example/config.json', {
        analysis: true,
        video: false,
        limits: parsed.limits,
      }).auth,
    ).toEqual({
      mode: 'jwt',
      issuer: 'https://issuer.example/',
      clientId: 'pixport-web',
      scope: 'openid email',
      redirectUri: 'https://gallery.example/',
      logoutUri: 'https://gallery.example/',
      endSessionEndpoint: 'https://login.example/logout',
      signUpEndpoint: 'https://login.example/signup',
    });
    expect(() =>
      parseCloudflareConfig({
        URL_SIGNING_SECRET: secret,
        ...jwtVars,
        OIDC_SIGN_UP_ENDPOINT: 'javascript:x',
      }),
    ).toThrow(/OIDC_SIGN_UP_ENDPOINT/);
  });

  it('takes dev mode from AUTH_MODE=dev, and always wants a long enough signing secret', () => {
    const { auth: dev, limits } = parseCloudflareConfig({ AUTH_MODE: 'dev', URL_SIGNING_SECRET: secret });
    expect(dev).toEqual({ mode: 'dev' });
    expect(
      pageConfigFor(dev, 'https://photos.example/config.json', { analysis: false, video: false, limits }),
    ).toEqual({
      apiBase: '',
      auth: { mode: 'dev' },
      analysis: false,
      video: false,
      limits: { maxOriginalBytes: limits.maxOriginalBytes, video: { maxBytes: limits.video.maxBytes } },
    });
    expect(() => parseCloudflareConfig({ AUTH_MODE: 'dev' })).toThrow(/URL_SIGNING_SECRET is required/);
    expect(() => parseCloudflareConfig({ AUTH_MODE: 'dev', URL_SIGNING_SECRET: 'short' })).toThrow(
      /URL_SIGNING_SECRET must be at least 32/,
    );
  });
});
