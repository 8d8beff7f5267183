import { QuotaExceededError } from './errors.js';

/** What one owner keeps: how many photos, and the bytes of their originals. */
export interface Usage {
  readonly photos: number;
  readonly bytes: number;
}

/**
 * Limits on what one owner keeps. A limit left out is no limit; the default
 * quota has none (configurable per deployment). `maxPhotos` is at most
 * {@link MAX_QUOTA_PHOTOS}.
 */
export interface OwnerQuota {
  readonly maxPhotos?: number;
  readonly maxBytes?: number;
}

/**
 * The most photos a quota may let one owner keep (`maxPhotos`), on every
 * runtime, so that a setting means the same everywhere. The bound is
 * DynamoDB's: its UsageLedger counts an owner's photos, one entry of at most 47
 * bytes each (the 36-character id, the byte count, the entry's overhead; about
 * 42 for a photo of a few MB), in the owner's one item, which holds 400 KB (about 8,700
 * entries); the rest is margin. The configuration refuses a larger
 * `maxPhotos`.
 */
export const MAX_QUOTA_PHOTOS = 8_000;

/** Which limit of a quota a request would break. */
export type QuotaLimit = 'photos' | 'bytes';

export const Usage = {
  zero: { photos: 0, bytes: 0 } as Usage,

  /**
   * What one photo counts for: itself and the bytes it was reserved with (its
   * declared size, which the signed upload holds it to).
   *
   * @example Usage.photo(4_194_304) // { photos: 1, bytes: 4_194_304 }
   */
  photo(bytes: number): Usage {
    return { photos: 1, bytes };
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

  /** Whether a quota sets any limit. */
  limited(quota: OwnerQuota): boolean {
    return quota.maxPhotos !== undefined || quota.maxBytes !== undefined;
  },
};
