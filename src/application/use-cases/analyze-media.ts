import { ContentType } from '../../domain/content-type.js';
import { ImageAnalysis } from '../../domain/image-analysis.js';
import type { Limits } from '../../domain/limits.js';
import { defaultModerationPolicy, ModerationPolicy } from '../../domain/moderation-policy.js';
import type { OwnerId } from '../../domain/owner-id.js';
import { Photo } from '../../domain/photo.js';
import type { PhotoId } from '../../domain/photo-id.js';
import type { RenditionSettings } from '../../domain/presets.js';
import { err, ok, type Result } from '../../domain/result.js';
import { StorageKeys } from '../../domain/storage-keys.js';
import { durationText } from '../../domain/video-limits.js';
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

/** One image an item's analysis looks at. */
interface AnalysisSource {
  readonly key: string;
  /** How a reason names it: `original`, `poster`, `frame at 0:05`. */
  readonly name: string;
  /** A sampled frame: one that is not in storage is left out rather than failing the analysis. */
  readonly frame: boolean;
}

/**
 * The analysis consumer: labels (the top ones over a threshold) and moderation on
 * the photo's record, and the policy's verdict. Idempotent under redelivery (a photo
 * analysed once, done or failed, is left alone); a deleted photo is skipped. An image
 * the processor or the analyser refuses for good records `analysis: {status: failed}`
 * and leaves the photo as usable as it was; a transient failure throws, so the queue
 * retries. The photo's thumbnails are another consumer's: analysis writes its own
 * fields on top of whatever the record holds, again after a concurrent write.
 *
 * A video is analysed from its poster frame and the frames sampled through it
 * (`VideoRenditionPlan.frameTimesMs`), once it is ready: each image is
 * analysed on its own and the results merged (`ImageAnalysis.merge`: every
 * label at the highest confidence any frame gave it), so what shows in any
 * frame is found, and the policy judges the video by its worst frame. The job
 * the upload announced finds the video still transcoding and is skipped
 * without a trace; the video consumer asks for another once the outputs are
 * stored.
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
    const sources = AnalyzeMedia.sourcesOf(photo);
    if (!sources) return { kind: 'skipped', reason: 'video-not-ready' };

    const analyses: ImageAnalysis[] = [];
    for (const source of sources) {
      const analysed = await this.analyzeOne(photo, source);
      if (analysed === 'missing-frame') continue;
      if (!analysed.ok) return this.fail(photo, analysed.error);
      analyses.push(analysed.value);
    }
    const merged = ImageAnalysis.merge(analyses);
    if (!merged) throw new Error('no image was analysed');

    const { moderation } = merged;
    const labels = ImageAnalysis.topLabels(merged.labels, this.settings.minLabelConfidence);
    const judgement = ModerationPolicy.judge(this.settings.moderation, moderation);
    const block = this.settings.moderation.mode === 'block';
    return this.record(photo, 'analyzed', (current) =>
      Photo.recordAnalysis(current, { labels, moderation, judgement, block }, this.clock.now()),
    );
  }

  /**
   * What is looked at: a photo's original; a ready video's poster, then its
   * sampled frames; undefined for a video not ready yet.
   */
  private static sourcesOf(photo: Photo): AnalysisSource[] | undefined {
    if (photo.kind !== 'video') {
      return [{ key: StorageKeys.original(photo.ownerId, photo.id), name: 'original', frame: false }];
    }
    const poster = photo.status === 'ready' ? photo.video?.poster : undefined;
    if (!poster) return undefined;
    return [
      { key: poster.key, name: 'poster', frame: false },
      ...(photo.video?.frames ?? []).map((f) => ({
        key: f.key,
        name: `frame at ${durationText(f.atMs)}`,
        frame: true,
      })),
    ];
  }

  /**
   * One image through the processor (a JPEG of at most 1024 px) and the
   * analyser; a refusal says which image. A sampled frame that is not in
   * storage is left out (the poster stands for the video); a missing original
   * or poster is a refusal.
   */
  private async analyzeOne(
    photo: Photo,
    source: AnalysisSource,
  ): Promise<Result<ImageAnalysis, { message: string }> | 'missing-frame'> {
    const refused = (message: string) =>
      err({ message: source.frame ? `the ${source.name}: ${message}` : message });
    const original = await this.blobs.get(source.key);
    if (!original) return source.frame ? 'missing-frame' : refused(`the ${source.name} is missing`);
    if (original.bytes.byteLength > this.limits.maxOriginalBytes) {
      return refused(`the ${source.name} is over ${this.limits.maxOriginalBytes} bytes`);
    }
    if (ContentType.sniff(original.bytes).kind !== 'image') return refused('the file is no image');
    const rendered = await this.processor.render(original.bytes, ANALYSIS_RENDITION, {
      maxPixels: this.limits.maxPixels,
    });
    if (!rendered.ok) return refused(rendered.error.message);
    const image = rendered.value.renditions[0];
    if (!image) throw new Error('the processor rendered no analysis image');

    // One key for every image of the item: they are analysed one after another.
    const key = StorageKeys.analysisImage(photo.ownerId, photo.id);
    await this.blobs.put(key, image.bytes, { contentType: 'image/jpeg' });
    const analysed = await this.analyzer.analyze({ key, bytes: image.bytes, contentType: 'image/jpeg' });
    return analysed.ok ? ok(analysed.value) : refused(analysed.error.message);
  }

  private fail(photo: Photo, reason: string | { message: string }): Promise<AnalysisOutcome> {
    const message = typeof reason === 'string' ? reason : reason.message;
    return this.record(photo, 'failed', (current) =>
      Photo.recordAnalysisFailure(current, message, this.clock.now()),
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
