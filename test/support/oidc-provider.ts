import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { type Account, type ProviderContext } from 'oidc-provider';

/** The two people who can sign in at the test provider, by login. */
export const TEST_ACCOUNTS = {
  alice: { email: 'alice@example.test', name: 'Alice Example' },
  bob: { email: 'bob@example.test', name: 'Bob Example' },
} as const;

export type TestLogin = keyof typeof TEST_ACCOUNTS;

/** The page's public client at the provider. */
const CLIENT_ID = 'pixport-web';
/** The API, as a resource indicator: the `aud` of every access token. */
const AUDIENCE = 'urn:pixport:api';

/**
 * panva's oidc-provider (OpenID Certified) on 127.0.0.1, in-process, as the
 * browser tests' identity provider: discovery, a public client with PKCE,
 * the authorization-code and refresh-token grants with refresh-token rotation,
 * JWT access tokens for the API's audience, revocation, RP-initiated logout,
 * and the login form of its development interactions.
 */
export interface TestOidcProvider {
  /** `http://127.0.0.1:<port>`: what the dev server's JWT_ISSUER and the page's issuer say. */
  readonly issuer: string;
  readonly jwksUrl: string;
  /** The resource indicator every access token is issued for (the API's JWT_AUDIENCE). */
  readonly audience: string;
  readonly clientId: string;
  /** Lifetime in seconds of the access tokens issued from now on; change it between tests. */
  accessTokenTtl: number;
  /**
   * Registers the page's URL as the client's redirect and post-logout URI.
   * Until then the provider answers 503: it is started before the dev server,
   * whose address it cannot know yet, because the dev server needs the issuer.
   */
  trust(pageUrl: string): void;
  /** RFC 7009 revocation: a refresh token revokes its whole grant, so the session cannot be refreshed. */
  revoke(token: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts the provider on a free port of 127.0.0.1.
 *
 * @example
 * const idp = await startTestOidcProvider();
 * const server = await startLocalDevServer({ auth: { mode: 'jwt', issuer: idp.issuer, ... } });
 * idp.trust(`${server.url}/`);
 */
export async function startTestOidcProvider(
  options: { accessTokenTtl?: number } = {},
): Promise<TestOidcProvider> {
  let handle: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const server = createServer((req, res) => {
    if (handle) handle(req, res);
    else res.writeHead(503).end('the provider has no client yet');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const signingKey = { ...(await exportJWK(privateKey)), kid: 'test-signing-key', alg: 'RS256', use: 'sig' };

  const state: TestOidcProvider = {
    issuer,
    jwksUrl: `${issuer}/jwks`,
    audience: AUDIENCE,
    clientId: CLIENT_ID,
    accessTokenTtl: options.accessTokenTtl ?? 600,
    trust(pageUrl) {
      handle = new Provider(
        issuer,
        configuration(pageUrl, signingKey, () => state.accessTokenTtl),
      ).callback();
    },
    async revoke(token) {
      const res = await fetch(`${issuer}/token/revocation`, {
        method: 'POST',
        body: new URLSearchParams({ token, client_id: CLIENT_ID }),
      });
      if (!res.ok) throw new Error(`revocation answered ${res.status}: ${await res.text()}`);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return state;
}

function findAccount(_ctx: unknown, id: string): Account | undefined {
  const account = TEST_ACCOUNTS[id as TestLogin];
  if (!account) return undefined;
  return {
    accountId: id,
    claims: () => ({ sub: id, email: account.email, email_verified: true, name: account.name }),
  };
}

/**
 * The page is a first-party client, as with Cognito's managed login: signing
 * in grants it the OIDC scopes and the API without a consent screen.
 */
async function loadExistingGrant(ctx: ProviderContext) {
  const { provider, client, session, result } = ctx.oidc;
  const grantId = result?.consent?.grantId ?? session.grantIdFor(client.clientId);
  // A revoked grant is gone; the next sign-in makes a new one.
  const existing = grantId ? await provider.Grant.find(grantId) : undefined;
  if (existing) return existing;
  const grant = new provider.Grant({ clientId: client.clientId, accountId: session.accountId });
  grant.addOIDCScope('openid email profile');
  grant.addResourceScope(AUDIENCE, 'photos');
  await grant.save();
  return grant;
}

function configuration(
  pageUrl: string,
  signingKey: Record<string, unknown>,
  accessTokenTtl: () => number,
): Record<string, unknown> {
  return {
    clients: [
      {
        client_id: CLIENT_ID,
        // A public client: the page has no secret to keep, PKCE stands in for one.
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: [pageUrl],
        post_logout_redirect_uris: [pageUrl],
      },
    ],
    jwks: { keys: [signingKey] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    findAccount,
    loadExistingGrant,
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    pkce: { required: () => true },
    // As Cognito: the page asks for `openid email profile` and still gets a
    // refresh token (oidc-provider would otherwise want `offline_access`).
    issueRefreshToken: (_ctx: unknown, client: ProviderContext['oidc']['client']) =>
      client.grantTypeAllowed('refresh_token'),
    // A new refresh token with every refresh; the spent one is refused from then on.
    rotateRefreshToken: () => true,
    // The ID token carries the email and name the page shows, as Cognito's does.
    conformIdTokenClaims: false,
    ttl: {
      AccessToken: () => accessTokenTtl(),
      AuthorizationCode: 60,
      IdToken: 3600,
      RefreshToken: 24 * 3600,
      Interaction: 3600,
      Session: 24 * 3600,
      Grant: 24 * 3600,
    },
    features: {
      devInteractions: { enabled: true },
      revocation: { enabled: true },
      rpInitiatedLogout: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => AUDIENCE,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope: 'photos',
          audience: AUDIENCE,
          accessTokenTTL: accessTokenTtl(),
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'RS256' } },
        }),
      },
    },
  };
}
