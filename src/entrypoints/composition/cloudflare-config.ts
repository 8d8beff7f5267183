import * as z from 'zod';
import { defaultLimits, type Limits } from '../../domain/limits.js';
import { defaultRenditionSettings, type RenditionSettings } from '../../domain/presets.js';
import {
  type AuthConfig,
  authConfig,
  authVars,
  originList,
  parseEnv,
  positiveInt,
  requireJwtVars,
} from './config-env.js';
import type { CoreConfig } from './core-module.js';
import { uploadLimits, uploadLimitVars } from './upload-limits-env.js';

/** Everything the Worker needs besides its bindings, parsed once per isolate. */
export interface CloudflareConfig extends CoreConfig {
  readonly auth: AuthConfig;
  readonly urlSecret: string;
  readonly filesBaseUrl: string;
  readonly allowedOrigins: readonly string[];
  readonly uploadExpiresInSeconds: number;
  readonly downloadExpiresInSeconds: number;
  readonly limits: Limits;
  readonly renditions: RenditionSettings;
}

/**
 * Why the Worker refuses videos: it has no transcoder yet (Cloudflare Stream is
 * the candidate; docs/cloudflare.md). Refused when the upload is registered, so
 * no video ever waits for renditions that nothing makes.
 */
export const CLOUDFLARE_VIDEO_REFUSAL =
  'videos are not supported on the Cloudflare deployment yet; upload photos (JPEG, PNG, WebP, GIF, AVIF, TIFF, HEIC)';

const Vars = z
  .object({
    ...authVars('jwt'),
    /** A secret (`wrangler secret put URL_SIGNING_SECRET`), 32 bytes or more. */
    URL_SIGNING_SECRET: z.string().min(32, 'must be at least 32 characters'),
    FILES_BASE_URL: z.string().default('/files'),
    ALLOWED_ORIGINS: originList(''),
    MAX_ORIGINAL_BYTES: positiveInt(defaultLimits.maxOriginalBytes),
    MAX_PIXELS: positiveInt(defaultLimits.maxPixels),
    MAX_DIRECT_UPLOAD_BYTES: positiveInt(defaultLimits.maxDirectUploadBytes),
    UPLOAD_URL_EXPIRES_SECONDS: positiveInt(300).pipe(z.number().max(3600)),
    DOWNLOAD_URL_EXPIRES_SECONDS: positiveInt(900).pipe(z.number().max(7 * 24 * 3600)),
    ...uploadLimitVars,
  })
  .superRefine(requireJwtVars);

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
  const v = parseEnv(Vars, env);
  return {
    auth: authConfig(v),
    urlSecret: v.URL_SIGNING_SECRET,
    filesBaseUrl: v.FILES_BASE_URL,
    allowedOrigins: v.ALLOWED_ORIGINS,
    uploadExpiresInSeconds: v.UPLOAD_URL_EXPIRES_SECONDS,
    downloadExpiresInSeconds: v.DOWNLOAD_URL_EXPIRES_SECONDS,
    limits: {
      maxOriginalBytes: v.MAX_ORIGINAL_BYTES,
      maxPixels: v.MAX_PIXELS,
      maxDirectUploadBytes: Math.min(v.MAX_DIRECT_UPLOAD_BYTES, v.MAX_ORIGINAL_BYTES),
      video: defaultLimits.video,
      ...uploadLimits(v),
    },
    renditions: defaultRenditionSettings,
    videoRefusal: CLOUDFLARE_VIDEO_REFUSAL,
  };
}
