import * as z from 'zod';
import { MiB } from '../../domain/byte-size.js';
import { defaultLimits, type Limits } from '../../domain/limits.js';
import { MAX_QUOTA_PHOTOS } from '../../domain/owner-usage.js';
import { positiveInt } from './config-env.js';

/** A limit that is off unless set: absent, empty or 0 is no limit. */
export const optionalLimit = z.preprocess(
  (v) => (v === undefined || v === '' || v === '0' || v === 0 ? undefined : v),
  z.coerce.number().int().positive().optional(),
);

/**
 * QUOTA_MAX_PHOTOS: a photo limit that is off unless set, and at most
 * MAX_QUOTA_PHOTOS (what DynamoDB's ledger counts in an owner's one item).
 */
export const quotaPhotosLimit = optionalLimit.refine((v) => v === undefined || v <= MAX_QUOTA_PHOTOS, {
  message: `must be at most ${MAX_QUOTA_PHOTOS}: the usage ledger counts an owner's photos in one DynamoDB item (400 KB)`,
});

/**
 * The variables of multipart and stale uploads, shared by the deployed
 * runtimes (AWS, Cloudflare): the multipart threshold, the part size (S3 and
 * R2 refuse parts under 5 MiB but the last), the grace period after which
 * a photo whose upload expired is deleted, and the per-owner quota (photos
 * and bytes kept; off unless set).
 */
export const uploadLimitVars = {
  MULTIPART_THRESHOLD_BYTES: positiveInt(defaultLimits.multipartThresholdBytes),
  MULTIPART_PART_BYTES: positiveInt(defaultLimits.multipartPartBytes).pipe(
    z.number().min(5 * MiB, 'must be at least 5242880 (5 MiB): S3 and R2 refuse smaller parts'),
  ),
  PENDING_UPLOAD_GRACE_SECONDS: positiveInt(defaultLimits.pendingUploadGraceSeconds),
  QUOTA_MAX_PHOTOS: quotaPhotosLimit,
  QUOTA_MAX_BYTES: optionalLimit,
};

/** The limits those variables set. */
export function uploadLimits(vars: {
  readonly MULTIPART_THRESHOLD_BYTES: number;
  readonly MULTIPART_PART_BYTES: number;
  readonly PENDING_UPLOAD_GRACE_SECONDS: number;
  readonly QUOTA_MAX_PHOTOS?: number | undefined;
  readonly QUOTA_MAX_BYTES?: number | undefined;
}): Pick<
  Limits,
  'multipartThresholdBytes' | 'multipartPartBytes' | 'pendingUploadGraceSeconds' | 'ownerQuota'
> {
  const ownerQuota = {
    ...(vars.QUOTA_MAX_PHOTOS !== undefined ? { maxPhotos: vars.QUOTA_MAX_PHOTOS } : {}),
    ...(vars.QUOTA_MAX_BYTES !== undefined ? { maxBytes: vars.QUOTA_MAX_BYTES } : {}),
  };
  return {
    multipartThresholdBytes: vars.MULTIPART_THRESHOLD_BYTES,
    multipartPartBytes: vars.MULTIPART_PART_BYTES,
    pendingUploadGraceSeconds: vars.PENDING_UPLOAD_GRACE_SECONDS,
    ...(Object.keys(ownerQuota).length > 0 ? { ownerQuota } : {}),
  };
}
