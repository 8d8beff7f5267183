import { VideoTranscodeFailedError } from '../../domain/errors.js';
import type { Limits } from '../../domain/limits.js';
import type { OwnerId } from '../../domain/owner-id.js';
import { Photo, type PhotoFailure } from '../../domain/photo.js';
import type { PhotoId } from '../../domain/photo-id.js';
import type { RenditionSettings } from '../../domain/presets.js';
import { StorageKeys } from '../../domain/storage-keys.js';
import type { BlobStore } from '../ports/blob-store.js';
import type { Clock } from '../ports/clock.js';
import type { ImageProcessor } from '../ports/image-processor.js';
import type { PhotoRepository } from '../ports/photo-repository.js';
import type { ThumbnailQueue } from '../ports/thumbnail-queue.js';
import type { VideoTranscodeCompletion, VideoTranscoder } from '../ports/video-transcoder.js';
import { renderRenditions } from '../render-renditions.js';
import { saveApplying } from '../save-applying.js';
import { transcodeJob } from './process-video.js';

/** What recording a completion did. */
export type TranscodeOutcome =
  | { readonly kind: 'ready'; readonly photo: Photo }
  | { readonly kind: 'failed'; readonly photo: Photo }
  /** A failure that may pass: the transcode was submitted again. */
  | { readonly kind: 'resubmitted'; readonly photo: Photo }
  | { readonly kind: 'skipped'; readonly reason: 'deleted' | 'already-done' | 'not-a-video' };

/** How completions are recorded, per deployment. */
export interface RecordTranscodeSettings {
  /** The poster's renditions: the same presets as a photo's. */
  readonly renditions: RenditionSettings;
  /** Transcodes of one video, the first included, before a failure that may pass is taken as final (default 3). */
  readonly maxAttempts?: number;
}

/** The keys of the frames a completion reports; a failure made none that count. */
const framesOf = (completion: VideoTranscodeCompletion): string[] =>
  completion.status === 'done' ? (completion.outputs.frames ?? []).map((f) => f.key) : [];

const done = (photo: Photo): boolean =>
  photo.status === 'ready' || photo.status === 'failed' || photo.status === 'rejected';

/**
 * The video consumer's second half: a transcode's completion, from the video
 * queue. `done`: the poster's renditions (`thumb`, `preview`, `large`) and its
 * ThumbHash are made through the image pipeline a photo's original goes
 * through, and the item becomes `ready` with its MP4, its poster, its sampled
 * frames and the MP4's duration; then, where uploads are analysed, the
 * analysis of the poster and the frames is asked for (`analysis`, the analysis
 * consumer's own queue). `failed` for good: the item is `failed` with the
 * transcoder's reason. `failed` for a reason that may pass: the transcode is
 * submitted again, from the plan the item keeps, until `maxAttempts`
 * transcodes have been tried.
 *
 * A completion delivered again changes nothing once the item is done (ready,
 * failed or rejected); a duplicated failure that may pass costs at most one
 * more try of those `maxAttempts`. A completion for a deleted item removes
 * what the transcode stored. A completion that overtook the record of its own
 * submission (ProcessVideo saves just after it submits) throws, and so does a
 * failure of storage or of the image processor, so the queue retries.
 */
export class RecordTranscode {
  constructor(
    private readonly photos: PhotoRepository,
    private readonly blobs: BlobStore,
    private readonly processor: ImageProcessor,
    private readonly transcoder: VideoTranscoder,
    private readonly clock: Clock,
    private readonly limits: Limits,
    private readonly settings: RecordTranscodeSettings,
    /** The analysis consumer's queue, where uploads are analysed. */
    private readonly analysis?: ThumbnailQueue,
  ) {}

  async execute(completion: VideoTranscodeCompletion): Promise<TranscodeOutcome> {
    const photo = await this.photos.get(completion.ownerId, completion.photoId);
    if (!photo) {
      await this.removeOutputs(completion.ownerId, completion.photoId, framesOf(completion));
      return { kind: 'skipped', reason: 'deleted' };
    }
    if (photo.kind !== 'video') return { kind: 'skipped', reason: 'not-a-video' };
    if (done(photo)) return { kind: 'skipped', reason: 'already-done' };

    if (completion.status === 'failed') {
      const attempts = photo.video?.attempts ?? 1;
      const maxAttempts = this.settings.maxAttempts ?? 3;
      if (!completion.permanent && photo.video && attempts < maxAttempts) {
        const { plan } = photo.video;
        await this.transcoder.submit(transcodeJob(photo, plan, photo.durationMs ?? 0));
        const now = this.clock.now();
        return this.record(photo, 'resubmitted', (current) => Photo.retryTranscode(current, now));
      }
      const tries = completion.permanent ? '' : ` (gave up after ${attempts} tries)`;
      return this.fail(photo, new VideoTranscodeFailedError(`${completion.reason}${tries}`));
    }

    if (!photo.video) {
      throw new Error(`the transcode of ${photo.id} is not recorded yet; its completion is tried again`);
    }
    const { video, poster, frames = [] } = completion.outputs;
    const posterBytes = await this.blobs.get(poster.key);
    if (!posterBytes) throw new Error(`the poster ${poster.key} the transcoder reported is not in storage`);
    const rendered = await renderRenditions(
      { processor: this.processor, blobs: this.blobs },
      photo,
      posterBytes.bytes,
      this.settings.renditions,
      this.limits.maxPixels,
    );
    if (!rendered.ok) {
      const { error } = rendered;
      return this.fail(photo, { code: error.code, message: `the poster frame: ${error.message}` });
    }
    const now = this.clock.now();
    const outcome = await this.record(photo, 'ready', (current) =>
      Photo.markVideoReady(
        current,
        {
          mp4: {
            key: video.key,
            width: video.width,
            height: video.height,
            durationMs: video.durationMs,
            bytes: video.bytes,
          },
          poster: { key: poster.key, width: poster.width, height: poster.height, bytes: poster.bytes },
          frames: frames.map((f) => ({ key: f.key, atMs: f.atMs, bytes: f.bytes })),
          renditions: rendered.value.renditions,
          placeholder: rendered.value.placeholder,
        },
        now,
      ),
    );
    // The poster and the frames are what a video's analysis looks at: ask for it now that they are there.
    if (outcome.kind === 'ready') await this.analysis?.enqueue({ ownerId: photo.ownerId, photoId: photo.id });
    return outcome;
  }

  private fail(photo: Photo, failure: PhotoFailure): Promise<TranscodeOutcome> {
    const now = this.clock.now();
    const reason = { code: failure.code, message: failure.message };
    return this.record(photo, 'failed', (current) => Photo.markFailed(current, reason, now));
  }

  /** Saves the change on top of concurrent writes (analysis); a deleted item loses what was stored for it. */
  private async record<K extends 'ready' | 'failed' | 'resubmitted'>(
    photo: Photo,
    kind: K,
    apply: (current: Photo) => Photo,
  ): Promise<TranscodeOutcome> {
    const recorded = await saveApplying(this.photos, photo, apply, done);
    if ('saved' in recorded) return { kind, photo: recorded.saved } as TranscodeOutcome;
    if (recorded.left === 'settled') return { kind: 'skipped', reason: 'already-done' };
    await this.removeOutputs(
      photo.ownerId,
      photo.id,
      StorageKeys.videoFrames(photo.ownerId, photo.id, photo.video?.plan ?? {}),
    );
    return { kind: 'skipped', reason: 'deleted' };
  }

  /** The MP4, the poster, its renditions and the sampled `frames` of an item that is gone. */
  private async removeOutputs(ownerId: OwnerId, photoId: PhotoId, frames: readonly string[]): Promise<void> {
    const { presets, format } = this.settings.renditions;
    await this.blobs.deleteMany([
      StorageKeys.videoMp4(ownerId, photoId),
      StorageKeys.videoPoster(ownerId, photoId),
      ...frames,
      ...presets.map((p) => StorageKeys.rendition(ownerId, photoId, p.name, format)),
    ]);
  }
}
