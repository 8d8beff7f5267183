import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import { Container } from 'inversify';
import type { WasmVipsImageProcessorOptions } from '../../adapters/image/wasm-vips-image-processor.js';
import type { InMemoryBlobStore } from '../../adapters/memory/in-memory-blob-store.js';
import type { InMemoryMultipartUploads } from '../../adapters/memory/in-memory-multipart-uploads.js';
import type { InMemoryQueue } from '../../adapters/memory/in-memory-queue.js';
import type { InMemoryThumbnailQueue } from '../../adapters/memory/in-memory-thumbnail-queue.js';
import type { FfmpegVideoTranscoderConfig } from '../../adapters/video/ffmpeg-video-transcoder.js';
import type { ImageAnalyzer } from '../../application/ports/image-analyzer.js';
import type { VideoTranscodeCompletion } from '../../application/ports/video-transcoder.js';
import { analysisJobEntry } from '../composition/analysis-job-log.js';
import { identityFor, pageConfigFor } from '../composition/config-env.js';
import { coreModule } from '../composition/core-module.js';
import type { DevConfig } from '../composition/dev-config.js';
import { filesDeps, httpUseCases } from '../composition/http-deps.js';
import { wasmVipsImages } from '../composition/image-module.js';
import { memoryAdapters } from '../composition/memory-module.js';
import { thumbnailJobEntry } from '../composition/thumbnail-job-log.js';
import { TOKENS as T } from '../composition/tokens.js';
import { transcodeEntry, videoJobEntry } from '../composition/video-job-log.js';
import { ffmpegVideos } from '../composition/video-module.js';
import { createApp } from '../http/create-app.js';
import { problemResponse } from '../http/problem.js';
import { jsonLog, type Log } from '../http/request-log.js';
import { unmatched } from '../http/unmatched.js';

export interface DevServerOptions extends Omit<DevConfig, 'analysisMode' | 'imageWarmUp'> {
  readonly urlSecret: string;
  /** Settings of the in-process worker's wasm-vips processor. */
  readonly images?: WasmVipsImageProcessorOptions;
  /** Where structured logs go (default: one JSON line on stdout). */
  readonly log?: Log;
  /** How often stale uploads are swept (default every 10 minutes). */
  readonly sweepIntervalMs?: number;
  /**
   * Labels and moderates every upload through its own queue when given (`npm run dev`
   * passes the local models); absent, uploads are not analysed.
   */
  readonly analyzer?: ImageAnalyzer & { close?(): Promise<void> };
  /**
   * The ffmpeg that transcodes videos (`locateFfmpeg`, done by main.ts); absent, every
   * video fails with a reason that says there is no ffmpeg.
   */
  readonly ffmpegPath?: string;
  /** Settings of the ffmpeg transcoder beyond its binary (encoding, timeout, concurrency). */
  readonly transcoder?: Omit<FfmpegVideoTranscoderConfig, 'ffmpegPath'>;
}

export interface DevServer {
  readonly url: string;
  readonly blobs: InMemoryBlobStore;
  /** The multipart uploads still open, with their parts: what a test checks is left behind. */
  readonly multipart: InMemoryMultipartUploads;
  readonly queue: InMemoryThumbnailQueue;
  /** The analysis consumer's queue, when an analyzer was given. */
  readonly analysisQueue?: InMemoryThumbnailQueue;
  /** The video consumer's queues: its upload jobs, and the transcodes' completions. */
  readonly videoQueue: InMemoryThumbnailQueue;
  readonly transcodeCompletions: InMemoryQueue<VideoTranscodeCompletion>;
  /** Resolves once every queue and the transcoder are idle: an upload is then as far as it goes. */
  settled(): Promise<void>;
  /**
   * Starts the image worker and renders a synthetic photo on it with the server's
   * renditions (WasmVipsImageProcessor.warm), so that the first upload's thumbnails
   * take about as long as any later one's; an upload meanwhile waits for it.
   * `npm run dev` calls it once listening.
   */
  warmImages(): Promise<void>;
  /** Stops taking requests, lets running jobs finish, closes the processor. */
  close(): Promise<void>;
}

const WEB_ROOT = fileURLToPath(new URL('../../../web/', import.meta.url));

/**
 * The synthetic photo of `warmImages`: big enough for V8 to optimise the code a
 * render spends its time in, which a thumbnail-sized warm-up leaves to the first
 * real photo (measured in bench/cold.ts).
 */
const WARM_UP_PHOTO = { width: 2048, height: 1536 } as const;

/**
 * Browser modules the page imports from `vendor/` (see the import map in
 * web/index.html), served straight from node_modules so there is no build step;
 * a deploy copies the same files next to the page.
 */
const VENDOR_MODULES: Record<string, string> = {
  'thumbhash.js': 'thumbhash/thumbhash.js',
  'oauth4webapi.js': 'oauth4webapi',
};

/**
 * The dev server: the HTTP API on in-memory adapters, in-process workers
 * draining the thumbnail queue with wasm-vips, the video queue (ProcessVideo,
 * then ffmpeg, whose completions come back on the same consumer's completion
 * queue for RecordTranscode) and, given an analyzer, the analysis queue; the
 * `/files` routes and the gallery page. What frontend developers run with
 * `npm run dev`.
 */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const log = options.log ?? jsonLog;
  const container = new Container();
  container.load(
    coreModule(options),
    memoryAdapters({
      urlSecret: options.urlSecret,
      filesBaseUrl: '/files',
      queue: { retryDelayMs: 500, onError: retryLog('thumbnail') },
      ...(options.analyzer ? { analysisQueue: { retryDelayMs: 1000, onError: retryLog('analysis') } } : {}),
      video: {
        jobs: { retryDelayMs: 1000, onError: retryLog('video') },
        completions: { retryDelayMs: 1000, onError: retryLog('transcode completion') },
      },
    }),
    wasmVipsImages(options.images),
    ffmpegVideos({
      transcoder: {
        ...options.transcoder,
        ffmpegPath: options.ffmpegPath,
        onDeliveryError: (error, completion) =>
          log({
            level: 'error',
            msg: 'transcode completion lost',
            ownerId: completion.ownerId,
            photoId: completion.photoId,
            error: String(error),
          }),
      },
    }),
  );
  if (options.analyzer) container.bind(T.ImageAnalyzer).toConstantValue(options.analyzer);

  function retryLog(consumer: string) {
    return (error: unknown, job: object, attempt: number) =>
      log({
        level: 'warn',
        msg: `${consumer} job failed; will retry`,
        attempt,
        ...job,
        error: String(error),
      });
  }

  /**
   * Drains a queue with a use case, one log line per message: what it did and how long
   * it took. A handler that throws leaves the message to the queue's retry.
   */
  function drain<Message, Outcome>(
    messages: InMemoryQueue<Message>,
    msg: string,
    run: (message: Message) => Promise<Outcome>,
    entry: (message: Message, outcome: Outcome, durationMs: number) => Record<string, unknown>,
  ): () => void {
    return messages.consume(async (message) => {
      const started = performance.now();
      const outcome = await run(message);
      log({ level: 'info', msg, ...entry(message, outcome, performance.now() - started) });
    });
  }

  const queue = container.get(T.InMemoryThumbnailQueue);
  const blobs = container.get(T.InMemoryBlobStore);
  const generate = container.get(T.GenerateThumbnail);
  const stopDrain = drain(queue, 'thumbnail job', (job) => generate.execute(job), thumbnailJobEntry);

  // Analysis drains its own queue, so slow models never hold up a thumbnail.
  const analysisQueue = options.analyzer ? container.get(T.InMemoryAnalysisQueue) : undefined;
  const analyze = options.analyzer ? container.get(T.AnalyzeMedia) : undefined;
  const stopAnalysis =
    analysisQueue && analyze
      ? drain(analysisQueue, 'analysis job', (job) => analyze.execute(job), analysisJobEntry)
      : undefined;

  // Videos: ProcessVideo probes and submits to ffmpeg; its completions come back on their
  // own queue, where RecordTranscode makes the poster's renditions and marks the video ready.
  const videoQueue = container.get(T.InMemoryVideoQueue);
  const transcodeCompletions = container.get(T.InMemoryTranscodeCompletions);
  const transcoder = container.get(T.FfmpegVideoTranscoder);
  const processVideo = container.get(T.ProcessVideo);
  const recordTranscode = container.get(T.RecordTranscode);
  const stopVideo = drain(videoQueue, 'video job', (job) => processVideo.execute(job), videoJobEntry);
  const stopCompletions = drain(
    transcodeCompletions,
    'transcode completion',
    (completion) => recordTranscode.execute(completion),
    transcodeEntry,
  );
  const queues = [queue, videoQueue, transcodeCompletions, ...(analysisQueue ? [analysisQueue] : [])];
  const settled = async (): Promise<void> => {
    // The transcoder first: a job it runs ends in a completion on a queue. Once it is idle
    // and every queue is too, no handler is left to make more work.
    for (;;) {
      await transcoder.onIdle();
      if (queues.every((q) => q.idle)) return;
      await Promise.all(queues.map((q) => q.onIdle()));
    }
  };

  // The memory store has no expiry of its own: photos whose upload never completed
  // are deleted with their parts once the grace period is over.
  const sweep = container.get(T.SweepStaleUploads);
  const sweepOnce = async () => {
    try {
      const { deleted } = await sweep.execute();
      if (deleted > 0) log({ level: 'info', msg: 'stale uploads swept', deleted });
    } catch (error) {
      log({ level: 'error', msg: 'sweep of stale uploads failed', error: String(error) });
    }
  };
  const sweeping = setInterval(() => void sweepOnce(), options.sweepIntervalMs ?? 10 * 60_000);
  sweeping.unref();

  const api = createApp({
    useCases: httpUseCases(container),
    identity: identityFor(options.auth),
    limits: options.limits,
    renditions: options.renditions,
    allowedOrigins: options.allowedOrigins,
    files: filesDeps(container),
    log,
  });

  const require = createRequire(import.meta.url);
  const vendor = new Map(
    await Promise.all(
      Object.entries(VENDOR_MODULES).map(
        async ([name, id]) => [name, await readFile(require.resolve(id), 'utf8')] as const,
      ),
    ),
  );

  const app = new Hono();
  // What the gallery page asks for beside itself.
  app.get('/config.json', (c) =>
    c.json(
      pageConfigFor(options.auth, c.req.url, {
        analysis: options.analyzer !== undefined,
        video: true,
        limits: container.get(T.Limits),
      }),
      200,
      {
        'Cache-Control': 'no-cache',
      },
    ),
  );
  app.get('/vendor/:name', (c) => {
    const source = vendor.get(c.req.param('name'));
    if (source === undefined) return c.notFound();
    return c.body(source, 200, {
      'Content-Type': 'text/javascript; charset=utf-8',
      'Cache-Control': 'no-cache',
    });
  });
  // The API first, so that API requests never touch the disk; the page for the rest.
  app.route('/', api);
  app.use('/*', serveStatic({ root: WEB_ROOT }));
  app.notFound((c) => problemResponse(unmatched(app.routes, c), c.get('requestId')));

  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: options.port, hostname: options.host }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;

  return {
    url: `http://${host}:${port}`,
    blobs,
    multipart: container.get(T.InMemoryMultipartUploads),
    queue,
    ...(analysisQueue ? { analysisQueue } : {}),
    videoQueue,
    transcodeCompletions,
    settled,
    warmImages: () => container.get(T.WasmVipsImageProcessor).warm(options.renditions, WARM_UP_PHOTO),
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      stopDrain();
      stopAnalysis?.();
      stopVideo();
      stopCompletions();
      clearInterval(sweeping);
      const idle = Promise.all([...queues.map((q) => q.onIdle()), transcoder.onIdle()]);
      await Promise.race([idle, new Promise((r) => setTimeout(r, 10_000))]);
      await container.get(T.WasmVipsImageProcessor).close();
      await options.analyzer?.close?.();
    },
  };
}
