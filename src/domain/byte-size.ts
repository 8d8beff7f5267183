import { InvalidInputError } from './errors.js';
import { err, ok, type Result } from './result.js';

/** A count of bytes: a non-negative safe integer. */
export type ByteSize = number & { readonly __brand: 'ByteSize' };

export const KiB = 1024;
export const MiB = 1024 * KiB;

export const ByteSize = {
  parse(value: unknown, field = 'size'): Result<ByteSize, InvalidInputError> {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      return err(new InvalidInputError(`${field} must be a whole number of bytes, 0 or more`, field));
    }
    return ok(value as ByteSize);
  },
};
