import { Base64Url } from './base64url.js';
import { InvalidCursorError } from './errors.js';
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
 * The opaque gallery cursor: where the previous page ended, bound to its owner.
 *
 * It carries the owner and the last photo id of the page (every adapter can
 * resume from that: DynamoDB rebuilds its LastEvaluatedKey from it, D1 and the
 * memory store seek past it). The checksum catches corruption; owner binding
 * is what keeps one owner from paging through another's photos, since a
 * decoded cursor is only ever used inside the caller's own partition.
 *
 * @example
 * const c = GalleryCursor.encode(owner, lastId);
 * GalleryCursor.decode(c, owner) // ok(lastId)
 */
export const GalleryCursor = {
  encode(ownerId: OwnerId, after: PhotoId): string {
    const payload = JSON.stringify({ v: 1, o: ownerId, a: after });
    return `${Base64Url.encode(encoder.encode(payload))}.${checksum(payload)}`;
  },

  decode(cursor: string, ownerId: OwnerId): Result<PhotoId, InvalidCursorError> {
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
    const { v, o, a } = parsed as { v?: unknown; o?: unknown; a?: unknown };
    if (v !== 1) return invalid('unknown version');
    if (o !== ownerId) return invalid('it belongs to another owner');
    const after = PhotoId.parse(a);
    if (!after.ok) return invalid('malformed');
    return ok(after.value);
  },
};
