/** Handles one message; throwing means "try again later", as with a real queue. */
export type MessageHandler<Message> = (message: Message) => Promise<void>;

interface Delivery<Message> {
  readonly message: Message;
  readonly attempts: number;
}

export interface InMemoryQueueOptions<Message> {
  /** Deliveries of one message before it is dead-lettered (default 5). */
  readonly maxAttempts?: number;
  /** Messages handled at once by the drain (default 1). */
  readonly concurrency?: number;
  /** Wait before a failed message is delivered again (default 100 ms). */
  readonly retryDelayMs?: number;
  /** Told of each error a handler throws: the dev server logs them. */
  readonly onError?: (error: unknown, message: Message, attempt: number) => void;
}

/**
 * An in-process queue with the semantics of SQS or Cloudflare Queues: at least
 * once delivery, retries with a delay, and a dead-letter list after
 * `maxAttempts`. Messages wait until `consume` starts the drain; each is a
 * structured clone of what was sent, as a real queue serialises it.
 *
 * @example
 * const completions = new InMemoryQueue<VideoTranscodeCompletion>({ retryDelayMs: 500 });
 * completions.consume((completion) => recordTranscode.execute(completion).then(() => {}));
 */
export class InMemoryQueue<Message> {
  private readonly ready: Delivery<Message>[] = [];
  private readonly dead: Message[] = [];
  private handler: MessageHandler<Message> | undefined;
  private running = 0;
  private delayed = 0;
  private idleWaiters: (() => void)[] = [];
  private readonly maxAttempts: number;
  private readonly concurrency: number;
  private readonly retryDelayMs: number;

  constructor(private readonly options: InMemoryQueueOptions<Message> = {}) {
    this.maxAttempts = options.maxAttempts ?? 5;
    this.concurrency = options.concurrency ?? 1;
    this.retryDelayMs = options.retryDelayMs ?? 100;
  }

  async enqueue(message: Message): Promise<void> {
    this.ready.push({ message: structuredClone(message), attempts: 0 });
    this.pump();
  }

  /** Starts draining with this handler; returns a function that stops it (in-flight messages finish). */
  consume(handler: MessageHandler<Message>): () => void {
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

  /** Whether nothing is queued, running or waiting for a retry (what `onIdle` waits for). */
  get idle(): boolean {
    return this.isIdle();
  }

  /** Messages waiting for delivery (not counting retries waiting out their delay). */
  get waiting(): readonly Message[] {
    return this.ready.map((d) => d.message);
  }

  /** Messages that failed `maxAttempts` times. */
  get deadLetters(): readonly Message[] {
    return this.dead;
  }

  private isIdle(): boolean {
    return this.running === 0 && this.delayed === 0 && (this.ready.length === 0 || !this.handler);
  }

  private pump(): void {
    const handler = this.handler;
    while (handler && this.running < this.concurrency && this.ready.length > 0) {
      const delivery = this.ready.shift() as Delivery<Message>;
      this.running++;
      void this.deliver(handler, delivery);
    }
    if (this.isIdle()) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  private async deliver(handler: MessageHandler<Message>, delivery: Delivery<Message>): Promise<void> {
    const attempt = delivery.attempts + 1;
    try {
      await handler(delivery.message);
    } catch (error) {
      this.options.onError?.(error, delivery.message, attempt);
      if (attempt >= this.maxAttempts) {
        this.dead.push(delivery.message);
      } else {
        this.delayed++;
        setTimeout(() => {
          this.delayed--;
          this.ready.push({ message: delivery.message, attempts: attempt });
          this.pump();
        }, this.retryDelayMs);
      }
    } finally {
      this.running--;
      this.pump();
    }
  }
}
