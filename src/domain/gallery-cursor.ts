import { Base64Url } from './base64url.js';
import { InvalidCursorError } from './errors.js';
import { ImageAnalysis } from './image-analysis.js';
import type { OwnerId } from './owner-id.js';
import { PhotoId } from './photo-id.js';
import { err, ok, type Result } from './result.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** FNV-1a, 32 bit: catches a cursor that was cut, mistyped or edited by hand. */
const checksum = (text: string): string => {
  let h = 0x811c9dc5;
  for (const byte of encoder.encode(text)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(36);
};

/**
 * The opaque gallery cursor: where the previous page ended, bound to its owner
 * and to the listing it came from (all photos, or those with one label).
 *
 * It carries the owner, the label (in its index form) when the listing had one,
 * and the last photo id of the page (every adapter can
 * resume from that: DynamoDB rebuilds its LastEvaluatedKey from it, D1 and the
 * memory store seek past it). The checksum catches corruption; owner binding
 * is what keeps one owner from paging through another's photos, since a
 * decoded cursor is only ever used inside the caller's own partition. Label
 * binding keeps a cursor of `?label=Dog` from resuming the plain list (or
 * `?label=Cat`) at a place that list never reached.
 *
 * @example
 * const c = GalleryCursor.encode(owner, lastId, 'Dog');
 * GalleryCursor.decode(c, owner, 'dog') // ok(lastId)
 */
export const GalleryCursor = {
  encode(ownerId: OwnerId, after: PhotoId, label?: string): string {
    const l = label === undefined ? {} : { l: ImageAnalysis.labelKey(label) };
    const payload = JSON.stringify({ v: 1, o: ownerId, ...l, a: after });
    return `${Base64Url.encode(encoder.encode(payload))}.${checksum(payload)}`;
  },

  decode(cursor: string, ownerId: OwnerId, label?: string): Result<PhotoId, InvalidCursorError> {
    const invalid = (why: string) => err(new InvalidCursorError(`cursor is invalid: ${why}`));
    if (cursor.length > 512) return invalid('too long');
    const [body, sum, ...rest] = cursor.split('.');
    const bytes = body === undefined ? undefined : Base64Url.decode(body);
    if (!bytes || sum === undefined || rest.length > 0) return invalid('malformed');
    let payload: string;
    try {
      payload = decoder.decode(bytes);
    } catch {
      return invalid('malformed');
    }
    if (checksum(payload) !== sum) return invalid('it was altered');
    let parsed: unknown;
    try {
      parsed = JSON.parse(payload);
    } catch {
      return invalid('malformed');
    }
    if (typeof parsed !== 'object' || parsed === null) return invalid('malformed');
    const { v, o, l, a } = parsed as { v?: unknown; o?: unknown; l?: unknown; a?: unknown };
    if (v !== 1) return invalid('unknown version');
    if (o !== ownerId) return invalid('it belongs to another owner');
    if (l !== (label === undefined ? undefined : ImageAnalysis.labelKey(label))) {
      return invalid(
        l === undefined ? 'it belongs to the unfiltered list' : `it belongs to the list labelled ${l}`,
      );
    }
    const after = PhotoId.parse(a);
    if (!after.ok) return invalid('malformed');
    return ok(after.value);
  },
};
