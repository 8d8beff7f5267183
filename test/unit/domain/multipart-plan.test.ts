import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { MiB } from '#domain/byte-size.js';
import { InvalidInputError, UploadPartMismatchError, UploadPartMissingError } from '#domain/errors.js';
import { defaultLimits, maxOriginalBytesOf } from '#domain/limits.js';
import { bareEtag, MAX_PARTS, MultipartPlan, type StoredPart } from '#domain/multipart-plan.js';
import { expectErr, expectOk } from '../../support/results.js';

const size = fc.integer({ min: 1, max: 200 * 1024 * MiB });
const partSize = fc.integer({ min: 5 * MiB, max: 64 * MiB });

/** Every part of a plan as storage would hold it after a clean upload. */
const storedParts = (plan: MultipartPlan): StoredPart[] =>
  Array.from({ length: plan.partCount }, (_, i) => ({
    partNumber: i + 1,
    etag: `"etag-${i + 1}"`,
    size: MultipartPlan.sizeOf(plan, i + 1),
  }));

describe('MultipartPlan.of', () => {
  test.prop([size, partSize])(
    'cuts a file into equal parts but a smaller or equal last one, adding up to its size, in at most 10,000 parts',
    (bytes, part) => {
      const plan = MultipartPlan.of(bytes, part);
      const sizes = Array.from({ length: plan.partCount }, (_, i) => MultipartPlan.sizeOf(plan, i + 1));
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(bytes);
      expect(plan.partCount).toBeLessThanOrEqual(MAX_PARTS);
      // One comparison per part, then one assertion: up to 10,000 parts, a hundred runs.
      expect(sizes.slice(0, -1).filter((s) => s !== plan.partSize)).toEqual([]);
      expect(sizes.at(-1)).toBeGreaterThanOrEqual(1);
      expect(sizes.at(-1)).toBeLessThanOrEqual(plan.partSize);
      // The configured size is kept unless 10,000 parts of it would not hold the file.
      if (Math.ceil(bytes / part) <= MAX_PARTS) expect(plan.partSize).toBe(part);
      else expect(plan.partSize % MiB).toBe(0);
    },
  );

  it('cuts the largest photo into 7 parts of 8 MiB by default, the last of 2 MiB', () => {
    const plan = MultipartPlan.of(
      maxOriginalBytesOf(defaultLimits, 'photo'),
      defaultLimits.multipartPartBytes,
    );
    expect(plan).toEqual({ size: 50 * MiB, partSize: 8 * MiB, partCount: 7 });
    expect(MultipartPlan.sizeOf(plan, 7)).toBe(2 * MiB);
  });
});

describe('MultipartPlan.checkPartNumbers', () => {
  const plan = MultipartPlan.of(40 * MiB, 8 * MiB);

  it('takes 1 to 100 distinct part numbers within the part count, in the order asked', () => {
    expect(expectOk(MultipartPlan.checkPartNumbers(plan, [5, 1, 3]))).toEqual([5, 1, 3]);
  });

  it.each([
    ['none', []],
    ['a part number of 0', [0]],
    ['a part number past the part count', [6]],
    ['a fraction', [1.5]],
    ['a part asked twice', [2, 2]],
    ['more than 100', Array.from({ length: 101 }, () => 1)],
  ])('refuses %s, naming partNumbers', (_, numbers) => {
    expect(expectErr(MultipartPlan.checkPartNumbers(plan, numbers), InvalidInputError).field).toBe(
      'partNumbers',
    );
  });
});

describe('MultipartPlan.checkCompletion', () => {
  const plan = MultipartPlan.of(20 * MiB, 8 * MiB);
  const stored = storedParts(plan);
  const listed = stored.map(({ partNumber, etag }) => ({ partNumber, etag }));

  test.prop([fc.shuffledSubarray(listed, { minLength: listed.length, maxLength: listed.length })])(
    'takes every part in any order, with or without quotes, and returns them in order',
    (shuffled) => {
      const unquoted = shuffled.map((p) => ({ ...p, etag: bareEtag(p.etag) }));
      expect(expectOk(MultipartPlan.checkCompletion(plan, unquoted, stored))).toEqual(stored);
    },
  );

  it('names a part left out of the list', () => {
    const error = expectErr(
      MultipartPlan.checkCompletion(plan, [listed[0], listed[2]] as typeof listed, stored),
      UploadPartMissingError,
    );
    expect(error).toMatchObject({ code: 'upload-part-missing', partNumber: 2 });
    expect(error.message).toMatch(/part 2 is missing from the list/);
  });

  it('names a listed part storage has not received', () => {
    const error = expectErr(
      MultipartPlan.checkCompletion(
        plan,
        listed,
        stored.filter((p) => p.partNumber !== 3),
      ),
      UploadPartMissingError,
    );
    expect(error).toMatchObject({ partNumber: 3 });
    expect(error.message).toMatch(/part 3 has not been received/);
  });

  it('names a part listed with another ETag, and one stored at another size', () => {
    const wrongEtag = listed.map((p) => (p.partNumber === 2 ? { ...p, etag: '"something-else"' } : p));
    expect(
      expectErr(MultipartPlan.checkCompletion(plan, wrongEtag, stored), UploadPartMismatchError),
    ).toMatchObject({ code: 'upload-part-mismatch', partNumber: 2 });
    const short = stored.map((p) => (p.partNumber === 1 ? { ...p, size: p.size - 1 } : p));
    expect(
      expectErr(MultipartPlan.checkCompletion(plan, listed, short), UploadPartMismatchError),
    ).toMatchObject({
      partNumber: 1,
    });
  });

  it.each([
    ['a part listed twice', [...listed, listed[0]]],
    ['a part number past the part count', [...listed, { partNumber: 4, etag: '"x"' }]],
  ])('refuses %s as invalid input on parts', (_, parts) => {
    const error = expectErr(
      MultipartPlan.checkCompletion(plan, parts as typeof listed, stored),
      InvalidInputError,
    );
    expect(error.field).toBe('parts');
  });
});

describe('bareEtag', () => {
  it.each([
    ['"abc"', 'abc'],
    ['abc', 'abc'],
    ['W/"abc"', 'abc'],
    [' "abc-3" ', 'abc-3'],
  ])('reads %j as %j', (etag, bare) => {
    expect(bareEtag(etag)).toBe(bare);
  });
});
