import * as z from 'zod';
import type { Limits } from '../../domain/limits.js';
import { devIdentity, type IdentityResolver, jwtIdentity } from '../http/identity.js';

// The pieces every runtime's configuration shares: how a bad variable is
// reported, how auth is configured, and the small value types.

/** A whole number above zero, from a variable's text, with a default. */
export const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** Comma-separated CORS origins, or `*`, as a list. */
export const originList = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((s) =>
      s
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    );

/**
 * What the gallery page needs to sign in at the issuer (OAuth 2 authorization
 * code + PKCE): the public client's id and, optionally, where the provider
 * sends the browser back and the endpoints its discovery document lacks.
 */
export interface SignInConfig {
  /** The page's public client at the issuer (Cognito: the app client id). */
  readonly clientId: string;
  /** Default: `openid email profile`. */
  readonly scope?: string;
  /** Where the provider sends the browser back, after sign-in and sign-out. Default: the page's own origin + `/`. */
  readonly redirectUri?: string;
  /** For an issuer whose discovery has no `end_session_endpoint` (Cognito: `https://<domain>/logout`). */
  readonly endSessionEndpoint?: string;
  /** An authorization endpoint that starts the same flow for a new account (Cognito: `https://<domain>/signup`). */
  readonly signUpEndpoint?: string;
}

/**
 * How callers prove who they are: `dev` trusts `X-Owner-Id`, `jwt` verifies
 * bearer tokens (issuer, audience, key set) and tells the page how to get one.
 */
export type AuthConfig =
  | ({
      readonly mode: 'jwt';
      readonly issuer: string;
      readonly audience: string;
      readonly jwksUrl: string;
    } & SignInConfig)
  | { readonly mode: 'dev' };

export const DEFAULT_OIDC_SCOPE = 'openid email profile';

const httpUrl = () => z.url({ protocol: /^https?$/ }).optional();

/** The auth variables, with the runtime's default mode (dev for the dev server, jwt for deploys). */
export const authVars = (defaultMode: AuthConfig['mode']) => ({
  AUTH_MODE: z.enum(['jwt', 'dev']).default(defaultMode),
  JWT_ISSUER: z.string().min(1).optional(),
  JWT_AUDIENCE: z.string().min(1).optional(),
  JWKS_URL: httpUrl(),
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_SCOPE: z.string().trim().min(1).default(DEFAULT_OIDC_SCOPE),
  OIDC_REDIRECT_URI: httpUrl(),
  OIDC_END_SESSION_ENDPOINT: httpUrl(),
  OIDC_SIGN_UP_ENDPOINT: httpUrl(),
});

type AuthVars = z.output<z.ZodObject<ReturnType<typeof authVars>>>;

/**
 * For `superRefine`: JWT mode needs its issuer, audience and key set, and the
 * page's client id. The client id is required rather than optional because
 * both runtimes that read these variables serve the page: without it the page
 * could only say that it cannot sign anyone in, which is better said at start.
 * It is not JWT_AUDIENCE by default: that is what the API checks, which is the
 * client id on Cognito but a resource indicator or API identifier elsewhere.
 */
export function requireJwtVars(vars: AuthVars, ctx: z.RefinementCtx): void {
  if (vars.AUTH_MODE !== 'jwt') return;
  for (const key of ['JWT_ISSUER', 'JWT_AUDIENCE', 'JWKS_URL', 'OIDC_CLIENT_ID'] as const) {
    if (!vars[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'is required when AUTH_MODE=jwt' });
  }
}

/** The auth settings of parsed (and refined) auth variables. */
export function authConfig(vars: AuthVars): AuthConfig {
  if (vars.AUTH_MODE === 'dev') return { mode: 'dev' };
  return {
    mode: 'jwt',
    issuer: vars.JWT_ISSUER ?? '',
    audience: vars.JWT_AUDIENCE ?? '',
    jwksUrl: vars.JWKS_URL ?? '',
    clientId: vars.OIDC_CLIENT_ID ?? '',
    scope: vars.OIDC_SCOPE,
    ...(vars.OIDC_REDIRECT_URI ? { redirectUri: vars.OIDC_REDIRECT_URI } : {}),
    ...(vars.OIDC_END_SESSION_ENDPOINT ? { endSessionEndpoint: vars.OIDC_END_SESSION_ENDPOINT } : {}),
    ...(vars.OIDC_SIGN_UP_ENDPOINT ? { signUpEndpoint: vars.OIDC_SIGN_UP_ENDPOINT } : {}),
  };
}

/** The `auth` block of the page's config.json in JWT mode: what the page needs to sign in with OIDC. */
export interface PageAuthConfig {
  readonly mode: 'jwt';
  /** The tokens' `iss`; the page discovers the endpoints at `${issuer}/.well-known/openid-configuration`. */
  readonly issuer: string;
  readonly clientId: string;
  readonly scope: string;
  readonly redirectUri: string;
  readonly logoutUri: string;
  /** For an issuer whose discovery document has no end_session_endpoint (Cognito). */
  readonly endSessionEndpoint?: string;
  /** An authorization endpoint that starts the same flow for a new account (Cognito's /signup). */
  readonly signUpEndpoint?: string;
}

/** The gallery page's `config.json` (the CDK app writes the same document for AWS). */
export type PageConfig = {
  readonly apiBase: string;
  readonly auth: { readonly mode: 'dev' } | PageAuthConfig;
  /**
   * Whether uploads are analysed (labels, moderation): the page waits for an
   * analysis only where one will come.
   */
  readonly analysis: boolean;
  /** Whether videos are accepted: the page offers them in its picker only then. */
  readonly video: boolean;
  /** The largest original the service takes, per kind: the page refuses a larger file before sending it. */
  readonly limits: PageLimits;
};

/** The upload limits the page checks a file against, as config.json says them. */
export interface PageLimits {
  readonly maxOriginalBytes: number;
  readonly video: { readonly maxBytes: number };
}

/**
 * The page's limits from the service's: what it says must be what the API
 * enforces, or the page would send files only to see them refused.
 *
 * @example pageLimitsOf(defaultLimits) // { maxOriginalBytes: 52428800, video: { maxBytes: 2147483648 } }
 */
export function pageLimitsOf(limits: Pick<Limits, 'maxOriginalBytes' | 'video'>): PageLimits {
  return { maxOriginalBytes: limits.maxOriginalBytes, video: { maxBytes: limits.video.maxBytes } };
}

/**
 * The page's `config.json` for a request to it: the API is on the same
 * origin, and without OIDC_REDIRECT_URI the provider sends the browser back to
 * the page's own origin, so one deploy answers on any host name it is given.
 * The API's audience and key set stay out: the page has no use for them.
 *
 * @example
 * app.get('/config.json', (c) => c.json(pageConfigFor(config.auth, c.req.url, { analysis, video, limits })));
 */
export function pageConfigFor(
  auth: AuthConfig,
  requestUrl: string,
  { analysis, video, limits }: { analysis: boolean; video: boolean; limits: Limits },
): PageConfig {
  const page = { analysis, video, limits: pageLimitsOf(limits) };
  if (auth.mode === 'dev') return { apiBase: '', auth: { mode: 'dev' }, ...page };
  const pageUrl = auth.redirectUri ?? `${new URL(requestUrl).origin}/`;
  return {
    apiBase: '',
    ...page,
    auth: {
      mode: 'jwt',
      issuer: auth.issuer,
      clientId: auth.clientId,
      scope: auth.scope ?? DEFAULT_OIDC_SCOPE,
      redirectUri: pageUrl,
      logoutUri: pageUrl,
      ...(auth.endSessionEndpoint ? { endSessionEndpoint: auth.endSessionEndpoint } : {}),
      ...(auth.signUpEndpoint ? { signUpEndpoint: auth.signUpEndpoint } : {}),
    },
  };
}

/**
 * The identity resolver for these settings.
 *
 * @example
 * createApp({ ..., identity: identityFor(config.auth) });
 */
export function identityFor(auth: AuthConfig): IdentityResolver {
  return auth.mode === 'dev'
    ? devIdentity()
    : jwtIdentity({ issuer: auth.issuer, audience: auth.audience, jwksUrl: auth.jwksUrl });
}

/**
 * Parses a runtime's variables with `schema`, or throws one Error naming every
 * offending variable ("invalid configuration: PHOTOS_TABLE is required; ..."),
 * so a bad deploy fails at start with a message that says what to fix.
 *
 * @example
 * const vars = parseEnv(Vars, process.env);
 */
export function parseEnv<S extends z.ZodType>(
  schema: S,
  env: Readonly<Record<string, unknown>>,
): z.output<S> {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? 'environment');
    return env[name] === undefined && issue.code !== 'custom'
      ? `${name} is required`
      : `${name} ${issue.message}`;
  });
  throw new Error(`invalid configuration: ${problems.join('; ')}`);
}
