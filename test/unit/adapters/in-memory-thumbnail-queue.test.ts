import { describe, expect, it } from 'vitest';
import { InMemoryThumbnailQueue } from '../../../src/adapters/memory/in-memory-thumbnail-queue.js';
import { photoIdAt, uniqueOwner } from '../../support/fixtures.js';

const job = () => ({ ownerId: uniqueOwner(), photoId: photoIdAt() });

describe('InMemoryThumbnailQueue', () => {
  it('holds jobs until a consumer starts', async () => {
    const queue = new InMemoryThumbnailQueue();
    const j = job();
    await queue.enqueue(j);
    expect(queue.waiting).toEqual([j]);
    const seen: unknown[] = [];
    queue.consume(async (x) => {
      seen.push(x);
    });
    await queue.onIdle();
    expect(seen).toEqual([j]);
    expect(queue.waiting).toEqual([]);
  });

  it('retries a failing job and then succeeds, without blocking the others', async () => {
    const queue = new InMemoryThumbnailQueue({ retryDelayMs: 1 });
    const flaky = job();
    const steady = job();
    let flakyCalls = 0;
    const done: string[] = [];
    queue.consume(async (x) => {
      if (x.photoId === flaky.photoId && ++flakyCalls < 3) throw new Error('transient');
      done.push(x.photoId);
    });
    await queue.enqueue(flaky);
    await queue.enqueue(steady);
    await queue.onIdle();
    expect(done).toEqual([steady.photoId, flaky.photoId]);
    expect(flakyCalls).toBe(3);
    expect(queue.deadLetters).toEqual([]);
  });

  it('dead-letters a job after maxAttempts and reports each error', async () => {
    const errors: number[] = [];
    const queue = new InMemoryThumbnailQueue({
      maxAttempts: 3,
      retryDelayMs: 1,
      onError: (_e, _j, attempt) => errors.push(attempt),
    });
    const poison = job();
    queue.consume(async () => {
      throw new Error('always');
    });
    await queue.enqueue(poison);
    await queue.onIdle();
    expect(queue.deadLetters).toEqual([poison]);
    expect(errors).toEqual([1, 2, 3]);
  });

  it('runs at most `concurrency` jobs at once', async () => {
    const queue = new InMemoryThumbnailQueue({ concurrency: 2 });
    let running = 0;
    let peak = 0;
    queue.consume(async () => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
    });
    await Promise.all(Array.from({ length: 6 }, () => queue.enqueue(job())));
    await queue.onIdle();
    expect(peak).toBe(2);
  });
});
