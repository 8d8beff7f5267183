import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { InvalidCursorError } from '#domain/errors.js';
import { GalleryCursor } from '#domain/gallery-cursor.js';
import type { OwnerId } from '#domain/owner-id.js';
import type { PhotoId } from '#domain/photo-id.js';
import { ownerId, photoId } from './arbitraries.js';

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** Replacement characters: the cursor's own alphabet, its separator, and a few it never uses. */
const replacement = fc.constantFrom(...`${BASE64URL}.=+/ %é\u0000`.split(''));

const expectInvalidOrSame = (cursor: string, owner: OwnerId, after: PhotoId): void => {
  const decoded = GalleryCursor.decode(cursor, owner);
  if (decoded.ok) expect(decoded.value).toBe(after);
  else expect(decoded.error).toBeInstanceOf(InvalidCursorError);
};

describe('GalleryCursor', () => {
  test.prop([ownerId, photoId])('decodes what it encoded for the same owner', (owner, after) => {
    expect(GalleryCursor.decode(GalleryCursor.encode(owner, after), owner)).toEqual({
      ok: true,
      value: after,
    });
  });

  test.prop([ownerId, ownerId, photoId])('refuses a cursor from another owner', (owner, other, after) => {
    fc.pre(owner !== other);
    const decoded = GalleryCursor.decode(GalleryCursor.encode(owner, after), other);
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) expect(decoded.error).toBeInstanceOf(InvalidCursorError);
  });

  const label = fc.string({ minLength: 1, maxLength: 40 }).filter((l) => l.trim() !== '');

  test.prop([ownerId, photoId, label])(
    "binds a label listing's cursor to its label, in any case",
    (owner, after, name) => {
      const cursor = GalleryCursor.encode(owner, after, name);
      expect(GalleryCursor.decode(cursor, owner, name.toUpperCase())).toEqual({ ok: true, value: after });
      expect(GalleryCursor.decode(cursor, owner, ` ${name.toLowerCase()} `).ok).toBe(true);
    },
  );

  test.prop([ownerId, photoId, label, label])(
    "refuses a cursor in another listing: labelled for the plain list, plain or another label's for a label's",
    (owner, after, name, other) => {
      fc.pre(name.trim().toLowerCase() !== other.trim().toLowerCase());
      const labelled = GalleryCursor.encode(owner, after, name);
      const plain = GalleryCursor.encode(owner, after);
      for (const decoded of [
        GalleryCursor.decode(labelled, owner),
        GalleryCursor.decode(labelled, owner, other),
        GalleryCursor.decode(plain, owner, name),
      ]) {
        expect(decoded.ok).toBe(false);
        if (!decoded.ok) expect(decoded.error).toBeInstanceOf(InvalidCursorError);
      }
    },
  );

  test.prop([ownerId, photoId, fc.nat(), replacement])(
    'catches any single-character change (or it decodes to the very same id)',
    (owner, after, at, char) => {
      const cursor = GalleryCursor.encode(owner, after);
      const i = at % cursor.length;
      fc.pre(cursor[i] !== char);
      // FNV-1a maps each byte through a bijection, so a change confined to one byte always
      // changes the sum; one base64 character spans two bytes at most, and its multiplier
      // 0x01000193 cannot cancel a difference of under 256. The only survivor is a change in
      // the unused low bits of the last character, which decodes to the same bytes.
      expectInvalidOrSame(`${cursor.slice(0, i)}${char}${cursor.slice(i + 1)}`, owner, after);
    },
  );

  test.prop([ownerId, photoId, fc.nat(), fc.option(replacement, { nil: undefined })])(
    'catches a deleted or inserted character',
    (owner, after, at, char) => {
      const cursor = GalleryCursor.encode(owner, after);
      const i = at % (cursor.length + 1);
      const edited =
        char === undefined
          ? `${cursor.slice(0, i)}${cursor.slice(i + 1)}`
          : `${cursor.slice(0, i)}${char}${cursor.slice(i)}`;
      fc.pre(edited !== cursor);
      expectInvalidOrSame(edited, owner, after);
    },
  );

  test.prop([
    fc.oneof(fc.string({ maxLength: 600 }), fc.stringMatching(/^[A-Za-z0-9_-]{0,300}\.[0-9a-z]{0,8}$/)),
    ownerId,
  ])('fails cleanly on arbitrary strings, never throwing', (cursor, owner) => {
    const decoded = GalleryCursor.decode(cursor, owner);
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) expect(decoded.error).toBeInstanceOf(InvalidCursorError);
  });

  it('refuses well-formed payloads with a valid checksum but the wrong shape', () => {
    // Hand-built cursors: right encoding and sum, wrong content.
    const owner = 'alice' as OwnerId;
    const sum = (text: string): string => {
      let h = 0x811c9dc5;
      for (const byte of new TextEncoder().encode(text)) h = Math.imul(h ^ byte, 0x01000193) >>> 0;
      return h.toString(36);
    };
    const forge = (payload: string): string =>
      `${btoa(payload).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}.${sum(payload)}`;
    const id = '0190a5c4-7b3e-7abc-8def-0123456789ab';
    expect(GalleryCursor.decode(forge(JSON.stringify({ v: 1, o: 'alice', a: id })), owner).ok).toBe(true);
    for (const payload of [
      JSON.stringify({ v: 2, o: 'alice', a: id }),
      JSON.stringify({ v: 1, o: 'alice', a: 'not-an-id' }),
      JSON.stringify({ v: 1, a: id }),
      'null',
      '[1]',
      '{',
    ]) {
      const decoded = GalleryCursor.decode(forge(payload), owner);
      expect(decoded.ok, payload).toBe(false);
    }
    expect(GalleryCursor.decode(`${'A'.repeat(600)}.0`, owner).ok).toBe(false);
  });
});
