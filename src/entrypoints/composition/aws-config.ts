import * as z from 'zod';
import { defaultLimits, type Limits } from '../../domain/limits.js';
import { defaultRenditionSettings, type RenditionSettings } from '../../domain/presets.js';
import { originList, parseEnv, positiveInt } from './config-env.js';
import type { CoreConfig } from './core-module.js';
import { uploadLimits, uploadLimitVars } from './upload-limits-env.js';

/** Everything the AWS composition needs, parsed once at cold start. */
export interface AwsConfig extends CoreConfig {
  readonly region: string;
  readonly bucket: string;
  readonly table: string;
  readonly queueUrl: string;
  /** Path-style S3 URLs (`endpoint/bucket/key`): emulators need them, AWS does not. */
  readonly forcePathStyle: boolean;
  readonly allowedOrigins: readonly string[];
  readonly uploadExpiresInSeconds: number;
  readonly downloadExpiresInSeconds: number;
  readonly limits: Limits;
  readonly renditions: RenditionSettings;
}

const Env = z.object({
  PHOTOS_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name'),
  PHOTOS_TABLE: z.string().regex(/^[A-Za-z0-9_.-]{3,255}$/, 'must be a DynamoDB table name'),
  THUMBNAIL_QUEUE_URL: z.url({ protocol: /^https?$/ }),
  AWS_REGION: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'must be a region such as eu-west-1'),
  S3_FORCE_PATH_STYLE: z.enum(['true', 'false']).default('false'),
  /** Comma-separated origins allowed by CORS, or `*`; none by default (the page is served from the API's origin). */
  ALLOWED_ORIGINS: originList(''),
  MAX_ORIGINAL_BYTES: positiveInt(defaultLimits.maxOriginalBytes),
  MAX_PIXELS: positiveInt(defaultLimits.maxPixels),
  // API Gateway and Lambda cap a request at 6 MB (and base64 costs a third of it).
  MAX_DIRECT_UPLOAD_BYTES: positiveInt(defaultLimits.maxDirectUploadBytes).pipe(
    z.number().max(4 * 1024 * 1024),
  ),
  UPLOAD_URL_EXPIRES_SECONDS: positiveInt(300).pipe(z.number().max(3600)),
  DOWNLOAD_URL_EXPIRES_SECONDS: positiveInt(900).pipe(z.number().max(7 * 24 * 3600)),
  ...uploadLimitVars,
  /** `off` where the stack deploys no video workflow (`-c video=false`): videos are refused at upload. */
  VIDEO_UPLOADS: z.enum(['on', 'off']).default('on'),
});

/** Why a stack without the video workflow refuses videos, rather than leave them `processing` for ever. */
export const AWS_VIDEO_OFF_REFUSAL =
  'videos are not enabled on this deployment; upload photos (JPEG, PNG, WebP, GIF, AVIF, TIFF, HEIC)';

/**
 * Reads the AWS Lambdas' configuration from their environment, once, at cold
 * start. Missing or invalid settings throw an Error naming every offending
 * variable, so a bad deploy fails at init with a readable message.
 *
 * Endpoints are not part of it: the SDK reads `AWS_ENDPOINT_URL`,
 * `AWS_ENDPOINT_URL_S3`, `_SQS` and `_DYNAMODB` itself, so emulators and AWS
 * go through the same code.
 *
 * @example
 * const config = parseAwsConfig(process.env);
 */
export function parseAwsConfig(env: Readonly<Record<string, string | undefined>>): AwsConfig {
  const e = parseEnv(Env, env);
  const limits: Limits = {
    maxOriginalBytes: e.MAX_ORIGINAL_BYTES,
    maxPixels: e.MAX_PIXELS,
    maxDirectUploadBytes: Math.min(e.MAX_DIRECT_UPLOAD_BYTES, e.MAX_ORIGINAL_BYTES),
    video: defaultLimits.video,
    ...uploadLimits(e),
  };
  return {
    region: e.AWS_REGION,
    bucket: e.PHOTOS_BUCKET,
    table: e.PHOTOS_TABLE,
    queueUrl: e.THUMBNAIL_QUEUE_URL,
    forcePathStyle: e.S3_FORCE_PATH_STYLE === 'true',
    allowedOrigins: e.ALLOWED_ORIGINS,
    uploadExpiresInSeconds: e.UPLOAD_URL_EXPIRES_SECONDS,
    downloadExpiresInSeconds: e.DOWNLOAD_URL_EXPIRES_SECONDS,
    limits,
    renditions: defaultRenditionSettings,
    ...(e.VIDEO_UPLOADS === 'off' ? { videoRefusal: AWS_VIDEO_OFF_REFUSAL } : {}),
  };
}
