import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse } from 'aws-lambda';
import { sqsEvent } from './aws-events.js';

/** What the event source mapping did in one phase. */
export interface EventSourceStats {
  invocations: number;
  records: number;
  /** Records the handler reported in batchItemFailures. */
  recordsFailed: number;
  /** Invocations that threw as a whole (nothing of the batch deleted). */
  invocationErrors: number;
  /** Records received more than once (ApproximateReceiveCount > 1). */
  redeliveries: number;
  kills: number;
  timeouts: number;
  coldStarts: number;
  receiveErrors: number;
  deleteErrors: number;
  /** Milliseconds of each invocation that ended (not killed or timed out). */
  durations: number[];
  /** Records handed to the function, by their ApproximateReceiveCount. */
  byReceiveCount: Record<number, number>;
}

/** Options of {@link EventSource}. */
export interface EventSourceOptions {
  /** The client the poller receives and deletes with (through the fault proxy: SQS calls fail too). */
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly queueArn: string;
  /** Instances at once (the event source's MaximumConcurrency). */
  readonly concurrency: number;
  readonly batchSize: number;
  /** Visibility timeout of each receive: when an unacknowledged record comes back. */
  readonly visibilitySeconds: number;
  /** The function's timeout: past it the instance is stopped, as Lambda stops it. */
  readonly timeoutMs: number;
  /** The environment of each instance (the Lambda's configuration). */
  readonly env: NodeJS.ProcessEnv;
  /** The function's code: a file URL of the thumbnail worker bundle's index.mjs. */
  readonly handlerUrl: string;
}

type Outcome =
  | { readonly kind: 'done'; readonly result: SQSBatchResponse }
  | { readonly kind: 'error'; readonly error: string }
  | { readonly kind: 'killed' }
  | { readonly kind: 'timeout' };

/** One Lambda instance: a worker thread running bench/chaos/lambda-instance.ts. */
class Instance {
  private settle?: (outcome: Outcome) => void;
  private next = 0;
  /** The thread has exited: killed, or crashed. */
  dead = false;

  private constructor(private readonly thread: Worker) {
    thread.on('message', (m: { id?: number; result?: SQSBatchResponse; error?: string }) => {
      if (m.id === undefined) return;
      this.settle?.(
        m.error !== undefined
          ? { kind: 'error', error: m.error }
          : { kind: 'done', result: m.result ?? { batchItemFailures: [] } },
      );
    });
    thread.on('error', (error) => this.settle?.({ kind: 'error', error: String(error) }));
    thread.on('exit', () => {
      this.dead = true;
      this.settle?.({ kind: 'killed' });
    });
  }

  /** Starts an instance and waits for its init phase (the module's import). */
  static async start(env: NodeJS.ProcessEnv, handlerUrl: string): Promise<Instance> {
    const thread = new Worker(new URL('./lambda-instance.ts', import.meta.url), {
      env,
      workerData: { handlerUrl },
    });
    await new Promise<void>((resolve, reject) => {
      thread.once('message', () => resolve());
      thread.once('error', reject);
    });
    return new Instance(thread);
  }

  invoke(event: ReturnType<typeof sqsEvent>, timeoutMs: number): Promise<Outcome> {
    return new Promise<Outcome>((resolve) => {
      const timer = setTimeout(() => finish({ kind: 'timeout' }), timeoutMs);
      const finish = (outcome: Outcome) => {
        clearTimeout(timer);
        this.settle = undefined;
        resolve(outcome);
      };
      this.settle = finish;
      this.thread.postMessage({ id: ++this.next, event, timeoutMs });
    });
  }

  /** The instance dies now, whatever it is doing. */
  kill(): Promise<number> {
    return this.thread.terminate();
  }
}

interface Slot {
  instance?: Instance;
  /** Keys of the originals named by the batch in hand. */
  keys: readonly string[];
}

const originalKeyOf = (message: Message): string | undefined => {
  try {
    const key = JSON.parse(message.Body ?? '').Records?.[0]?.s3?.object?.key;
    return typeof key === 'string' ? decodeURIComponent(key.replace(/\+/g, ' ')) : undefined;
  } catch {
    return undefined;
  }
};

/**
 * The SQS event source mapping of the thumbnail worker, played: `concurrency`
 * pollers, each with its own Lambda instance, receive up to `batchSize`
 * records with a short visibility timeout, invoke the instance, and delete
 * what it did not report as failed (ReportBatchItemFailures). A batch whose
 * invocation throws, times out or whose instance is killed is left alone:
 * SQS delivers it again after the visibility timeout, and after the queue's
 * maxReceiveCount moves it to the DLQ. A killed or timed-out instance is
 * replaced by a cold one on the next batch.
 *
 * @example
 * const source = new EventSource({ sqs, queueUrl, queueArn, concurrency: 3, batchSize: 5, ... });
 * source.start(); await until(idle); await source.stop();
 */
export class EventSource {
  readonly stats: EventSourceStats = EventSource.emptyStats();
  private readonly slots: Slot[] = [];
  private running: Promise<void>[] = [];
  private stopping = false;
  private busy = 0;

  constructor(private readonly options: EventSourceOptions) {}

  static emptyStats(): EventSourceStats {
    return {
      invocations: 0,
      records: 0,
      recordsFailed: 0,
      invocationErrors: 0,
      redeliveries: 0,
      kills: 0,
      timeouts: 0,
      coldStarts: 0,
      receiveErrors: 0,
      deleteErrors: 0,
      durations: [],
      byReceiveCount: {},
    };
  }

  /** Starts the counts of a new phase. */
  resetStats(): void {
    Object.assign(this.stats, EventSource.emptyStats());
  }

  /** Invocations under way now. */
  get inFlight(): number {
    return this.busy;
  }

  start(): void {
    this.stopping = false;
    for (let i = 0; i < this.options.concurrency; i++) {
      const slot: Slot = this.slots[i] ?? { keys: [] };
      this.slots[i] = slot;
      this.running.push(this.poll(slot));
    }
  }

  /** Stops polling once the batches in hand are done; the instances stay warm for a later start. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.running);
    this.running = [];
  }

  /** Ends every instance (the end of the run). */
  async shutdown(): Promise<void> {
    await this.stop();
    await Promise.all(this.slots.map((slot) => slot.instance?.kill()));
  }

  /**
   * Kills the instance holding a batch that names `originalKey`, if any: called
   * just after it read that original, so it dies mid-render. True if one died.
   */
  killHolding(originalKey: string): boolean {
    const slot = this.slots.find((s) => s.keys.includes(originalKey));
    if (!slot?.instance) return false;
    void slot.instance.kill();
    this.stats.kills++;
    return true;
  }

  private async poll(slot: Slot): Promise<void> {
    const { sqs, queueUrl, queueArn, batchSize, visibilitySeconds, timeoutMs } = this.options;
    while (!this.stopping) {
      let messages: Message[];
      try {
        const out = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: batchSize,
            WaitTimeSeconds: 1,
            VisibilityTimeout: visibilitySeconds,
            MessageSystemAttributeNames: ['All'],
          }),
        );
        messages = out.Messages ?? [];
      } catch {
        this.stats.receiveErrors++;
        await sleep(100);
        continue;
      }
      if (messages.length === 0) continue;
      this.busy++;
      try {
        await this.invoke(slot, messages, queueArn, timeoutMs);
      } finally {
        this.busy--;
      }
    }
  }

  private async invoke(slot: Slot, messages: Message[], queueArn: string, timeoutMs: number): Promise<void> {
    const { stats } = this;
    stats.invocations++;
    stats.records += messages.length;
    for (const m of messages) {
      const count = Number(m.Attributes?.ApproximateReceiveCount ?? 1);
      if (count > 1) stats.redeliveries++;
      stats.byReceiveCount[count] = (stats.byReceiveCount[count] ?? 0) + 1;
    }
    if (!slot.instance) {
      stats.coldStarts++;
      try {
        slot.instance = await Instance.start(this.options.env, this.options.handlerUrl);
      } catch {
        // A failed init is a failed invocation: the batch comes back after the visibility timeout.
        stats.invocationErrors++;
        return;
      }
    }
    const instance = slot.instance;
    slot.keys = messages.map(originalKeyOf).filter((k): k is string => k !== undefined);
    const started = performance.now();
    const outcome = await instance.invoke(sqsEvent(messages, queueArn), timeoutMs);
    slot.keys = [];
    if (outcome.kind === 'done' || outcome.kind === 'error')
      stats.durations.push(performance.now() - started);
    if (outcome.kind === 'timeout') stats.timeouts++;
    if (outcome.kind === 'error') stats.invocationErrors++;
    // Killed, timed out or crashed: Lambda starts a fresh instance for the next batch.
    if (outcome.kind === 'killed' || outcome.kind === 'timeout' || instance.dead) {
      await instance.kill();
      slot.instance = undefined;
    }
    if (outcome.kind !== 'done') return;
    const failed = new Set(outcome.result.batchItemFailures.map((f) => f.itemIdentifier));
    stats.recordsFailed += failed.size;
    const done = messages.filter((m) => !failed.has(m.MessageId ?? ''));
    if (done.length === 0) return;
    try {
      const out = await this.options.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.options.queueUrl,
          Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
        }),
      );
      stats.deleteErrors += out.Failed?.length ?? 0;
    } catch {
      // The records come back after the visibility timeout; the worker must find them done.
      stats.deleteErrors += done.length;
    }
  }
}
