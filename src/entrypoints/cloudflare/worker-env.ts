import type { D1Database, ImagesBinding, Queue, R2Bucket } from '@cloudflare/workers-types/index.js';
import type { ImageClassificationBinding } from '../../adapters/cloudflare/workers-ai-image-analyzer.js';
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
  /** The analysis consumer's queue: when bound, every accepted upload is sent to it too (the fan-out). */
  readonly ANALYSIS_JOBS?: Queue<ThumbnailJobMessage>;
  /** The name of the analysis queue the Worker consumes (a var): its batches are analysed, not rendered. */
  readonly ANALYSIS_QUEUE?: string;
  /** Workers AI: where it is bound, the Worker analyses images (WorkersAiImageAnalyzer). */
  readonly AI?: ImageClassificationBinding;
  readonly IMAGES: ImagesBinding;
  readonly [variable: string]: unknown;
}
