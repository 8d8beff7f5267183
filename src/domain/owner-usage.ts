import { QuotaExceededError } from './errors.js';
import type { Photo } from './photo.js';

/** What one owner keeps: how many photos, and the bytes of their originals. */
export interface Usage {
  readonly photos: number;
  readonly bytes: number;
}

/**
 * Limits on what one owner keeps. A limit left out is no limit; the default
 * quota has none (configurable per deployment).
 */
export interface OwnerQuota {
  readonly maxPhotos?: number;
  readonly maxBytes?: number;
}

/** Which limit of a quota a request would break. */
export type QuotaLimit = 'photos' | 'bytes';

export const Usage = {
  zero: { photos: 0, bytes: 0 } as Usage,

  /**
   * What a photo counts for, from its registration until its record is gone:
   * one photo and its size (declared, which the signed upload holds it to,
   * then the size that landed).
   *
   * @example Usage.of(photo) // { photos: 1, bytes: 4_194_304 }
   */
  of(photo: Pick<Photo, 'size'>): Usage {
    return { photos: 1, bytes: photo.size };
  },

  /**
   * The limit that `current` plus `amount` would go over, or undefined when it
   * stays within `quota` (photos are looked at first).
   *
   * @example Usage.exceeds({ maxPhotos: 2 }, { photos: 2, bytes: 0 }, { photos: 1, bytes: 1 }) // 'photos'
   */
  exceeds(quota: OwnerQuota, current: Usage, amount: Usage): QuotaLimit | undefined {
    if (quota.maxPhotos !== undefined && current.photos + amount.photos > quota.maxPhotos) return 'photos';
    if (quota.maxBytes !== undefined && current.bytes + amount.bytes > quota.maxBytes) return 'bytes';
    return undefined;
  },

  /**
   * The error for `amount` on top of `used` against `quota`, or undefined when
   * it fits: one wording for every ledger.
   *
   * @example Usage.refusal({ maxPhotos: 1 }, { photos: 1, bytes: 10 }, { photos: 1, bytes: 5 }) // QuotaExceededError('photos', ...)
   */
  refusal(quota: OwnerQuota, used: Usage, amount: Usage): QuotaExceededError | undefined {
    const limit = Usage.exceeds(quota, used, amount);
    if (!limit) return undefined;
    const max = (limit === 'photos' ? quota.maxPhotos : quota.maxBytes) as number;
    return new QuotaExceededError(limit, used, max, amount.bytes);
  },

  /**
   * The refusal of a conditional write that the store turned down, as what the
   * usage now read explains; should a release have made room in between, the
   * quota's first limit is named all the same (the write was refused).
   */
  refused(quota: OwnerQuota, used: Usage, amount: Usage): QuotaExceededError {
    const refusal = Usage.refusal(quota, used, amount);
    if (refusal) return refusal;
    const limit = quota.maxPhotos !== undefined ? 'photos' : 'bytes';
    return new QuotaExceededError(
      limit,
      used,
      (quota.maxPhotos ?? quota.maxBytes ?? 0) as number,
      amount.bytes,
    );
  },

  /** `current` less `amount`, never below zero (usage counted before the ledger existed is not in it). */
  minus(current: Usage, amount: Usage): Usage {
    return {
      photos: Math.max(0, current.photos - amount.photos),
      bytes: Math.max(0, current.bytes - amount.bytes),
    };
  },

  /** Whether a quota sets any limit. */
  limited(quota: OwnerQuota): boolean {
    return quota.maxPhotos !== undefined || quota.maxBytes !== undefined;
  },
};
