import type { ThumbnailJob, ThumbnailQueue } from '../../application/ports/thumbnail-queue.js';

/** Handles one job; throwing means "try again later", as with a real queue. */
export type JobHandler = (job: ThumbnailJob) => Promise<void>;

interface Delivery {
  readonly job: ThumbnailJob;
  readonly attempts: number;
}

export interface InMemoryThumbnailQueueOptions {
  /** Deliveries of one job before it is dead-lettered (default 5). */
  readonly maxAttempts?: number;
  /** Jobs handled at once by the drain (default 1). */
  readonly concurrency?: number;
  /** Wait before a failed job is delivered again (default 100 ms). */
  readonly retryDelayMs?: number;
  /** Told of each error a handler throws: the dev server logs them. */
  readonly onError?: (error: unknown, job: ThumbnailJob, attempt: number) => void;
}

/**
 * An in-process queue with the semantics of SQS or Cloudflare Queues: at least
 * once delivery, retries with a delay, and a dead-letter list after
 * `maxAttempts`. Jobs wait until `consume` starts the drain.
 */
export class InMemoryThumbnailQueue implements ThumbnailQueue {
  private readonly ready: Delivery[] = [];
  private readonly dead: ThumbnailJob[] = [];
  private handler: JobHandler | undefined;
  private running = 0;
  private delayed = 0;
  private idleWaiters: (() => void)[] = [];
  private readonly maxAttempts: number;
  private readonly concurrency: number;
  private readonly retryDelayMs: number;

  constructor(private readonly options: InMemoryThumbnailQueueOptions = {}) {
    this.maxAttempts = options.maxAttempts ?? 5;
    this.concurrency = options.concurrency ?? 1;
    this.retryDelayMs = options.retryDelayMs ?? 100;
  }

  async enqueue(job: ThumbnailJob): Promise<void> {
    this.ready.push({ job: { ownerId: job.ownerId, photoId: job.photoId }, attempts: 0 });
    this.pump();
  }

  /** Starts draining with this handler; returns a function that stops it (in-flight jobs finish). */
  consume(handler: JobHandler): () => void {
    this.handler = handler;
    this.pump();
    return () => {
      if (this.handler === handler) this.handler = undefined;
    };
  }

  /** Resolves once nothing is queued, running or waiting for a retry. */
  onIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Jobs waiting for delivery (not counting retries waiting out their delay). */
  get waiting(): readonly ThumbnailJob[] {
    return this.ready.map((d) => d.job);
  }

  /** Jobs that failed `maxAttempts` times. */
  get deadLetters(): readonly ThumbnailJob[] {
    return this.dead;
  }

  private isIdle(): boolean {
    return this.running === 0 && this.delayed === 0 && (this.ready.length === 0 || !this.handler);
  }

  private pump(): void {
    const handler = this.handler;
    while (handler && this.running < this.concurrency && this.ready.length > 0) {
      const delivery = this.ready.shift() as Delivery;
      this.running++;
      void this.deliver(handler, delivery);
    }
    if (this.isIdle()) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  private async deliver(handler: JobHandler, delivery: Delivery): Promise<void> {
    const attempt = delivery.attempts + 1;
    try {
      await handler(delivery.job);
    } catch (error) {
      this.options.onError?.(error, delivery.job, attempt);
      if (attempt >= this.maxAttempts) {
        this.dead.push(delivery.job);
      } else {
        this.delayed++;
        setTimeout(() => {
          this.delayed--;
          this.ready.push({ job: delivery.job, attempts: attempt });
          this.pump();
        }, this.retryDelayMs);
      }
    } finally {
      this.running--;
      this.pump();
    }
  }
}
