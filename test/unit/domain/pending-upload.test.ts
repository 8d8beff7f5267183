import { describe, expect, it } from 'vitest';
import { PendingUpload } from '#domain/pending-upload.js';
import { Photo } from '#domain/photo.js';
import { pendingPhoto, uniqueOwner } from '../../support/fixtures.js';

const at = (iso: string) => new Date(iso);

describe('PendingUpload', () => {
  it('purges a grace period after it expires, and keeps its multipart upload', () => {
    const multipart = { uploadId: 'u', partSize: 8, partCount: 3 };
    expect(PendingUpload.until(at('2026-01-01T00:15:00Z'), 3600, multipart)).toEqual({
      expiresAt: '2026-01-01T00:15:00.000Z',
      purgeAt: '2026-01-01T01:15:00.000Z',
      multipart,
    });
  });

  it('moves only forward when extended', () => {
    const upload = PendingUpload.until(at('2026-01-01T00:15:00Z'), 60);
    expect(PendingUpload.extended(upload, at('2026-01-01T00:10:00Z'), 60)).toBeUndefined();
    expect(PendingUpload.extended(upload, at('2026-01-01T00:15:00Z'), 60)).toBeUndefined();
    expect(PendingUpload.extended(upload, at('2026-01-01T00:20:00Z'), 60)).toEqual({
      expiresAt: '2026-01-01T00:20:00.000Z',
      purgeAt: '2026-01-01T00:21:00.000Z',
    });
  });
});

describe('a photo and its upload', () => {
  const upload = PendingUpload.until(at('2026-01-01T00:15:00Z'), 60, {
    uploadId: 'u',
    partSize: 8,
    partCount: 2,
  });
  const photo = { ...pendingPhoto(uniqueOwner()), upload };

  it('counts as an expired upload once every URL of it has expired, while pending only', () => {
    expect(Photo.uploadExpired(photo, at('2026-01-01T00:14:59Z'))).toBe(false);
    expect(Photo.uploadExpired(photo, at('2026-01-01T00:15:00Z'))).toBe(true);
    const landed = Photo.startProcessing(photo, 10, at('2026-01-01T00:16:00Z'));
    expect(Photo.uploadExpired(landed, at('2030-01-01T00:00:00Z'))).toBe(false);
    // A record made before uploads expired never counts as stale.
    expect(Photo.uploadExpired(pendingPhoto(uniqueOwner()), at('2030-01-01T00:00:00Z'))).toBe(false);
  });

  it('leaves the upload behind when it leaves pending, whichever way', () => {
    const now = at('2026-01-01T00:10:00Z');
    for (const next of [
      Photo.startProcessing(photo, 10, now),
      Photo.markFailed(photo, { code: 'x', message: 'y' }, now),
      Photo.markReady(photo, { contentType: 'image/png', width: 1, height: 1, renditions: [] }, now),
    ]) {
      expect('upload' in next).toBe(false);
    }
  });

  it('extends the upload as a new version, and refuses to once the bytes have landed', () => {
    const later = PendingUpload.until(at('2026-01-01T00:30:00Z'), 60, upload.multipart);
    const resumed = Photo.extendUpload(photo, later, at('2026-01-01T00:20:00Z'));
    expect(resumed).toMatchObject({ upload: later, version: photo.version + 1, status: 'pending' });
    const landed = Photo.startProcessing(resumed, 10, at('2026-01-01T00:21:00Z'));
    expect(() => Photo.extendUpload(landed, later, at('2026-01-01T00:22:00Z'))).toThrow(/cannot go from/);
  });
});
