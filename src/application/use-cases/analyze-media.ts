import { ContentType } from '../../domain/content-type.js';
import { ImageAnalysis } from '../../domain/image-analysis.js';
import type { Limits } from '../../domain/limits.js';
import { defaultModerationPolicy, ModerationPolicy } from '../../domain/moderation-policy.js';
import type { OwnerId } from '../../domain/owner-id.js';
import { Photo } from '../../domain/photo.js';
import type { PhotoId } from '../../domain/photo-id.js';
import type { RenditionSettings } from '../../domain/presets.js';
import { StorageKeys } from '../../domain/storage-keys.js';
import type { BlobStore } from '../ports/blob-store.js';
import type { Clock } from '../ports/clock.js';
import type { ImageAnalyzer } from '../ports/image-analyzer.js';
import type { ImageProcessor } from '../ports/image-processor.js';
import type { PhotoRepository } from '../ports/photo-repository.js';

export interface AnalyzeMediaInput {
  readonly ownerId: OwnerId;
  readonly photoId: PhotoId;
}

/** How analysis is kept and judged, per deployment. */
export interface AnalysisSettings {
  /** Labels under this confidence (0-100) are not kept. */
  readonly minLabelConfidence: number;
  readonly moderation: ModerationPolicy;
}

export const defaultAnalysisSettings: AnalysisSettings = {
  minLabelConfidence: 70,
  moderation: defaultModerationPolicy,
};

/** What an analysis job did; a refused image is an outcome, recorded on the photo, not an error. */
export type AnalysisOutcome =
  | { readonly kind: 'analyzed'; readonly photo: Photo }
  | { readonly kind: 'failed'; readonly photo: Photo }
  | { readonly kind: 'skipped'; readonly reason: 'deleted' | 'already-done' | 'video-not-ready' };

/**
 * Rekognition (and every analyser behind the port) is given a JPEG of at most 1024 px
 * a side: made here from the original, in one decode, so analysis waits for no other
 * consumer. At q85 it is a few hundred KB, far under Rekognition's 5 MB.
 */
export const ANALYSIS_RENDITION: RenditionSettings = {
  presets: [{ name: 'analysis', width: 1024, height: 1024, fit: 'inside' }],
  format: 'jpeg',
  quality: 85,
};

const SAVE_TRIES = 3;

/**
 * The analysis consumer: labels (the top ones over a threshold) and moderation on
 * the photo's record, and the policy's verdict. Idempotent under redelivery (a photo
 * analysed once, done or failed, is left alone); a deleted photo is skipped. An image
 * the processor or the analyser refuses for good records `analysis: {status: failed}`
 * and leaves the photo as usable as it was; a transient failure throws, so the queue
 * retries. The photo's thumbnails are another consumer's: analysis writes its own
 * fields on top of whatever the record holds, again after a concurrent write.
 *
 * A video is analysed from its poster frame, once it is ready: the job the
 * upload announced finds it still transcoding and is skipped without a trace,
 * and the video consumer asks for another once the poster is stored.
 */
export class AnalyzeMedia {
  constructor(
    private readonly photos: PhotoRepository,
    private readonly blobs: BlobStore,
    private readonly processor: ImageProcessor,
    private readonly analyzer: ImageAnalyzer,
    private readonly clock: Clock,
    private readonly limits: Limits,
    private readonly settings: AnalysisSettings,
  ) {}

  async execute(input: AnalyzeMediaInput): Promise<AnalysisOutcome> {
    const photo = await this.photos.get(input.ownerId, input.photoId);
    if (!photo) return { kind: 'skipped', reason: 'deleted' };
    if (photo.analysis) return { kind: 'skipped', reason: 'already-done' };
    let sourceKey = StorageKeys.original(photo.ownerId, photo.id);
    if (photo.kind === 'video') {
      const poster = photo.status === 'ready' ? photo.video?.poster : undefined;
      if (!poster) return { kind: 'skipped', reason: 'video-not-ready' };
      sourceKey = poster.key;
    }

    const original = await this.blobs.get(sourceKey);
    if (!original)
      return this.fail(photo, `the ${photo.kind === 'video' ? 'poster' : 'original'} is missing`);
    if (original.bytes.byteLength > this.limits.maxOriginalBytes) {
      return this.fail(photo, `the original is over ${this.limits.maxOriginalBytes} bytes`);
    }
    if (ContentType.sniff(original.bytes).kind !== 'image') return this.fail(photo, 'the file is no image');
    const rendered = await this.processor.render(original.bytes, ANALYSIS_RENDITION, {
      maxPixels: this.limits.maxPixels,
    });
    if (!rendered.ok) return this.fail(photo, rendered.error.message);
    const image = rendered.value.renditions[0];
    if (!image) throw new Error('the processor rendered no analysis image');

    const key = StorageKeys.analysisImage(photo.ownerId, photo.id);
    await this.blobs.put(key, image.bytes, { contentType: 'image/jpeg' });
    const analysed = await this.analyzer.analyze({ key, bytes: image.bytes, contentType: 'image/jpeg' });
    if (!analysed.ok) return this.fail(photo, analysed.error.message);

    const { moderation } = analysed.value;
    const labels = ImageAnalysis.topLabels(analysed.value.labels, this.settings.minLabelConfidence);
    const judgement = ModerationPolicy.judge(this.settings.moderation, moderation);
    const block = this.settings.moderation.mode === 'block';
    return this.record(photo, 'analyzed', (current) =>
      Photo.recordAnalysis(current, { labels, moderation, judgement, block }, this.clock.now()),
    );
  }

  private fail(photo: Photo, reason: string): Promise<AnalysisOutcome> {
    return this.record(photo, 'failed', (current) =>
      Photo.recordAnalysisFailure(current, reason, this.clock.now()),
    );
  }

  /** Saves `apply(record)`, re-applied on top of a concurrent write (the thumbnail job's) a few times. */
  private async record(
    photo: Photo,
    kind: 'analyzed' | 'failed',
    apply: (current: Photo) => Photo,
  ): Promise<AnalysisOutcome> {
    let current = photo;
    for (let attempt = 1; ; attempt++) {
      const next = apply(current);
      const saved = await this.photos.save(next);
      if (saved.ok) return { kind, photo: next };
      const reloaded = await this.photos.get(photo.ownerId, photo.id);
      if (!reloaded) {
        await this.blobs.deleteMany([StorageKeys.analysisImage(photo.ownerId, photo.id)]);
        return { kind: 'skipped', reason: 'deleted' };
      }
      if (reloaded.analysis) return { kind: 'skipped', reason: 'already-done' };
      if (attempt === SAVE_TRIES) throw saved.error;
      current = reloaded;
    }
  }
}
