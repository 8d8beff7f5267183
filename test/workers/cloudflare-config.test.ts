import { describe, expect, it } from 'vitest';
import { parseCloudflareConfig } from '../../src/entrypoints/composition/cloudflare-config.js';

const secret = 'x'.repeat(32);

describe('parseCloudflareConfig', () => {
  it('is in JWT mode unless told otherwise, and names what JWT mode lacks', () => {
    expect(() => parseCloudflareConfig({ URL_SIGNING_SECRET: secret })).toThrow(
      /JWT_ISSUER is required.*JWT_AUDIENCE is required.*JWKS_URL is required/,
    );
    const config = parseCloudflareConfig({
      URL_SIGNING_SECRET: secret,
      JWT_ISSUER: 'https://issuer.example/',
      JWT_AUDIENCE: 'pixport',
      JWKS_URL: 'https://issuer.example/jwks.json',
    });
    expect(config.auth).toEqual({
      mode: 'jwt',
      issuer: 'https://issuer.example/',
      audience: 'pixport',
      jwksUrl: 'https://issuer.example/jwks.json',
    });
  });

  it('takes dev mode from AUTH_MODE=dev, and always wants a long enough signing secret', () => {
    expect(parseCloudflareConfig({ AUTH_MODE: 'dev', URL_SIGNING_SECRET: secret }).auth).toEqual({
      mode: 'dev',
    });
    expect(() => parseCloudflareConfig({ AUTH_MODE: 'dev' })).toThrow(/URL_SIGNING_SECRET is required/);
    expect(() => parseCloudflareConfig({ AUTH_MODE: 'dev', URL_SIGNING_SECRET: 'short' })).toThrow(
      /URL_SIGNING_SECRET must be at least 32/,
    );
  });
});
