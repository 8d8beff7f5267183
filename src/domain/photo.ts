import type { ContentType } from './content-type.js';
import { PhotoFailedError, PhotoNotReadyError, PhotoRejectedError, PhotoTransitionError } from './errors.js';
import type { ImageLabel, ModerationLabel, ModerationResult } from './image-analysis.js';
import { MediaKind } from './media-kind.js';
import type { ModerationJudgement, ModerationVerdict } from './moderation-policy.js';
import type { OwnerId } from './owner-id.js';
import { PendingUpload } from './pending-upload.js';
import type { PhotoId } from './photo-id.js';
import type { RenditionFormat } from './presets.js';
import { err, ok, type Result } from './result.js';
import type { VideoRenditionPlan } from './video-rendition.js';

/**
 * Where a photo is in its life: `pending -> processing -> ready | failed`; any of
 * them but `failed` may become `rejected` when moderation blocks it (policy `block`).
 */
export type PhotoStatus = 'pending' | 'processing' | 'ready' | 'failed' | 'rejected';

/** What moderation found and decided. */
export interface PhotoModeration {
  readonly verdict: ModerationVerdict;
  /** Every moderation label the analyser returned. */
  readonly labels: readonly ModerationLabel[];
  readonly modelVersion: string;
}

/** Whether the analysis ran: `failed` with a reason when the analyser refused the image for good. */
export interface PhotoAnalysis {
  readonly status: 'done' | 'failed';
  readonly reason?: string;
  readonly at: string;
}

/** Why a photo failed, for people (message) and programs (stable code). */
export interface PhotoFailure {
  readonly code: string;
  readonly message: string;
}

/** One stored rendition of a photo. */
export interface Rendition {
  readonly preset: string;
  readonly width: number;
  readonly height: number;
  readonly format: RenditionFormat;
  readonly bytes: number;
  readonly key: string;
}

/** A video's MP4 as stored: H.264 + AAC, moov first, at most the plan's size. */
export interface VideoFile {
  readonly key: string;
  readonly width: number;
  readonly height: number;
  readonly durationMs: number;
  readonly bytes: number;
}

/** A video's poster frame as stored (a JPEG of the MP4's size): the source of its renditions. */
export interface PosterFile {
  readonly key: string;
  readonly width: number;
  readonly height: number;
  readonly bytes: number;
}

/** A frame sampled from a video for analysis, as stored (a JPEG of the MP4's size): never served. */
export interface VideoFrameFile {
  readonly key: string;
  /** Where in the video it was taken. */
  readonly atMs: number;
  readonly bytes: number;
}

/**
 * A video's transcode: asked for with this plan (the MP4's size, the poster's
 * time), how many times, and, once done, what it made. The plan is kept so a
 * transcode that failed for a passing reason can be asked for again without
 * probing the original again.
 */
export interface PhotoVideo {
  readonly plan: VideoRenditionPlan;
  /** Transcodes asked for: 1, and one more after each failure that may pass. */
  readonly attempts: number;
  readonly submittedAt: string;
  readonly mp4?: VideoFile;
  readonly poster?: PosterFile;
  /** The frames sampled for analysis, once ready (none for a video made before frames were sampled). */
  readonly frames?: readonly VideoFrameFile[];
}

/**
 * A media item's record: a photo or a video (`kind`); the name stays "photo"
 * for both, as `/photos` lists both. Immutable: every change goes through a transition below,
 * which returns a new record with `version` one higher, so that repositories
 * can save with an optimistic version check.
 */
export interface Photo {
  readonly id: PhotoId;
  readonly ownerId: OwnerId;
  /** From the declared type at registration; a video's renditions are its poster's. */
  readonly kind: MediaKind;
  /** Display only; never part of a key or a path. */
  readonly filename: string;
  /** Declared while pending, sniffed from magic bytes once the original has landed. */
  readonly contentType: ContentType;
  readonly size: number;
  /** Display size, after EXIF orientation (a photo) or the container's rotation (a video). */
  readonly width?: number;
  readonly height?: number;
  /** A video's length: the probe's while it is transcoded, the MP4's once ready. */
  readonly durationMs?: number;
  /** A video's transcode and, once ready, its MP4 and poster. */
  readonly video?: PhotoVideo;
  readonly status: PhotoStatus;
  readonly failure?: PhotoFailure;
  readonly renditions: readonly Rendition[];
  /** ThumbHash of the smallest rendition, base64. */
  readonly placeholder?: string;
  /** SHA-256 of the original, hex. */
  readonly checksum?: string;
  /** What the analyser saw, most confident first (AnalyzeMedia). */
  readonly labels?: readonly ImageLabel[];
  readonly moderation?: PhotoModeration;
  /** Set once analysis ran, done or failed; a redelivered analysis job leaves the photo alone. */
  readonly analysis?: PhotoAnalysis;
  /** While pending: how its bytes are being sent and until when. Dropped once they have landed. */
  readonly upload?: PendingUpload;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly version: number;
}

// A photo that leaves `pending` leaves its upload behind: the bytes have landed, or never will.
const change = (photo: Photo, now: Date, patch: Partial<Photo>): Photo => {
  const { upload: current, ...rest } = photo;
  const { upload: given, ...changes } = patch;
  const next: Photo = { ...rest, ...changes, updatedAt: now.toISOString(), version: photo.version + 1 };
  const upload = given ?? current;
  return next.status === 'pending' && upload ? { ...next, upload } : next;
};

const refuse = (photo: Photo, to: PhotoStatus): never => {
  throw new PhotoTransitionError(`photo ${photo.id} cannot go from ${photo.status} to ${to}`);
};

export const Photo = {
  /**
   * A record as a store read it back: one written before videos has no `kind`,
   * and is a photo.
   */
  revive(stored: Omit<Photo, 'kind'> & { readonly kind?: MediaKind }): Photo {
    return stored.kind ? (stored as Photo) : { ...stored, kind: 'photo' };
  },

  /** A new record for an upload that has been registered but has not landed. */
  register(input: {
    id: PhotoId;
    ownerId: OwnerId;
    filename: string;
    contentType: ContentType;
    size: number;
    now: Date;
    /** How the bytes will be sent and until when; absent in records made before uploads expired. */
    upload?: PendingUpload;
  }): Photo {
    const at = input.now.toISOString();
    return {
      id: input.id,
      ownerId: input.ownerId,
      kind: MediaKind.of(input.contentType),
      filename: input.filename,
      contentType: input.contentType,
      size: input.size,
      status: 'pending',
      renditions: [],
      ...(input.upload ? { upload: input.upload } : {}),
      createdAt: at,
      updatedAt: at,
      version: 1,
    };
  },

  /** A pending upload resumed: its expiry (and purge time) moved later. */
  extendUpload(photo: Photo, upload: PendingUpload, now: Date): Photo {
    if (photo.status !== 'pending') return refuse(photo, 'pending');
    return change(photo, now, { upload });
  },

  /**
   * Whether the photo waits for bytes that can no longer come: pending, and
   * every URL of its upload expired. The gallery hides it; it is deleted after
   * the grace period. A record without an upload (made before uploads expired)
   * never counts as stale.
   */
  uploadExpired(photo: Photo, now: Date): boolean {
    return (
      photo.status === 'pending' && photo.upload !== undefined && PendingUpload.expired(photo.upload, now)
    );
  },

  /** The original has landed with this many bytes; thumbnails are queued. */
  startProcessing(photo: Photo, size: number, now: Date): Photo {
    if (photo.status !== 'pending') return refuse(photo, 'processing');
    return change(photo, now, { status: 'processing', size });
  },

  /** Every rendition is stored. */
  markReady(
    photo: Photo,
    result: {
      contentType: ContentType;
      width: number;
      height: number;
      renditions: readonly Rendition[];
      placeholder?: string;
      checksum?: string;
    },
    now: Date,
  ): Photo {
    if (photo.status !== 'processing' && photo.status !== 'pending') return refuse(photo, 'ready');
    return change(photo, now, { status: 'ready', ...result });
  },

  /**
   * A video's original has been probed and is within the limits: its sniffed
   * type, display size and duration are recorded with the transcode asked for.
   */
  startTranscode(
    photo: Photo,
    facts: {
      contentType: ContentType;
      width: number;
      height: number;
      durationMs: number;
      plan: VideoRenditionPlan;
    },
    now: Date,
  ): Photo {
    if (photo.kind !== 'video') return refuse(photo, 'processing');
    if (photo.status !== 'processing' && photo.status !== 'pending') return refuse(photo, 'processing');
    const { plan, ...known } = facts;
    return change(photo, now, {
      status: 'processing',
      ...known,
      video: { plan, attempts: 1, submittedAt: now.toISOString() },
    });
  },

  /** A video's transcode failed for a reason that may pass, and is asked for again. */
  retryTranscode(photo: Photo, now: Date): Photo {
    if (!photo.video || photo.status !== 'processing') return refuse(photo, 'processing');
    const video = { ...photo.video, attempts: photo.video.attempts + 1, submittedAt: now.toISOString() };
    return change(photo, now, { video });
  },

  /**
   * A video's MP4, poster and sampled frames are stored, and the poster's
   * renditions: it is ready, as long as its MP4.
   */
  markVideoReady(
    photo: Photo,
    result: {
      mp4: VideoFile;
      poster: PosterFile;
      frames: readonly VideoFrameFile[];
      renditions: readonly Rendition[];
      placeholder?: string;
    },
    now: Date,
  ): Photo {
    if (!photo.video || photo.status !== 'processing') return refuse(photo, 'ready');
    const { mp4, poster, frames, ...rest } = result;
    return change(photo, now, {
      status: 'ready',
      durationMs: mp4.durationMs,
      video: { ...photo.video, mp4, poster, frames },
      ...rest,
    });
  },

  /** Whether its renditions can be served: once ready; a failed or rejected photo never will have any. */
  servable(photo: Photo): Result<Photo, PhotoFailedError | PhotoNotReadyError | PhotoRejectedError> {
    if (photo.status === 'ready') return ok(photo);
    if (photo.status === 'rejected') return err(new PhotoRejectedError(photo.id));
    if (photo.status === 'failed') return err(new PhotoFailedError(photo.id, photo.failure?.message ?? ''));
    return err(new PhotoNotReadyError(photo.id, photo.status));
  },

  /** A permanent problem: the photo will never be ready, and says why. */
  markFailed(
    photo: Photo,
    failure: PhotoFailure,
    now: Date,
    known?: Partial<Pick<Photo, 'contentType' | 'width' | 'height' | 'durationMs'>>,
  ): Photo {
    if (photo.status === 'ready' || photo.status === 'failed' || photo.status === 'rejected') {
      return refuse(photo, 'failed');
    }
    return change(photo, now, { status: 'failed', failure, ...known });
  },

  /**
   * The analysis is in: labels and moderation recorded. A `block` verdict under a
   * blocking policy also rejects the photo, with the labels that blocked it as the reason.
   */
  recordAnalysis(
    photo: Photo,
    analysis: {
      labels: readonly ImageLabel[];
      moderation: ModerationResult;
      judgement: ModerationJudgement;
      block: boolean;
    },
    now: Date,
  ): Photo {
    const at = now.toISOString();
    const moderation: PhotoModeration = {
      verdict: analysis.judgement.verdict,
      labels: analysis.moderation.labels,
      modelVersion: analysis.moderation.modelVersion,
    };
    const recorded = { labels: analysis.labels, moderation, analysis: { status: 'done' as const, at } };
    if (!analysis.block || analysis.judgement.verdict !== 'block' || photo.status === 'failed') {
      return change(photo, now, recorded);
    }
    const names = analysis.judgement.labels.map((l) => `${l.name} (${Math.round(l.confidence)}%)`);
    return change(photo, now, {
      ...recorded,
      status: 'rejected',
      failure: { code: 'moderation-blocked', message: `blocked by moderation: ${names.join(', ')}` },
    });
  },

  /** The analyser refused the image for good; the photo stays as usable as it was. */
  recordAnalysisFailure(photo: Photo, reason: string, now: Date): Photo {
    return change(photo, now, { analysis: { status: 'failed', reason, at: now.toISOString() } });
  },
};
