import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  DeleteMessageBatchCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { FaultCounts, FaultProxy, FaultService } from '../../test/support/fault-proxy.js';
import { type Census, type CensusSources, queueDepth, takeCensus } from './census.js';
import type { EventSource, EventSourceStats } from './event-source.js';
import { type ClientStats, type HttpHandler, uploadAll } from './upload-clients.js';

/** One phase's figures: the state it left and what happened on the way. */
export interface PhaseResult {
  readonly label: string;
  readonly rate: number;
  readonly census: Census;
  readonly seconds: number;
  readonly faults: Readonly<Record<FaultService, FaultCounts>>;
  readonly source: EventSourceStats;
  readonly clients?: ClientStats;
  /** Messages moved from the DLQ back to the queue before this phase. */
  readonly redriven?: number;
  readonly drained: boolean;
  /** Share of the time this thread (proxies, http handler, clients, poller) was busy. */
  readonly mainThreadBusy: number;
}

/** What a round needs from the run around it. */
export interface RoundContext {
  /** The http Lambda's instances, one per client. */
  readonly http: readonly HttpHandler[];
  readonly proxies: Readonly<Record<FaultService, FaultProxy>>;
  readonly source: EventSource;
  readonly census: CensusSources;
  readonly images: readonly Uint8Array[];
  readonly random: () => number;
  /** S3 notifications still being sent to the queue. */
  readonly notifying: () => number;
  /** Asks for instances to be killed at these reads of an original (1-based) of `ownerPrefix`. */
  readonly planKills: (ownerPrefix: string, atReads: readonly number[]) => void;
}

/** Options of one round. */
export interface RoundOptions {
  readonly name: string;
  readonly ownerPrefix: string;
  readonly owners: number;
  readonly uploads: number;
  readonly clients: number;
  readonly rate: number;
  readonly kills: number;
  /** Fault rate of the redrive phase; none when undefined. */
  readonly redriveRate?: number;
  readonly deadlineMs: number;
}

const snapshot = (proxies: RoundContext['proxies']): Record<FaultService, FaultCounts> => ({
  s3: { ...proxies.s3.counts },
  sqs: { ...proxies.sqs.counts },
  dynamodb: { ...proxies.dynamodb.counts },
});

const since = (before: Record<FaultService, FaultCounts>, proxies: RoundContext['proxies']) => {
  const now = snapshot(proxies);
  const delta = (s: FaultService): FaultCounts => ({
    calls: now[s].calls - before[s].calls,
    failedBefore: now[s].failedBefore - before[s].failedBefore,
    failedAfter: now[s].failedAfter - before[s].failedAfter,
  });
  return { s3: delta('s3'), sqs: delta('sqs'), dynamodb: delta('dynamodb') };
};

/**
 * Waits until nothing is left to do: the uploads finished, no S3 notification
 * on its way, the queue empty (visible, in flight and delayed) and no
 * invocation running, twice in a row. False if the deadline came first.
 */
async function drained(ctx: RoundContext, uploading: () => boolean, deadline: number): Promise<boolean> {
  let quiet = 0;
  while (Date.now() < deadline) {
    const idle =
      !uploading() &&
      ctx.notifying() === 0 &&
      ctx.source.inFlight === 0 &&
      (await queueDepth(ctx.census.sqs, ctx.census.queueUrl)) === 0;
    quiet = idle ? quiet + 1 : 0;
    if (quiet >= 2) return true;
    await sleep(500);
  }
  return false;
}

/**
 * The redrive SQS's StartMessageMoveTask does, by hand, since fauxqs 2.4 has no
 * such action: receive from the DLQ, send the same bodies to the source queue,
 * delete them from the DLQ. Like the move task, it runs beside the app, not
 * through the fault proxies. The moved messages start with a receive count of 0.
 */
async function redrive(sqs: SQSClient, from: string, to: string): Promise<number> {
  let moved = 0;
  while ((await queueDepth(sqs, from)) > 0) {
    const out = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: from, MaxNumberOfMessages: 10, VisibilityTimeout: 30 }),
    );
    const messages = out.Messages ?? [];
    if (messages.length === 0) continue;
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: to,
        Entries: messages.map((m, i) => ({ Id: String(i), MessageBody: m.Body ?? '' })),
      }),
    );
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: from,
        Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
      }),
    );
    moved += messages.length;
  }
  return moved;
}

const setRate = (ctx: RoundContext, rate: number) => {
  for (const proxy of Object.values(ctx.proxies)) proxy.rate = rate;
};

/**
 * One round: `uploads` photos by `clients` clients at fault `rate`, with the
 * worker's event source running throughout and `kills` instances killed
 * mid-render; then, with `redriveRate`, one redrive of the DLQ and the worker
 * again. Returns the figures of the round and, with a redrive, of the redrive.
 *
 * @example
 * const phases = await runRound(ctx, { name: 'round 1', ownerPrefix: 'chaos-r1-', uploads: 1000, rate: 0.2, ... });
 */
export async function runRound(ctx: RoundContext, options: RoundOptions): Promise<PhaseResult[]> {
  const { source, census } = ctx;
  const owners = Array.from(
    { length: options.owners },
    (_, i) => `${options.ownerPrefix}${String(i).padStart(2, '0')}`,
  );
  const results: PhaseResult[] = [];
  // Each round is judged on its own: what an earlier round left in the queues goes.
  for (const queueUrl of [census.queueUrl, census.deadLetterQueueUrl]) {
    await census.sqs.send(new PurgeQueueCommand({ QueueUrl: queueUrl }));
  }
  setRate(ctx, options.rate);
  const spacing = Math.floor(options.uploads / (options.kills + 1));
  ctx.planKills(
    options.ownerPrefix,
    Array.from({ length: options.kills }, (_, i) => (i + 1) * spacing),
  );
  let faults = snapshot(ctx.proxies);
  let busy = performance.eventLoopUtilization();
  source.resetStats();
  let started = Date.now();
  const deadline = started + options.deadlineMs;
  source.start();
  let uploading = true;
  const uploaded = uploadAll({
    http: ctx.http,
    owners,
    count: options.uploads,
    concurrency: options.clients,
    images: ctx.images,
    random: ctx.random,
    deadline,
  }).finally(() => {
    uploading = false;
  });
  const drainedMain = await drained(ctx, () => uploading, deadline);
  const { outcomes, stats: clients } = await uploaded;
  results.push({
    label: `${options.name}: ${Math.round(options.rate * 100)}% faults`,
    rate: options.rate,
    census: await takeCensus(census, options.ownerPrefix, outcomes),
    seconds: (Date.now() - started) / 1000,
    faults: since(faults, ctx.proxies),
    source: { ...source.stats },
    clients,
    drained: drainedMain,
    mainThreadBusy: performance.eventLoopUtilization(busy).utilization,
  });

  if (options.redriveRate !== undefined) {
    started = Date.now();
    faults = snapshot(ctx.proxies);
    busy = performance.eventLoopUtilization();
    source.resetStats();
    setRate(ctx, options.redriveRate);
    const redriven = await redrive(census.sqs, census.deadLetterQueueUrl, census.queueUrl);
    const drainedRedrive = await drained(ctx, () => false, started + options.deadlineMs);
    results.push({
      label: `${options.name}: after one redrive (${Math.round(options.redriveRate * 100)}% faults)`,
      rate: options.redriveRate,
      census: await takeCensus(census, options.ownerPrefix, outcomes),
      seconds: (Date.now() - started) / 1000,
      faults: since(faults, ctx.proxies),
      source: { ...source.stats },
      redriven,
      drained: drainedRedrive,
      mainThreadBusy: performance.eventLoopUtilization(busy).utilization,
    });
  }
  await source.stop();
  return results;
}
