/**
 * The Cloudflare Worker: `fetch` serves the HTTP API (the same `createApp` as
 * Node and Lambda), the signed `/files` routes from R2 and the gallery's
 * `config.json` (the page itself is static assets, served before the Worker
 * runs); `queue` renders the thumbnail jobs of the Queues consumer and, where
 * the `AI` binding and the `ANALYSIS_QUEUE` var are set, analyses the jobs of the
 * analysis queue with Workers AI;
 * `scheduled` sweeps stale uploads on the cron trigger.
 *
 * The container is built once per isolate, on the first event, because
 * bindings arrive with the event rather than at module scope.
 */
import type { ExecutionContext, MessageBatch, ScheduledController } from '@cloudflare/workers-types/index.js';
import { Hono } from 'hono';
import { Container } from 'inversify';
import { ThumbnailJobMessage } from '../../adapters/wire/thumbnail-job-message.js';
import type { AnalyzeMedia } from '../../application/use-cases/analyze-media.js';
import type { GenerateThumbnail } from '../../application/use-cases/generate-thumbnail.js';
import type { SweepStaleUploads } from '../../application/use-cases/sweep-stale-uploads.js';
import { analysisJobEntry } from '../composition/analysis-job-log.js';
import { type CloudflareConfig, parseCloudflareConfig } from '../composition/cloudflare-config.js';
import { cloudflareAdapters } from '../composition/cloudflare-module.js';
import { identityFor, pageConfigFor } from '../composition/config-env.js';
import { coreModule } from '../composition/core-module.js';
import { filesDeps, httpUseCases } from '../composition/http-deps.js';
import { thumbnailJobEntry } from '../composition/thumbnail-job-log.js';
import { TOKENS as T } from '../composition/tokens.js';
import { createApp } from '../http/create-app.js';
import { problemResponse } from '../http/problem.js';
import { jsonLog as log } from '../http/request-log.js';
import { unmatched } from '../http/unmatched.js';
import type { WorkerEnv } from './worker-env.js';

interface Runtime {
  readonly config: CloudflareConfig;
  readonly app: Hono;
  readonly generateThumbnail: GenerateThumbnail;
  readonly sweepStaleUploads: SweepStaleUploads;
  /** Where the `AI` binding is: the analysis consumer. */
  readonly analyzeMedia: AnalyzeMedia | undefined;
}

const runtimes = new WeakMap<WorkerEnv, Runtime>();

function runtime(env: WorkerEnv): Runtime {
  const existing = runtimes.get(env);
  if (existing) return existing;
  const config = parseCloudflareConfig(env);
  const container = new Container();
  container.load(coreModule(config), cloudflareAdapters(env, config));
  const api = createApp({
    useCases: httpUseCases(container),
    identity: identityFor(config.auth),
    limits: config.limits,
    renditions: config.renditions,
    allowedOrigins: config.allowedOrigins,
    files: filesDeps(container),
    log,
  });
  const app = new Hono();
  // What the gallery page asks for beside itself; the page is static assets.
  app.get('/config.json', (c) =>
    c.json(
      pageConfigFor(config.auth, c.req.url, {
        analysis: env.AI !== undefined && env.ANALYSIS_JOBS !== undefined,
        video: config.videoRefusal === undefined,
        limits: config.limits,
      }),
      200,
      { 'Cache-Control': 'no-cache' },
    ),
  );
  app.route('/', api);
  app.notFound((c) => problemResponse(unmatched(app.routes, c), c.get('requestId')));
  const made: Runtime = {
    config,
    app,
    generateThumbnail: container.get(T.GenerateThumbnail),
    sweepStaleUploads: container.get(T.SweepStaleUploads),
    analyzeMedia: env.AI ? container.get(T.AnalyzeMedia) : undefined,
  };
  runtimes.set(env, made);
  return made;
}

/**
 * One batch of thumbnail jobs, one message at a time (an original may take
 * tens of MB of the isolate's 128 MB). Each message is settled on its own:
 * acknowledged once handled, or retried when the job threw (a transient
 * failure), so one bad message never holds back the rest; after `max_retries`
 * Queues moves it to the dead-letter queue. A body that is no job is
 * acknowledged and logged, as on AWS: no retry can make it parse.
 */
async function handleBatch(batch: MessageBatch<unknown>, env: WorkerEnv): Promise<void> {
  const { generateThumbnail } = runtime(env);
  for (const message of batch.messages) {
    const job = ThumbnailJobMessage.parse(message.body);
    if (!job.ok) {
      log({
        level: 'error',
        msg: 'malformed message dropped',
        messageId: message.id,
        error: job.error.message,
      });
      message.ack();
      continue;
    }
    const started = Date.now();
    try {
      const outcome = await generateThumbnail.execute(job.value);
      log({
        level: 'info',
        msg: 'thumbnail job',
        messageId: message.id,
        ...thumbnailJobEntry(job.value, outcome, Date.now() - started),
      });
      message.ack();
    } catch (error) {
      log({
        level: 'error',
        msg: 'thumbnail job failed; Queues will redeliver it',
        messageId: message.id,
        attempts: message.attempts,
        ...job.value,
        error: error instanceof Error ? { name: error.name, message: error.message } : String(error),
      });
      message.retry();
    }
  }
}

/**
 * One batch of the analysis queue, settled per message as thumbnail jobs are:
 * acknowledged once analysed (a refused image is recorded on the photo), retried
 * when the job threw, dead-lettered after `max_retries`.
 */
async function handleAnalysisBatch(batch: MessageBatch<unknown>, env: WorkerEnv): Promise<void> {
  const { analyzeMedia } = runtime(env);
  for (const message of batch.messages) {
    const job = ThumbnailJobMessage.parse(message.body);
    if (!job.ok || !analyzeMedia) {
      const error = job.ok ? 'no AI binding to analyse with' : job.error.message;
      log({ level: 'error', msg: 'analysis message dropped', messageId: message.id, error });
      message.ack();
      continue;
    }
    const started = Date.now();
    try {
      const outcome = await analyzeMedia.execute(job.value);
      log({
        level: 'info',
        msg: 'analysis job',
        messageId: message.id,
        ...analysisJobEntry(job.value, outcome, Date.now() - started),
      });
      message.ack();
    } catch (error) {
      log({
        level: 'error',
        msg: 'analysis job failed; Queues will redeliver it',
        messageId: message.id,
        attempts: message.attempts,
        ...job.value,
        error: error instanceof Error ? { name: error.name, message: error.message } : String(error),
      });
      message.retry();
    }
  }
}

/**
 * The cron trigger (wrangler.jsonc `triggers.crons`): deletes photos whose
 * upload expired and never completed, once their grace period is over, with
 * their parts. D1 has no TTL as DynamoDB has, so this is the sweep.
 */
async function sweep(env: WorkerEnv): Promise<void> {
  const { deleted } = await runtime(env).sweepStaleUploads.execute();
  log({ level: 'info', msg: 'stale uploads swept', deleted });
}

export default {
  fetch(request: Request, env: WorkerEnv, ctx: unknown): Response | Promise<Response> {
    return runtime(env).app.fetch(request, env, ctx as never);
  },
  queue(batch: MessageBatch<unknown>, env: WorkerEnv): Promise<void> {
    if (env.ANALYSIS_QUEUE !== undefined && batch.queue === env.ANALYSIS_QUEUE) {
      return handleAnalysisBatch(batch, env);
    }
    return handleBatch(batch, env);
  },
  scheduled(_controller: ScheduledController, env: WorkerEnv, ctx: ExecutionContext): void {
    ctx.waitUntil(sweep(env));
  },
};
