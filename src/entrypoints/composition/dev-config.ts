import * as z from 'zod';
import { defaultLimits, type Limits } from '../../domain/limits.js';
import { defaultRenditionSettings, type RenditionSettings } from '../../domain/presets.js';
import { parseAnalysisEnv } from './analysis-env.js';
import { type AuthConfig, authConfig, authVars, originList, parseEnv, requireJwtVars } from './config-env.js';
import type { CoreConfig } from './core-module.js';
import { optionalLimit, quotaPhotosLimit } from './upload-limits-env.js';

/** Everything `npm run dev` needs, parsed once at start. */
export interface DevConfig extends CoreConfig {
  readonly port: number;
  readonly host: string;
  readonly auth: AuthConfig;
  readonly allowedOrigins: readonly string[];
  /** Absent: the server makes a fresh one per run (the memory store forgets everything on restart too). */
  readonly urlSecret?: string;
  readonly limits: Limits;
  readonly renditions: RenditionSettings;
  /** `local`: uploads are labelled and moderated by the models in node_modules; `off`: not analysed. */
  readonly analysisMode: 'local' | 'off';
  /** Warm the image worker up once listening, so the first upload's thumbnails come as fast as later ones'. */
  readonly imageWarmUp: boolean;
}

const Env = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().min(1).default('127.0.0.1'),
    ...authVars('dev'),
    ALLOWED_ORIGINS: originList('*'),
    URL_SIGNING_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    // The per-owner quota, off unless set: to try the page's answer to a full account.
    QUOTA_MAX_PHOTOS: quotaPhotosLimit,
    QUOTA_MAX_BYTES: optionalLimit,
    // Labels and moderation of uploads by the local models (the MODERATION_* variables apply).
    ANALYSIS: z.enum(['local', 'off']).default('local'),
    // A render of a synthetic photo once listening: wasm-vips' first render is its slowest.
    IMAGE_WARM_UP: z.enum(['on', 'off']).default('on'),
  })
  .superRefine(requireJwtVars);

/**
 * Reads the dev server's environment: PORT, HOST, AUTH_MODE (dev by default)
 * with its JWT and OIDC variables, ALLOWED_ORIGINS, URL_SIGNING_SECRET and the
 * quota (QUOTA_MAX_PHOTOS, QUOTA_MAX_BYTES; off by default), ANALYSIS (`local`
 * by default, or `off`) with the moderation policy's variables (see
 * analysis-env.ts), IMAGE_WARM_UP (`on` by default, or `off`). Throws an Error
 * naming every bad variable.
 *
 * @example
 * const config = parseDevConfig(process.env);
 */
export function parseDevConfig(env: Readonly<Record<string, string | undefined>>): DevConfig {
  const e = parseEnv(Env, env);
  return {
    port: e.PORT,
    host: e.HOST,
    auth: authConfig(e),
    allowedOrigins: e.ALLOWED_ORIGINS,
    ...(e.URL_SIGNING_SECRET ? { urlSecret: e.URL_SIGNING_SECRET } : {}),
    limits: {
      ...defaultLimits,
      ...(e.QUOTA_MAX_PHOTOS || e.QUOTA_MAX_BYTES
        ? {
            ownerQuota: {
              ...(e.QUOTA_MAX_PHOTOS ? { maxPhotos: e.QUOTA_MAX_PHOTOS } : {}),
              ...(e.QUOTA_MAX_BYTES ? { maxBytes: e.QUOTA_MAX_BYTES } : {}),
            },
          }
        : {}),
    },
    renditions: defaultRenditionSettings,
    analysisMode: e.ANALYSIS,
    imageWarmUp: e.IMAGE_WARM_UP === 'on',
    analysis: parseAnalysisEnv(env),
  };
}
