import { ContainerModule } from 'inversify';
import { CloudflareImagesProcessor } from '../../adapters/cloudflare/cloudflare-images-processor.js';
import { D1PhotoRepository } from '../../adapters/cloudflare/d1-photo-repository.js';
import { D1UsageLedger } from '../../adapters/cloudflare/d1-usage-ledger.js';
import { QueuesThumbnailQueue } from '../../adapters/cloudflare/queues-thumbnail-queue.js';
import { R2BlobStore } from '../../adapters/cloudflare/r2-blob-store.js';
import { R2MultipartUploads } from '../../adapters/cloudflare/r2-multipart-uploads.js';
import { WorkersAiImageAnalyzer } from '../../adapters/cloudflare/workers-ai-image-analyzer.js';
import type { HmacUrlSigner } from '../../adapters/crypto/hmac-url-signer.js';
import type { WorkerEnv } from '../cloudflare/worker-env.js';
import type { CloudflareConfig } from './cloudflare-config.js';
import { bindHmacUrlSigner } from './hmac-signer-binding.js';
import { TOKENS as T } from './tokens.js';

/**
 * R2 (multipart uploads too, their parts recorded in D1: the binding cannot
 * list them), D1, Queues and the Images binding behind the ports, and HMAC-signed
 * `/files` URLs that the Worker serves from R2 (R2 has presigned URLs too, but
 * only through its S3 API with an access key, which a binding does not need).
 *
 * @example
 * container.load(coreModule(config), cloudflareAdapters(env, config));
 */
export function cloudflareAdapters(env: WorkerEnv, config: CloudflareConfig): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(T.BlobStore).toConstantValue(new R2BlobStore(env.PHOTOS));
    bind(T.PhotoRepository).toConstantValue(new D1PhotoRepository(env.DB));
    bind(T.UsageLedger).toConstantValue(new D1UsageLedger(env.DB));
    // One message per consumer queue: the fan-out (docs/cloudflare.md).
    const consumers = [env.THUMBNAIL_JOBS, ...(env.ANALYSIS_JOBS ? [env.ANALYSIS_JOBS] : [])];
    bind(T.ThumbnailQueue).toConstantValue(new QueuesThumbnailQueue(...consumers));
    bind(T.ImageProcessor).toConstantValue(new CloudflareImagesProcessor(env.IMAGES));
    if (env.AI) bind(T.ImageAnalyzer).toConstantValue(new WorkersAiImageAnalyzer(env.AI));
    bindHmacUrlSigner(bind, {
      secret: config.urlSecret,
      baseUrl: config.filesBaseUrl,
      getTtlSeconds: config.downloadExpiresInSeconds,
      uploadTtlSeconds: config.uploadExpiresInSeconds,
    });
    // One adapter, two roles: the use cases' MultipartUploads and the /files part route's PartStore.
    let uploads: R2MultipartUploads | undefined;
    const r2Uploads = (signer: HmacUrlSigner) => {
      uploads ??= new R2MultipartUploads(env.PHOTOS, env.DB, signer);
      return uploads;
    };
    bind(T.MultipartUploads).toResolvedValue(r2Uploads, [T.HmacUrlSigner]).inSingletonScope();
    bind(T.PartStore).toResolvedValue(r2Uploads, [T.HmacUrlSigner]).inSingletonScope();
  });
}
