import type { Context } from 'hono';
import { createLocalJWKSet, createRemoteJWKSet, type JSONWebKeySet, type JWTPayload, jwtVerify } from 'jose';
import { OwnerId } from '../../domain/owner-id.js';
import { UnauthorizedError } from './errors.js';

/**
 * Works out whose request this is. The owner is whatever identity resolves;
 * a resolver throws UnauthorizedError when there is no valid identity. Its
 * `scheme` is how the OpenAPI document describes it: the dev `X-Owner-Id`
 * header, or a bearer JWT.
 */
export type IdentityResolver = ((c: Context) => Promise<OwnerId>) & { readonly scheme: 'dev' | 'bearer' };

const resolver = (scheme: IdentityResolver['scheme'], resolve: (c: Context) => Promise<OwnerId>) =>
  Object.assign(resolve, { scheme });

const ownerFrom = (subject: unknown): OwnerId => {
  const owner = OwnerId.parse(subject);
  if (!owner.ok) throw new UnauthorizedError('the token subject is not a usable owner id');
  return owner.value;
};

/**
 * Dev mode, for the dev server: the owner is the `X-Owner-Id` header when
 * present, so a frontend developer can act as several users, else `dev`.
 */
export function devIdentity(defaultOwner = 'dev'): IdentityResolver {
  return resolver('dev', async (c) => {
    const header = c.req.header('x-owner-id');
    if (header === undefined || header === '') return defaultOwner as OwnerId;
    const owner = OwnerId.parse(header);
    if (!owner.ok) throw new UnauthorizedError(`X-Owner-Id: ${owner.error.message}`);
    return owner.value;
  });
}

export interface JwtIdentityConfig {
  readonly issuer: string;
  readonly audience: string;
  /** Where the issuer publishes its keys. */
  readonly jwksUrl?: string;
  /** Keys given directly (tests sign with a local key pair). */
  readonly jwks?: JSONWebKeySet;
}

/**
 * Whether a verified token was issued for this API. As API Gateway's JWT
 * authorizer decides: its `aud` must name the audience; a token without `aud`
 * qualifies by its `client_id` instead. Cognito's access tokens need that:
 * they carry no `aud`, only the app client's id in `client_id`.
 */
const meantFor = (payload: JWTPayload, audience: string): boolean => {
  if (payload.aud !== undefined) {
    return Array.isArray(payload.aud) ? payload.aud.includes(audience) : payload.aud === audience;
  }
  return payload.client_id === audience;
};

/**
 * JWT mode: a bearer token verified against the issuer's JWKS and issuer, and
 * meant for the configured audience (its `aud`, or without one its
 * `client_id`), and not an ID token; the owner is its `sub`. `X-Owner-Id` is
 * ignored. Uses jose, which runs on Node and Workers alike.
 *
 * @example
 * createApp({ ..., identity: jwtIdentity({ issuer, audience: 'pixport', jwksUrl }) });
 */
export function jwtIdentity(config: JwtIdentityConfig): IdentityResolver {
  const keys = config.jwks
    ? createLocalJWKSet(config.jwks)
    : config.jwksUrl
      ? createRemoteJWKSet(new URL(config.jwksUrl))
      : undefined;
  if (!keys) throw new Error('jwt identity needs jwksUrl or jwks');
  return resolver('bearer', async (c) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) throw new UnauthorizedError();
    let payload: JWTPayload;
    try {
      // The audience is checked below: jose's check would refuse a token without `aud`.
      ({ payload } = await jwtVerify(match[1], keys, { issuer: config.issuer }));
    } catch {
      throw new UnauthorizedError('the bearer token is invalid or expired');
    }
    if (!meantFor(payload, config.audience))
      throw new UnauthorizedError('the bearer token is not meant for this API');
    // Cognito's ID tokens name the app client as audience too, but say what they are.
    if (payload.token_use === 'id') throw new UnauthorizedError('an ID token is not an access token');
    return ownerFrom(payload.sub);
  });
}

interface ApiGatewayEnv {
  event?: { requestContext?: { authorizer?: { jwt?: { claims?: Record<string, unknown> } } } };
}

/**
 * Behind API Gateway's JWT authorizer, which has verified the token already:
 * the owner is the `sub` claim the request context carries.
 */
export function apiGatewayIdentity(): IdentityResolver {
  return resolver('bearer', async (c) => {
    const claims = (c.env as ApiGatewayEnv | undefined)?.event?.requestContext?.authorizer?.jwt?.claims;
    if (!claims || claims.sub === undefined)
      throw new UnauthorizedError('the request carries no verified identity');
    return ownerFrom(claims.sub);
  });
}
