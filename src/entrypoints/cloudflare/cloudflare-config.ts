import { z } from 'zod';
import { defaultLimits, type Limits } from '../../domain/limits.js';
import { defaultRenditionSettings, type RenditionSettings } from '../../domain/presets.js';
import type { CoreConfig } from '../composition/core-module.js';

/** Everything the Worker needs besides its bindings, parsed once per isolate. */
export interface CloudflareConfig extends CoreConfig {
  readonly auth:
    | { readonly mode: 'jwt'; readonly issuer: string; readonly audience: string; readonly jwksUrl: string }
    | { readonly mode: 'dev' };
  readonly urlSecret: string;
  readonly filesBaseUrl: string;
  readonly allowedOrigins: readonly string[];
  readonly uploadExpiresInSeconds: number;
  readonly downloadExpiresInSeconds: number;
  readonly limits: Limits;
  readonly renditions: RenditionSettings;
}

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const Vars = z
  .object({
    AUTH_MODE: z.enum(['jwt', 'dev']).default('jwt'),
    JWT_ISSUER: z.string().min(1).optional(),
    JWT_AUDIENCE: z.string().min(1).optional(),
    JWKS_URL: z.url({ protocol: /^https?$/ }).optional(),
    /** A secret (`wrangler secret put URL_SIGNING_SECRET`), 32 bytes or more. */
    URL_SIGNING_SECRET: z.string().min(32, 'must be at least 32 characters'),
    FILES_BASE_URL: z.string().default('/files'),
    ALLOWED_ORIGINS: z.string().default(''),
    MAX_ORIGINAL_BYTES: positiveInt(defaultLimits.maxOriginalBytes),
    MAX_PIXELS: positiveInt(defaultLimits.maxPixels),
    MAX_DIRECT_UPLOAD_BYTES: positiveInt(defaultLimits.maxDirectUploadBytes),
    UPLOAD_URL_EXPIRES_SECONDS: positiveInt(300).pipe(z.number().max(3600)),
    DOWNLOAD_URL_EXPIRES_SECONDS: positiveInt(900).pipe(z.number().max(7 * 24 * 3600)),
  })
  .superRefine((vars, ctx) => {
    if (vars.AUTH_MODE !== 'jwt') return;
    for (const key of ['JWT_ISSUER', 'JWT_AUDIENCE', 'JWKS_URL'] as const) {
      if (!vars[key])
        ctx.addIssue({ code: 'custom', path: [key], message: 'is required when AUTH_MODE=jwt' });
    }
  });

/**
 * Reads the Worker's vars and secrets, once. Missing or invalid settings
 * throw an Error naming every offending variable, so a bad deploy answers
 * every request with that message in the log rather than half working.
 * JWT mode is the default; dev mode (`X-Owner-Id`) only when AUTH_MODE=dev.
 *
 * @example
 * const config = parseCloudflareConfig(env);
 */
export function parseCloudflareConfig(env: Readonly<Record<string, unknown>>): CloudflareConfig {
  const parsed = Vars.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? 'vars');
      return env[name] === undefined ? `${name} is required` : `${name} ${issue.message}`;
    });
    throw new Error(`invalid configuration: ${problems.join('; ')}`);
  }
  const v = parsed.data;
  return {
    auth:
      v.AUTH_MODE === 'dev'
        ? { mode: 'dev' }
        : {
            mode: 'jwt',
            issuer: v.JWT_ISSUER ?? '',
            audience: v.JWT_AUDIENCE ?? '',
            jwksUrl: v.JWKS_URL ?? '',
          },
    urlSecret: v.URL_SIGNING_SECRET,
    filesBaseUrl: v.FILES_BASE_URL,
    allowedOrigins: v.ALLOWED_ORIGINS.split(',')
      .map((o) => o.trim())
      .filter(Boolean),
    uploadExpiresInSeconds: v.UPLOAD_URL_EXPIRES_SECONDS,
    downloadExpiresInSeconds: v.DOWNLOAD_URL_EXPIRES_SECONDS,
    limits: {
      maxOriginalBytes: v.MAX_ORIGINAL_BYTES,
      maxPixels: v.MAX_PIXELS,
      maxDirectUploadBytes: Math.min(v.MAX_DIRECT_UPLOAD_BYTES, v.MAX_ORIGINAL_BYTES),
    },
    renditions: defaultRenditionSettings,
  };
}
