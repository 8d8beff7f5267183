import { ContainerModule } from 'inversify';
import { InMemoryBlobStore } from '../../adapters/memory/in-memory-blob-store.js';
import { InMemoryMultipartUploads } from '../../adapters/memory/in-memory-multipart-uploads.js';
import { InMemoryPhotoRepository } from '../../adapters/memory/in-memory-photo-repository.js';
import { InMemoryQueue, type InMemoryQueueOptions } from '../../adapters/memory/in-memory-queue.js';
import {
  InMemoryThumbnailQueue,
  type InMemoryThumbnailQueueOptions,
} from '../../adapters/memory/in-memory-thumbnail-queue.js';
import { InMemoryUploadBus } from '../../adapters/memory/in-memory-upload-bus.js';
import { InMemoryUsageLedger } from '../../adapters/memory/in-memory-usage-ledger.js';
import type { VideoTranscodeCompletion } from '../../application/ports/video-transcoder.js';
import { bindHmacUrlSigner } from './hmac-signer-binding.js';
import { TOKENS as T } from './tokens.js';

export interface MemoryConfig {
  /** Secret of the HMAC URL signer (32 bytes or more). */
  readonly urlSecret: string;
  /** Where the `/files` routes are served, e.g. `/files`. */
  readonly filesBaseUrl: string;
  readonly queue?: InMemoryThumbnailQueueOptions;
  /** Lifetime of signed GET URLs in seconds (the signer's default when absent). */
  readonly getTtlSeconds?: number;
  /** Lifetime of signed upload targets in seconds (the signer's default when absent). */
  readonly uploadTtlSeconds?: number;
  /**
   * Options of the analysis consumer's queue. Absent: the bus has no analysis queue,
   * for a runtime with no ImageAnalyzer (a queue that nothing drains would only grow).
   */
  readonly analysisQueue?: InMemoryThumbnailQueueOptions;
  /**
   * Options of the video consumer's queues: its upload jobs (ProcessVideo) and the
   * transcodes' completions (RecordTranscode), where the transcoder's sink delivers.
   * Absent: no video consumer on the bus, for a runtime with no VideoTranscoder.
   */
  readonly video?: {
    readonly jobs?: InMemoryThumbnailQueueOptions;
    readonly completions?: InMemoryQueueOptions<VideoTranscodeCompletion>;
  };
}

/**
 * In-memory storage, table, consumer queues behind a bus (thumbnails; analysis
 * and video when asked, the video consumer with a second queue for its
 * transcodes' completions), multipart uploads, and HMAC-signed `/files` URLs
 * (parts included): the dev server and tests.
 */
export function memoryAdapters(config: MemoryConfig): ContainerModule {
  return new ContainerModule(({ bind }) => {
    const blobs = new InMemoryBlobStore();
    // One queue per consumer behind an in-process bus, as SNS fans out to SQS on AWS:
    // thumbnails always, analysis where an analyser drains it, video where a transcoder does.
    const thumbnails = new InMemoryThumbnailQueue(config.queue);
    const analysis = config.analysisQueue && new InMemoryThumbnailQueue(config.analysisQueue);
    const video = config.video && new InMemoryThumbnailQueue(config.video.jobs);
    const consumers: Record<string, InMemoryThumbnailQueue> = { thumbnails };
    if (analysis) consumers.analysis = analysis;
    if (video) consumers.video = video;
    const bus = new InMemoryUploadBus(consumers);
    bind(T.InMemoryBlobStore).toConstantValue(blobs);
    bind(T.BlobStore).toConstantValue(blobs);
    bind(T.PhotoRepository).toConstantValue(new InMemoryPhotoRepository());
    bind(T.UsageLedger).toConstantValue(new InMemoryUsageLedger());
    bind(T.InMemoryThumbnailQueue).toConstantValue(thumbnails);
    if (analysis) {
      bind(T.InMemoryAnalysisQueue).toConstantValue(analysis);
      bind(T.AnalysisQueue).toConstantValue(analysis);
    }
    if (video) {
      const completions = new InMemoryQueue<VideoTranscodeCompletion>(config.video?.completions);
      bind(T.InMemoryVideoQueue).toConstantValue(video);
      bind(T.InMemoryTranscodeCompletions).toConstantValue(completions);
      bind(T.VideoTranscodeSink).toConstantValue({
        deliver: (completion) => completions.enqueue(completion),
      });
    }
    bind(T.ThumbnailQueue).toConstantValue(bus);
    bindHmacUrlSigner(bind, {
      secret: config.urlSecret,
      baseUrl: config.filesBaseUrl,
      getTtlSeconds: config.getTtlSeconds,
      uploadTtlSeconds: config.uploadTtlSeconds,
    });
    bind(T.InMemoryMultipartUploads)
      .toResolvedValue((signer) => new InMemoryMultipartUploads(blobs, signer), [T.HmacUrlSigner])
      .inSingletonScope();
    bind(T.MultipartUploads).toService(T.InMemoryMultipartUploads);
    bind(T.PartStore).toService(T.InMemoryMultipartUploads);
  });
}
