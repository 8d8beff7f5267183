import { z } from 'zod';
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

/** How callers prove who they are: `dev` trusts `X-Owner-Id`, `jwt` verifies bearer tokens. */
export type AuthConfig =
  | { readonly mode: 'jwt'; readonly issuer: string; readonly audience: string; readonly jwksUrl: string }
  | { readonly mode: 'dev' };

/** The auth variables, with the runtime's default mode (dev for the dev server, jwt for deploys). */
export const authVars = (defaultMode: AuthConfig['mode']) => ({
  AUTH_MODE: z.enum(['jwt', 'dev']).default(defaultMode),
  JWT_ISSUER: z.string().min(1).optional(),
  JWT_AUDIENCE: z.string().min(1).optional(),
  JWKS_URL: z.url({ protocol: /^https?$/ }).optional(),
});

type AuthVars = z.output<z.ZodObject<ReturnType<typeof authVars>>>;

/** For `superRefine`: JWT mode needs its issuer, audience and key set. */
export function requireJwtVars(vars: AuthVars, ctx: z.RefinementCtx): void {
  if (vars.AUTH_MODE !== 'jwt') return;
  for (const key of ['JWT_ISSUER', 'JWT_AUDIENCE', 'JWKS_URL'] as const) {
    if (!vars[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'is required when AUTH_MODE=jwt' });
  }
}

/** The auth settings of parsed (and refined) auth variables. */
export function authConfig(vars: AuthVars): AuthConfig {
  return vars.AUTH_MODE === 'dev'
    ? { mode: 'dev' }
    : {
        mode: 'jwt',
        issuer: vars.JWT_ISSUER ?? '',
        audience: vars.JWT_AUDIENCE ?? '',
        jwksUrl: vars.JWKS_URL ?? '',
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
