import type { DomainError } from '../../domain/domain-error.js';
import { UploadMissingError } from '../../domain/errors.js';
import type { Limits } from '../../domain/limits.js';
import type { OwnerId } from '../../domain/owner-id.js';
import { Photo } from '../../domain/photo.js';
import type { PhotoId } from '../../domain/photo-id.js';
import { StorageKeys } from '../../domain/storage-keys.js';
import { VideoContainer } from '../../domain/video-container.js';
import { videoLimitError } from '../../domain/video-limits.js';
import {
  planVideoRendition,
  type VideoRenditionPlan,
  type VideoRenditionSettings,
} from '../../domain/video-rendition.js';
import type { BlobStore } from '../ports/blob-store.js';
import type { Clock } from '../ports/clock.js';
import type { ByteRangeSource, MediaProbe } from '../ports/media-probe.js';
import type { PhotoRepository } from '../ports/photo-repository.js';
import type { VideoTranscodeJob, VideoTranscoder } from '../ports/video-transcoder.js';
import { saveApplying } from '../save-applying.js';

export interface ProcessVideoInput {
  readonly ownerId: OwnerId;
  readonly photoId: PhotoId;
}

/**
 * What a video job did. A video refused for good (another format, damaged,
 * over a limit) is an outcome, recorded on the item as `failed`, not an error.
 */
export type VideoJobOutcome =
  | { readonly kind: 'submitted'; readonly photo: Photo }
  | { readonly kind: 'failed'; readonly photo: Photo }
  | {
      readonly kind: 'skipped';
      readonly reason: 'deleted' | 'already-done' | 'already-submitted' | 'not-a-video';
    };

/**
 * The transcode of a video item: its original, its deterministic output keys
 * (a second run overwrites: the MP4, the poster, the plan's sampled frames),
 * the plan and the duration the probe found.
 */
export function transcodeJob(
  photo: Pick<Photo, 'ownerId' | 'id'>,
  plan: VideoRenditionPlan,
  durationMs: number,
): VideoTranscodeJob {
  return {
    ownerId: photo.ownerId,
    photoId: photo.id,
    originalKey: StorageKeys.original(photo.ownerId, photo.id),
    outputs: {
      video: StorageKeys.videoMp4(photo.ownerId, photo.id),
      poster: StorageKeys.videoPoster(photo.ownerId, photo.id),
      frames: StorageKeys.videoFrames(photo.ownerId, photo.id, plan),
    },
    plan,
    durationMs,
  };
}

/** Nothing left to do: ready, failed, or rejected by moderation. */
const done = (photo: Photo): boolean =>
  photo.status === 'ready' || photo.status === 'failed' || photo.status === 'rejected';

/**
 * The video consumer's job for an accepted upload: reads the original's
 * container header by byte ranges (never the whole file), sniffs and probes it,
 * checks the video limits (bytes, duration, picture, frame rate), plans the
 * MP4 and poster and submits the transcode; the item records what the probe
 * found and the plan. The transcode's outcome arrives later as a completion
 * (`RecordTranscode`).
 *
 * A photo is skipped (the thumbnail consumer's), and so is a deleted item. A
 * video refused for good becomes `failed` with the reason. A job delivered
 * again once the transcode was submitted is skipped; one whose first run
 * submitted but could not record it submits again, which is harmless: outputs
 * go to the same keys and a second completion changes nothing. A failure of
 * storage or of the transcoder's intake throws, so the queue retries.
 */
export class ProcessVideo {
  constructor(
    private readonly photos: PhotoRepository,
    private readonly blobs: BlobStore,
    private readonly probe: MediaProbe,
    private readonly transcoder: VideoTranscoder,
    private readonly clock: Clock,
    private readonly limits: Limits,
    private readonly settings: VideoRenditionSettings,
  ) {}

  async execute(input: ProcessVideoInput): Promise<VideoJobOutcome> {
    const photo = await this.photos.get(input.ownerId, input.photoId);
    if (!photo) return { kind: 'skipped', reason: 'deleted' };
    if (photo.kind !== 'video') return { kind: 'skipped', reason: 'not-a-video' };
    if (done(photo)) return { kind: 'skipped', reason: 'already-done' };
    if (photo.video) return { kind: 'skipped', reason: 'already-submitted' };

    const key = StorageKeys.original(photo.ownerId, photo.id);
    const head = await this.blobs.head(key);
    if (!head) return this.fail(photo, new UploadMissingError(photo.id));
    const source: ByteRangeSource = {
      size: head.size,
      read: async (start, end) => {
        const bytes = await this.blobs.getRange(key, start, end);
        // Gone between the head and this read: storage's trouble, retried (then upload-missing).
        if (!bytes) throw new Error(`the original ${key} is gone`);
        return bytes;
      },
    };
    const first = head.size === 0 ? new Uint8Array(0) : await source.read(0, VideoContainer.sniffBytes);
    const sniffed = VideoContainer.sniff(first);
    if (sniffed.kind !== 'video') return this.fail(photo, VideoContainer.refusal(sniffed.what));

    const probed = await this.probe.probe(source);
    if (!probed.ok) {
      return this.fail(photo, probed.error, { contentType: VideoContainer.contentType(sniffed.container) });
    }
    const video = probed.value;
    const facts = {
      contentType: VideoContainer.contentType(video.container),
      width: video.displayWidth,
      height: video.displayHeight,
      durationMs: video.durationMs,
    };
    const overLimit = videoLimitError({ ...video, bytes: head.size }, this.limits.video);
    if (overLimit) return this.fail(photo, overLimit, facts);

    const plan = planVideoRendition(video, this.settings);
    await this.transcoder.submit(transcodeJob(photo, plan, video.durationMs));
    const now = this.clock.now();
    const recorded = await saveApplying(
      this.photos,
      photo,
      (current) => Photo.startTranscode(current, { ...facts, plan }, now),
      // A completion recorded before us (a transcode that failed at once), or a duplicate job.
      (current) => done(current) || current.video !== undefined,
    );
    if ('saved' in recorded) return { kind: 'submitted', photo: recorded.saved };
    if (recorded.left === 'deleted') return { kind: 'skipped', reason: 'deleted' };
    return { kind: 'skipped', reason: done(recorded.current) ? 'already-done' : 'already-submitted' };
  }

  private async fail(
    photo: Photo,
    reason: DomainError,
    known?: Partial<Pick<Photo, 'contentType' | 'width' | 'height' | 'durationMs'>>,
  ): Promise<VideoJobOutcome> {
    const now = this.clock.now();
    const failure = { code: reason.code, message: reason.message };
    const recorded = await saveApplying(
      this.photos,
      photo,
      (current) => Photo.markFailed(current, failure, now, known),
      (current) => done(current) || current.video !== undefined,
    );
    if ('saved' in recorded) return { kind: 'failed', photo: recorded.saved };
    if (recorded.left === 'deleted') return { kind: 'skipped', reason: 'deleted' };
    return { kind: 'skipped', reason: done(recorded.current) ? 'already-done' : 'already-submitted' };
  }
}
