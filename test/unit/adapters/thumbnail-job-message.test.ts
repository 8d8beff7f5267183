import { describe, expect, it } from 'vitest';
import { ThumbnailJobMessage } from '../../../src/adapters/wire/thumbnail-job-message.js';
import type { OwnerId } from '../../../src/domain/owner-id.js';
import type { PhotoId } from '../../../src/domain/photo-id.js';

const job = { ownerId: 'alice' as OwnerId, photoId: '0190f3a2-7b1c-7d2e-8f3a-0123456789ab' as PhotoId };

describe('ThumbnailJobMessage', () => {
  it('encodes a job as the typed body both queues carry, and parses it back', () => {
    const body = ThumbnailJobMessage.encode(job);
    expect(body).toEqual({ type: 'thumbnail-job', ...job });
    expect(ThumbnailJobMessage.parse(JSON.parse(JSON.stringify(body)))).toEqual({ ok: true, value: job });
  });

  it.each([
    ['another type', { type: 'something-else', ...job }],
    ['a missing id', { type: 'thumbnail-job', ownerId: job.ownerId }],
    ['an S3 notification', { Records: [{ eventSource: 'aws:s3' }] }],
    ['no object', 'thumbnail-job'],
  ])('tells %s is no job at all', (_, body) => {
    const parsed = ThumbnailJobMessage.parse(body);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok)
      expect(parsed.error).toMatchObject({ kind: 'not-a-job', message: /^not a thumbnail job: / });
  });

  it('tells a job that names no valid photo', () => {
    expect(ThumbnailJobMessage.parse({ ...ThumbnailJobMessage.encode(job), photoId: '42' })).toEqual({
      ok: false,
      error: { kind: 'no-valid-photo', message: 'the thumbnail job names no valid photo' },
    });
  });
});
