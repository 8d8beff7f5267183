import { describe, expect, it } from 'vitest';
import type { ThumbnailJob, ThumbnailQueue } from '../../src/application/ports/thumbnail-queue.js';
import { photoIdAt, uniqueOwner } from '../support/fixtures.js';

/**
 * The ThumbnailQueue contract. A queue only sends, so each adapter's suite
 * supplies `received`: how its test reads back what reached the other end
 * (the in-process drain, an SQS receive, a Queues consumer).
 */
export function thumbnailQueueContract(
  name: string,
  make: () => Promise<{ queue: ThumbnailQueue; received: (count: number) => Promise<ThumbnailJob[]> }>,
): void {
  describe(`ThumbnailQueue contract: ${name}`, () => {
    it('delivers an enqueued job with its owner and photo id', async () => {
      const { queue, received } = await make();
      const job = { ownerId: uniqueOwner(), photoId: photoIdAt() };
      await queue.enqueue(job);
      expect(await received(1)).toEqual([job]);
    });

    it('delivers every job of a burst', async () => {
      const { queue, received } = await make();
      const owner = uniqueOwner();
      const jobs = Array.from({ length: 12 }, () => ({ ownerId: owner, photoId: photoIdAt() }));
      await Promise.all(jobs.map((j) => queue.enqueue(j)));
      const got = await received(jobs.length);
      expect(got.map((j) => j.photoId).sort()).toEqual(jobs.map((j) => j.photoId).sort());
    });
  });
}
