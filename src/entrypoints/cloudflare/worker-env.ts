import type { D1Database, ImagesBinding, Queue, R2Bucket } from '@cloudflare/workers-types/index.js';
import type { ThumbnailJobMessage } from '../../adapters/wire/thumbnail-job-message.js';

/**
 * The Worker's bindings (deploy/cloudflare/wrangler.jsonc) and its vars and
 * secrets, as workerd hands them to `fetch` and `queue`. Vars arrive as
 * strings and are parsed once by `parseCloudflareConfig`.
 */
export interface WorkerEnv {
  readonly PHOTOS: R2Bucket;
  readonly DB: D1Database;
  readonly THUMBNAIL_JOBS: Queue<ThumbnailJobMessage>;
  readonly IMAGES: ImagesBinding;
  readonly [variable: string]: unknown;
}
