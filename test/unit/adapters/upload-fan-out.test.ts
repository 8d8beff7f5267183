import type { Queue } from '@cloudflare/workers-types/index.js';
import { describe, expect, it } from 'vitest';
import { QueuesThumbnailQueue } from '../../../src/adapters/cloudflare/queues-thumbnail-queue.js';
import { InMemoryThumbnailQueue } from '../../../src/adapters/memory/in-memory-thumbnail-queue.js';
import { InMemoryUploadBus } from '../../../src/adapters/memory/in-memory-upload-bus.js';
import type { ThumbnailJobMessage } from '../../../src/adapters/wire/thumbnail-job-message.js';
import { photoIdAt, uniqueOwner } from '../../support/fixtures.js';

const job = () => ({ ownerId: uniqueOwner(), photoId: photoIdAt() });

describe('InMemoryUploadBus', () => {
  it('delivers each job once to every consumer queue', async () => {
    const bus = new InMemoryUploadBus({
      thumbnails: new InMemoryThumbnailQueue(),
      analysis: new InMemoryThumbnailQueue(),
    });
    const j = job();
    await bus.enqueue(j);
    expect(bus.queue('thumbnails').waiting).toEqual([j]);
    expect(bus.queue('analysis').waiting).toEqual([j]);
  });

  it('never delays one consumer while another fails a poisoned job until it is dead-lettered', async () => {
    const bus = new InMemoryUploadBus({
      thumbnails: new InMemoryThumbnailQueue({ retryDelayMs: 20, maxAttempts: 3 }),
      analysis: new InMemoryThumbnailQueue(),
    });
    const poisoned = job();
    const next = job();
    const analysed: string[] = [];
    bus.queue('thumbnails').consume(async () => {
      throw new Error('poisoned');
    });
    bus.queue('analysis').consume(async (x) => {
      analysed.push(x.photoId);
    });
    await bus.enqueue(poisoned);
    await bus.enqueue(next);
    await bus.queue('analysis').onIdle();
    // Both handled by analysis while thumbnails still retries the first.
    expect(analysed).toEqual([poisoned.photoId, next.photoId]);
    expect(bus.queue('thumbnails').deadLetters).toEqual([]);
    await bus.queue('thumbnails').onIdle();
    expect(bus.queue('thumbnails').deadLetters).toEqual([poisoned, next]);
    expect(bus.queue('analysis').deadLetters).toEqual([]);
  });
});

describe('QueuesThumbnailQueue', () => {
  /** A stand-in producer binding that records what it is sent. */
  const binding = (sent: unknown[]) =>
    ({
      send: async (body: unknown, options: unknown) => {
        sent.push({ body, options });
      },
    }) as unknown as Queue<ThumbnailJobMessage>;

  it('sends one message per consumer queue', async () => {
    const thumbnails: unknown[] = [];
    const analysis: unknown[] = [];
    const j = job();
    await new QueuesThumbnailQueue(binding(thumbnails), binding(analysis)).enqueue(j);
    const expected = [{ body: { type: 'thumbnail-job', ...j }, options: { contentType: 'json' } }];
    expect(thumbnails).toEqual(expected);
    expect(analysis).toEqual(expected);
  });
});
