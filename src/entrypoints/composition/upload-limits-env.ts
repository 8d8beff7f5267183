import { z } from 'zod';
import { MiB } from '../../domain/byte-size.js';
import { defaultLimits, type Limits } from '../../domain/limits.js';
import { positiveInt } from './config-env.js';

/**
 * The variables of multipart and stale uploads, shared by the deployed
 * runtimes (AWS, Cloudflare): the multipart threshold, the part size (S3 and
 * R2 refuse parts under 5 MiB but the last) and the grace period after which
 * a photo whose upload expired is deleted.
 */
export const uploadLimitVars = {
  MULTIPART_THRESHOLD_BYTES: positiveInt(defaultLimits.multipartThresholdBytes),
  MULTIPART_PART_BYTES: positiveInt(defaultLimits.multipartPartBytes).pipe(
    z.number().min(5 * MiB, 'must be at least 5242880 (5 MiB): S3 and R2 refuse smaller parts'),
  ),
  PENDING_UPLOAD_GRACE_SECONDS: positiveInt(defaultLimits.pendingUploadGraceSeconds),
};

/** The limits those variables set. */
export function uploadLimits(vars: {
  readonly MULTIPART_THRESHOLD_BYTES: number;
  readonly MULTIPART_PART_BYTES: number;
  readonly PENDING_UPLOAD_GRACE_SECONDS: number;
}): Pick<Limits, 'multipartThresholdBytes' | 'multipartPartBytes' | 'pendingUploadGraceSeconds'> {
  return {
    multipartThresholdBytes: vars.MULTIPART_THRESHOLD_BYTES,
    multipartPartBytes: vars.MULTIPART_PART_BYTES,
    pendingUploadGraceSeconds: vars.PENDING_UPLOAD_GRACE_SECONDS,
  };
}
