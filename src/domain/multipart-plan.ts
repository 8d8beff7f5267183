import { MiB } from './byte-size.js';
import { InvalidInputError, UploadPartMismatchError, UploadPartMissingError } from './errors.js';
import { err, ok, type Result } from './result.js';

/** S3 and R2 take at most this many parts in one upload. */
export const MAX_PARTS = 10_000;
/** Part numbers one request may ask to sign. */
export const MAX_PARTS_PER_SIGNING = 100;

/** How a file of `size` bytes is cut: parts of `partSize`, the last one the rest. */
export interface MultipartPlan {
  readonly size: number;
  readonly partSize: number;
  readonly partCount: number;
}

/** A part as a client names it: its number and the ETag its upload answered with. */
export interface PartRef {
  readonly partNumber: number;
  readonly etag: string;
}

/** A part storage holds. */
export interface StoredPart extends PartRef {
  readonly size: number;
}

/**
 * ETags as S3 sends them are quoted (`"9b2c..."`), R2's binding hands them
 * out bare, and a browser may see a weak `W/"..."`: they compare without
 * either.
 */
export const bareEtag = (etag: string): string =>
  etag
    .trim()
    .replace(/^W\//, '')
    .replace(/^"(.*)"$/, '$1');

export const MultipartPlan = {
  /**
   * Equal parts of `partSize` but the last (R2 wants that; S3 wants at least
   * 5 MiB but the last). When 10,000 parts would not hold the file, the part
   * size grows to the next whole MiB that does.
   *
   * @example MultipartPlan.of(20 * MiB, 8 * MiB) // { size: 20971520, partSize: 8388608, partCount: 3 }
   */
  of(size: number, partSize: number): MultipartPlan {
    const part = Math.ceil(size / partSize) > MAX_PARTS ? Math.ceil(size / MAX_PARTS / MiB) * MiB : partSize;
    return { size, partSize: part, partCount: Math.max(1, Math.ceil(size / part)) };
  },

  /** The exact size of part `partNumber` (1-based). */
  sizeOf(plan: MultipartPlan, partNumber: number): number {
    return partNumber < plan.partCount ? plan.partSize : plan.size - plan.partSize * (plan.partCount - 1);
  },

  /**
   * Part numbers a client asks to sign: 1 to 100 of them, each a whole number
   * from 1 to the part count, none twice. Returned in the order asked.
   */
  checkPartNumbers(plan: MultipartPlan, numbers: readonly number[]): Result<number[], InvalidInputError> {
    const refuse = (why: string) => err(new InvalidInputError(why, 'partNumbers'));
    if (numbers.length === 0) return refuse('ask for at least one part number');
    if (numbers.length > MAX_PARTS_PER_SIGNING)
      return refuse(`ask for at most ${MAX_PARTS_PER_SIGNING} part numbers at a time`);
    const seen = new Set<number>();
    for (const n of numbers) {
      if (!Number.isInteger(n) || n < 1 || n > plan.partCount)
        return refuse(`part number ${n} is out of range: this upload has parts 1 to ${plan.partCount}`);
      if (seen.has(n)) return refuse(`part number ${n} is asked twice`);
      seen.add(n);
    }
    return ok([...numbers]);
  },

  /**
   * The parts to join, in order, when a client completes with `listed` and
   * storage holds `stored`: every part from 1 to the part count must be listed
   * once, be received, with the listed ETag and its exact size, so the parts
   * add up to the declared size. The first part at fault is named.
   */
  checkCompletion(
    plan: MultipartPlan,
    listed: readonly PartRef[],
    stored: readonly StoredPart[],
  ): Result<StoredPart[], InvalidInputError | UploadPartMissingError | UploadPartMismatchError> {
    const given = new Map<number, PartRef>();
    for (const part of listed) {
      const n = part.partNumber;
      if (!Number.isInteger(n) || n < 1 || n > plan.partCount) {
        return err(
          new InvalidInputError(
            `part number ${n} is out of range: this upload has parts 1 to ${plan.partCount}`,
            'parts',
          ),
        );
      }
      if (given.has(n)) return err(new InvalidInputError(`part ${n} is listed twice`, 'parts'));
      given.set(n, part);
    }
    const held = new Map(stored.map((p) => [p.partNumber, p]));
    const parts: StoredPart[] = [];
    for (let n = 1; n <= plan.partCount; n++) {
      const asked = given.get(n);
      if (!asked) return err(new UploadPartMissingError(n, 'not-listed'));
      const part = held.get(n);
      if (!part) return err(new UploadPartMissingError(n, 'not-received'));
      if (bareEtag(part.etag) !== bareEtag(asked.etag))
        return err(new UploadPartMismatchError(n, `was received with another ETag than ${asked.etag}`));
      const size = MultipartPlan.sizeOf(plan, n);
      if (part.size !== size)
        return err(new UploadPartMismatchError(n, `holds ${part.size} bytes where ${size} belong`));
      parts.push(part);
    }
    return ok(parts);
  },
};
