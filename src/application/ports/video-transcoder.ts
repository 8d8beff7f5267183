import type { OwnerId } from '../../domain/owner-id.js';
import type { PhotoId } from '../../domain/photo-id.js';
import type { VideoRenditionPlan } from '../../domain/video-rendition.js';

/**
 * One video to transcode: where its original is, where the MP4, the poster
 * and the sampled frames go, and the plan the use case made from the probe
 * (display size of all of them, when the poster and the frames are taken).
 * Output keys are deterministic, so a job run twice overwrites.
 */
export interface VideoTranscodeJob {
  readonly ownerId: OwnerId;
  readonly photoId: PhotoId;
  readonly originalKey: string;
  readonly outputs: {
    readonly video: string;
    readonly poster: string;
    /** One key per time in `plan.frameTimesMs`, in that order (none when the plan has none). */
    readonly frames: readonly string[];
  };
  readonly plan: VideoRenditionPlan;
  /** What the probe found: an output much shorter means the original could not all be decoded. */
  readonly durationMs: number;
}

/** The stored MP4: H.264 + AAC (when the original has sound), moov first. */
export interface TranscodedVideo {
  readonly key: string;
  readonly contentType: 'video/mp4';
  readonly width: number;
  readonly height: number;
  readonly durationMs: number;
  readonly bytes: number;
}

/** The stored poster frame, a JPEG of the MP4's display size. */
export interface TranscodedPoster {
  readonly key: string;
  readonly contentType: 'image/jpeg';
  readonly width: number;
  readonly height: number;
  readonly bytes: number;
}

/**
 * A frame sampled for analysis, stored as a JPEG of the MP4's size. A frame the
 * transcoder found no picture for (a time past where the video really ends) is
 * left out of the completion rather than failing the video.
 */
export interface TranscodedFrame {
  readonly key: string;
  readonly atMs: number;
  readonly bytes: number;
}

/**
 * How a transcode ended, as a message on the video queue. `permanent: false`
 * is a failure that may pass when the job is submitted again (storage was
 * unavailable, the transcoder was killed); `permanent: true` never will (the
 * original cannot be decoded). The consumer records a permanent failure on the
 * item with `reason`, and a `done` with its outputs; it must take either more
 * than once, and for an item deleted meanwhile.
 */
export type VideoTranscodeCompletion =
  | {
      readonly ownerId: OwnerId;
      readonly photoId: PhotoId;
      readonly status: 'done';
      readonly outputs: {
        readonly video: TranscodedVideo;
        readonly poster: TranscodedPoster;
        /** The sampled frames that were made, in time order; absent from completions sent before frames were sampled. */
        readonly frames?: readonly TranscodedFrame[];
      };
    }
  | {
      readonly ownerId: OwnerId;
      readonly photoId: PhotoId;
      readonly status: 'failed';
      readonly reason: string;
      readonly permanent: boolean;
    };

/** What a transcoder made for a job: the outputs' picture size, the MP4's length, the files' sizes. */
export interface TranscodedSizes {
  readonly width: number;
  readonly height: number;
  readonly durationMs: number;
  readonly videoBytes: number;
  readonly posterBytes: number;
  /** The size of each sampled frame, in the job's order; undefined for one that was not made. */
  readonly frameBytes: readonly (number | undefined)[];
}

export const VideoTranscodeCompletion = {
  /**
   * The `done` completion of a job whose outputs are stored at its keys (all of the
   * MP4's picture size), as every transcoder reports it; frames not made are left out.
   *
   * @example
   * VideoTranscodeCompletion.done(job, { width, height, durationMs, videoBytes, posterBytes, frameBytes })
   */
  done(job: VideoTranscodeJob, made: TranscodedSizes): VideoTranscodeCompletion {
    const size = { width: made.width, height: made.height };
    const times = job.plan.frameTimesMs ?? [];
    const frames = job.outputs.frames.flatMap((key, i) => {
      const bytes = made.frameBytes[i];
      const atMs = times[i];
      return bytes !== undefined && bytes > 0 && atMs !== undefined ? [{ key, atMs, bytes }] : [];
    });
    return {
      ownerId: job.ownerId,
      photoId: job.photoId,
      status: 'done',
      outputs: {
        video: {
          key: job.outputs.video,
          contentType: 'video/mp4',
          ...size,
          durationMs: made.durationMs,
          bytes: made.videoBytes,
        },
        poster: { key: job.outputs.poster, contentType: 'image/jpeg', ...size, bytes: made.posterBytes },
        frames,
      },
    };
  },
};

/**
 * Where a transcoder that runs in-process (ffmpeg) sends its completions; the
 * composition wires it to the video queue. A transcoder that runs elsewhere
 * (MediaConvert in a Step Functions workflow) sends the same message to the
 * queue itself. A delivery that throws is tried again by the transcoder.
 */
export interface VideoTranscodeSink {
  deliver(completion: VideoTranscodeCompletion): Promise<void>;
}

/**
 * Turns a video original into an MP4 that plays while it downloads (H.264 +
 * AAC, at most the plan's size, the moov atom first), one poster frame and
 * the plan's sampled frames (JPEGs, for analysis).
 * `submit` resolves once the job is accepted, not done, and throws when it
 * cannot be accepted, so the queue retries; the outcome arrives later as a
 * `VideoTranscodeCompletion`.
 */
export interface VideoTranscoder {
  submit(job: VideoTranscodeJob): Promise<void>;
}
