/** What a `Range` header asks of an object of known size. */
export type ByteRangeRequest =
  /** No range asked, or one this server ignores (another unit, several ranges, bad syntax): the whole object. */
  | { readonly kind: 'whole' }
  /** Bytes `start` to `end`, both inclusive, as Content-Range counts them. */
  | { readonly kind: 'range'; readonly start: number; readonly end: number }
  /** A range that starts past the end: 416. */
  | { readonly kind: 'unsatisfiable' };

const SINGLE = /^bytes=\s*(\d*)\s*-\s*(\d*)\s*$/i;

/**
 * Reads a `Range` header (RFC 9110, 14.2) for an object of `size` bytes. One
 * range is served: `bytes=a-b` (the end cut to the object's), `bytes=a-` and
 * the suffix `bytes=-n` (the last n bytes). What the RFC lets a server ignore
 * is ignored, and the whole object is served: other units, several ranges
 * (players ask for one), and malformed headers. A range whose first byte is
 * past the end, or an empty suffix, is unsatisfiable.
 *
 * @example parseByteRange('bytes=100-', 1000) // { kind: 'range', start: 100, end: 999 }
 * @example parseByteRange('bytes=-10', 1000)  // { kind: 'range', start: 990, end: 999 }
 */
export function parseByteRange(header: string | undefined, size: number): ByteRangeRequest {
  const match = header === undefined ? null : SINGLE.exec(header.trim());
  if (!match) return { kind: 'whole' };
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return { kind: 'whole' };
  if (first === '') {
    const suffix = Number(last);
    if (!Number.isSafeInteger(suffix)) return { kind: 'whole' };
    if (suffix === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'range', start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? Number.MAX_SAFE_INTEGER : Number(last);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || end < start) return { kind: 'whole' };
  if (start >= size) return { kind: 'unsatisfiable' };
  return { kind: 'range', start, end: Math.min(end, size - 1) };
}
