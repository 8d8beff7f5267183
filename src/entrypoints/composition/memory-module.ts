import { ContainerModule } from 'inversify';
import { InMemoryBlobStore } from '../../adapters/memory/in-memory-blob-store.js';
import { InMemoryMultipartUploads } from '../../adapters/memory/in-memory-multipart-uploads.js';
import { InMemoryPhotoRepository } from '../../adapters/memory/in-memory-photo-repository.js';
import {
  InMemoryThumbnailQueue,
  type InMemoryThumbnailQueueOptions,
} from '../../adapters/memory/in-memory-thumbnail-queue.js';
import { InMemoryUploadBus } from '../../adapters/memory/in-memory-upload-bus.js';
import { InMemoryUsageLedger } from '../../adapters/memory/in-memory-usage-ledger.js';
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
}

/**
 * In-memory storage, table, consumer queues behind a bus (thumbnails, and analysis when asked), multipart uploads, and HMAC-signed
 * `/files` URLs (parts included): the dev server and tests.
 */
export function memoryAdapters(config: MemoryConfig): ContainerModule {
  return new ContainerModule(({ bind }) => {
    const blobs = new InMemoryBlobStore();
    // One queue per consumer behind an in-process bus, as SNS fans out to SQS on AWS:
    // thumbnails always, analysis where an analyser drains it.
    const thumbnails = new InMemoryThumbnailQueue(config.queue);
    const analysis = config.analysisQueue && new InMemoryThumbnailQueue(config.analysisQueue);
    const bus = analysis
      ? new InMemoryUploadBus({ thumbnails, analysis })
      : new InMemoryUploadBus({ thumbnails });
    bind(T.InMemoryBlobStore).toConstantValue(blobs);
    bind(T.BlobStore).toConstantValue(blobs);
    bind(T.PhotoRepository).toConstantValue(new InMemoryPhotoRepository());
    bind(T.UsageLedger).toConstantValue(new InMemoryUsageLedger());
    bind(T.InMemoryThumbnailQueue).toConstantValue(thumbnails);
    if (analysis) bind(T.InMemoryAnalysisQueue).toConstantValue(analysis);
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
