import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { ContentType } from '#domain/content-type.js';
import { PhotoFailedError, PhotoNotReadyError, PhotoTransitionError } from '#domain/errors.js';
import { Photo, type PhotoStatus } from '#domain/photo.js';
import { ownerId, photoId } from './arbitraries.js';

const date = fc.date({
  min: new Date('2000-01-01T00:00:00Z'),
  max: new Date('2100-01-01T00:00:00Z'),
  noInvalidDate: true,
});

const registered = fc
  .record({
    id: photoId,
    ownerId,
    filename: fc.string({ maxLength: 40 }),
    contentType: fc.constantFrom(...ContentType.accepted),
    size: fc.nat(),
    now: date,
  })
  .map((input) => Photo.register(input));

type Step = 'startProcessing' | 'markReady' | 'markFailed';
const step = fc.constantFrom<Step>('startProcessing', 'markReady', 'markFailed');

/** The lifecycle as a table: the statuses each transition may start from. */
const allowedFrom: Record<Step, readonly PhotoStatus[]> = {
  startProcessing: ['pending'],
  markReady: ['pending', 'processing'],
  markFailed: ['pending', 'processing'],
};
const target: Record<Step, PhotoStatus> = {
  startProcessing: 'processing',
  markReady: 'ready',
  markFailed: 'failed',
};

const apply = (photo: Photo, s: Step, now: Date): Photo => {
  switch (s) {
    case 'startProcessing':
      return Photo.startProcessing(photo, 1234, now);
    case 'markReady':
      return Photo.markReady(
        photo,
        { contentType: 'image/png', width: 10, height: 20, renditions: [], placeholder: 'abc' },
        now,
      );
    case 'markFailed':
      return Photo.markFailed(photo, { code: 'corrupt-image', message: 'cannot decode' }, now);
  }
};

describe('Photo', () => {
  test.prop([registered, fc.array(fc.tuple(step, date), { maxLength: 3 })])(
    'serves renditions only once ready; a failed photo says it never will, any other is not ready yet',
    (start, steps) => {
      let photo = start;
      for (const [s, now] of steps) if (allowedFrom[s].includes(photo.status)) photo = apply(photo, s, now);
      const servable = Photo.servable(photo);
      if (photo.status === 'ready') expect(servable).toEqual({ ok: true, value: photo });
      else if (photo.status === 'failed') {
        expect(servable.ok || servable.error).toBeInstanceOf(PhotoFailedError);
        expect(servable.ok || servable.error.message).toContain('cannot decode');
      } else expect(servable.ok || servable.error).toBeInstanceOf(PhotoNotReadyError);
    },
  );

  test.prop([registered])('starts pending at version 1 with no renditions', (photo) => {
    expect(photo.status).toBe('pending');
    expect(photo.version).toBe(1);
    expect(photo.renditions).toEqual([]);
    expect(photo.updatedAt).toBe(photo.createdAt);
  });

  test.prop([registered, fc.array(fc.tuple(step, date), { maxLength: 6 })])(
    'follows the lifecycle table: allowed steps change status, others throw PhotoTransitionError',
    (start, steps) => {
      let photo = start;
      for (const [s, now] of steps) {
        if (allowedFrom[s].includes(photo.status)) {
          photo = apply(photo, s, now);
          expect(photo.status).toBe(target[s]);
        } else {
          const before = photo;
          expect(() => apply(before, s, now)).toThrow(PhotoTransitionError);
        }
      }
    },
  );

  test.prop([registered, fc.array(fc.tuple(step, date), { maxLength: 6 })])(
    'each transition raises the version by exactly one and sets updatedAt to now, keeping identity',
    (start, steps) => {
      let photo = start;
      for (const [s, now] of steps) {
        if (!allowedFrom[s].includes(photo.status)) continue;
        const next = apply(photo, s, now);
        expect(next.version).toBe(photo.version + 1);
        expect(next.updatedAt).toBe(now.toISOString());
        expect(next.createdAt).toBe(start.createdAt);
        expect([next.id, next.ownerId, next.filename]).toEqual([start.id, start.ownerId, start.filename]);
        photo = next;
      }
    },
  );

  test.prop([registered, fc.constantFrom<Step>('markReady', 'markFailed'), step, date])(
    'ready and failed are terminal',
    (start, end, then, now) => {
      const done = apply(start, end, now);
      expect(() => apply(done, then, now)).toThrow(PhotoTransitionError);
    },
  );

  test.prop([registered, date, date])('does not mutate the record it was given', (start, t1, t2) => {
    const copy = structuredClone(start);
    const processing = Photo.startProcessing(start, 99, t1);
    const processingCopy = structuredClone(processing);
    Photo.markReady(processing, { contentType: 'image/webp', width: 1, height: 1, renditions: [] }, t2);
    expect(start).toEqual(copy);
    expect(processing).toEqual(processingCopy);
  });

  it('walks pending -> processing -> ready, recording what the worker found', () => {
    const t0 = new Date('2024-05-01T10:00:00Z');
    const photo = Photo.register({
      id: '0190a5c4-7b3e-7abc-8def-0123456789ab' as Photo['id'],
      ownerId: 'alice' as Photo['ownerId'],
      filename: 'beach.jpg',
      contentType: 'image/jpeg',
      size: 100,
      now: t0,
    });
    const processing = Photo.startProcessing(photo, 2048, new Date('2024-05-01T10:00:01Z'));
    expect(processing).toMatchObject({ status: 'processing', size: 2048, version: 2 });
    const rendition = {
      preset: 'thumb',
      width: 256,
      height: 256,
      format: 'webp' as const,
      bytes: 9,
      key: 'k',
    };
    const ready = Photo.markReady(
      processing,
      { contentType: 'image/png', width: 3000, height: 4000, renditions: [rendition], checksum: 'ff' },
      new Date('2024-05-01T10:00:02Z'),
    );
    expect(ready).toMatchObject({
      status: 'ready',
      contentType: 'image/png',
      width: 3000,
      height: 4000,
      renditions: [rendition],
      checksum: 'ff',
      version: 3,
      createdAt: '2024-05-01T10:00:00.000Z',
      updatedAt: '2024-05-01T10:00:02.000Z',
    });
  });

  it('records why a photo failed and what was known', () => {
    const photo = Photo.register({
      id: '0190a5c4-7b3e-7abc-8def-0123456789ab' as Photo['id'],
      ownerId: 'alice' as Photo['ownerId'],
      filename: 'x.svg',
      contentType: 'image/jpeg',
      size: 1,
      now: new Date(0),
    });
    const failed = Photo.markFailed(
      Photo.startProcessing(photo, 1, new Date(1)),
      { code: 'unsupported-format', message: 'SVG is not an accepted image format' },
      new Date(2),
      { width: 10, height: 10 },
    );
    expect(failed).toMatchObject({
      status: 'failed',
      failure: { code: 'unsupported-format', message: 'SVG is not an accepted image format' },
      width: 10,
      height: 10,
      version: 3,
    });
  });

  describe('a video', () => {
    const registerVideo = (contentType: ContentType = 'video/mp4') =>
      Photo.register({
        id: '0190a5c4-7b3e-7abc-8def-0123456789ab' as Photo['id'],
        ownerId: 'alice' as Photo['ownerId'],
        filename: 'clip',
        contentType,
        size: 9,
        now: new Date(0),
      });
    const plan = { width: 1080, height: 1920, posterAtMs: 1500 };
    const facts = {
      contentType: 'video/quicktime' as const,
      width: 2160,
      height: 3840,
      durationMs: 15_016,
      plan,
    };

    test.prop([fc.constantFrom(...ContentType.accepted)])('is of the kind its declared type says', (type) => {
      expect(registerVideo(type).kind).toBe(type.startsWith('video/') ? 'video' : 'photo');
    });

    it('walks processing -> transcode submitted (retried) -> ready, with its MP4, poster and duration', () => {
      const processing = Photo.startProcessing(registerVideo(), 9, new Date(1));
      const submitted = Photo.startTranscode(processing, facts, new Date(2));
      expect(submitted).toMatchObject({
        status: 'processing',
        contentType: 'video/quicktime',
        width: 2160,
        height: 3840,
        durationMs: 15_016,
        video: { plan, attempts: 1, submittedAt: new Date(2).toISOString() },
      });
      const retried = Photo.retryTranscode(submitted, new Date(3));
      expect(retried.video).toEqual({ plan, attempts: 2, submittedAt: new Date(3).toISOString() });
      const mp4 = { key: 'k/video.mp4', width: 1080, height: 1920, durationMs: 15_000, bytes: 5 };
      const poster = { key: 'k/poster.jpg', width: 1080, height: 1920, bytes: 4 };
      const ready = Photo.markVideoReady(
        retried,
        {
          mp4,
          poster,
          frames: [{ key: 'k/frame-1.jpg', atMs: 3750, bytes: 3 }],
          renditions: [],
          placeholder: 'p',
        },
        new Date(4),
      );
      expect(ready).toMatchObject({
        status: 'ready',
        durationMs: 15_000,
        width: 2160,
        height: 3840,
        version: 5,
      });
      expect(ready.video).toEqual({
        plan,
        attempts: 2,
        submittedAt: new Date(3).toISOString(),
        mp4,
        poster,
        frames: [{ key: 'k/frame-1.jpg', atMs: 3750, bytes: 3 }],
      });
      expect(Photo.servable(ready).ok).toBe(true);
    });

    it('refuses a transcode of a photo, and readiness before the transcode was submitted', () => {
      const photo = Photo.startProcessing(registerVideo('image/png'), 9, new Date(1));
      expect(() => Photo.startTranscode(photo, facts, new Date(2))).toThrow(PhotoTransitionError);
      const video = Photo.startProcessing(registerVideo(), 9, new Date(1));
      expect(() => Photo.retryTranscode(video, new Date(2))).toThrow(PhotoTransitionError);
      const mp4 = { key: 'k', width: 2, height: 2, durationMs: 1, bytes: 1 };
      const poster = { key: 'p', width: 2, height: 2, bytes: 1 };
      expect(() =>
        Photo.markVideoReady(video, { mp4, poster, frames: [], renditions: [] }, new Date(2)),
      ).toThrow(PhotoTransitionError);
    });

    it('revives a record stored before videos as a photo', () => {
      const { kind: _kind, ...legacy } = registerVideo('image/jpeg');
      expect(Photo.revive(legacy)).toEqual({ ...legacy, kind: 'photo' });
      const video = registerVideo();
      expect(Photo.revive(video)).toBe(video);
    });
  });
});
