import { InvalidInputError } from './errors.js';
import { err, ok, type Result } from './result.js';

/**
 * A photo's id: a UUIDv7 in lower case. Its first 48 bits are the creation time
 * in milliseconds, so ids sort by age and newest-first lists need no index.
 */
export type PhotoId = string & { readonly __brand: 'PhotoId' };

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

export const PhotoId = {
  pattern: UUID_V7,
  parse(value: unknown): Result<PhotoId, InvalidInputError> {
    if (typeof value !== 'string' || !UUID_V7.test(value)) {
      return err(new InvalidInputError('photo id must be a lower-case UUIDv7', 'id'));
    }
    return ok(value as PhotoId);
  },

  /**
   * Builds a UUIDv7 from a time and 10 random bytes (RFC 9562, section 5.7).
   * Pure, so that tests and every runtime's IdGenerator share it.
   */
  fromParts(epochMs: number, random: Uint8Array): PhotoId {
    if (!Number.isSafeInteger(epochMs) || epochMs < 0 || epochMs >= 2 ** 48) {
      throw new RangeError('epochMs must fit in 48 bits');
    }
    if (random.length < 10) throw new RangeError('a UUIDv7 needs 10 random bytes');
    const b = new Uint8Array(16);
    let t = epochMs;
    for (let i = 5; i >= 0; i--) {
      b[i] = t % 256;
      t = Math.floor(t / 256);
    }
    b.set(random.subarray(0, 10), 6);
    b[6] = 0x70 | ((b[6] ?? 0) & 0x0f);
    b[8] = 0x80 | ((b[8] ?? 0) & 0x3f);
    const h = hex(b);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}` as PhotoId;
  },

  /** The creation time a UUIDv7 carries, in milliseconds since the epoch. */
  timestampOf(id: PhotoId): number {
    return Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16);
  },
};
