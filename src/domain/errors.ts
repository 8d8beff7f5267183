import { DomainError } from './domain-error.js';

/** Input that breaks a rule; `field` names the offending field when there is one. */
export class InvalidInputError extends DomainError {
  readonly code = 'invalid-input';
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** A declared or sniffed type that is not an image we accept (SVG, HTML, PDF, executables ...). */
export class UnsupportedMediaTypeError extends DomainError {
  readonly code = 'unsupported-media-type';
  constructor(
    message: string,
    readonly mediaType?: string,
  ) {
    super(message);
  }
}

/** More bytes than a limit allows, declared or actual. */
export class FileTooLargeError extends DomainError {
  readonly code = 'file-too-large';
  constructor(
    readonly size: number,
    readonly limit: number,
  ) {
    super(`${size} bytes is over the limit of ${limit} bytes`);
  }
}

/** An image whose header declares more pixels than the limit; found before any pixel is decoded. */
export class ImageTooLargeError extends DomainError {
  readonly code = 'image-too-large';
  constructor(
    readonly width: number,
    readonly height: number,
    readonly maxPixels: number,
  ) {
    const [actual, limit] = megapixels(width * height, maxPixels);
    super(`${width}x${height} is ${actual} MP, over the ${limit} MP limit`);
  }
}

/**
 * Two pixel counts in megapixels, with as few decimals as keep them apart:
 * 54000000 and 50000000 read "54" and "50", 50010000 and 50000000 "50.01" and "50".
 *
 * @example megapixels(54_000_000, 50_000_000) // ['54', '50']
 */
function megapixels(actual: number, limit: number): [string, string] {
  const mp = (n: number, decimals: number) => String(Number((n / 1_000_000).toFixed(decimals)));
  for (let decimals = 0; decimals < 6; decimals++) {
    if (mp(actual, decimals) !== mp(limit, decimals)) return [mp(actual, decimals), mp(limit, decimals)];
  }
  return [mp(actual, 6), mp(limit, 6)];
}

/** Bytes that claim to be an image format we support but cannot be decoded. */
export class CorruptImageError extends DomainError {
  readonly code = 'corrupt-image';
}

/** Bytes that are not one of the accepted image formats (by magic bytes). */
export class UnsupportedImageError extends DomainError {
  readonly code = 'unsupported-format';
}

/** No such photo for this owner (another owner's photo is reported the same way). */
export class PhotoNotFoundError extends DomainError {
  readonly code = 'photo-not-found';
  constructor(readonly photoId: string) {
    super(`photo ${photoId} was not found`);
  }
}

/** The photo exists but its renditions are not made yet. */
export class PhotoNotReadyError extends DomainError {
  readonly code = 'photo-not-ready';
  constructor(
    readonly photoId: string,
    readonly status: string,
  ) {
    super(`photo ${photoId} is ${status}, not ready`);
  }
}

/** The photo failed for good: it will never have renditions. */
export class PhotoFailedError extends DomainError {
  readonly code = 'photo-failed';
  constructor(
    readonly photoId: string,
    reason: string,
  ) {
    super(`photo ${photoId} failed and will not be ready: ${reason}`);
  }
}

/** Moderation blocked the photo: nothing of it is served; its owner still sees it and why. */
export class PhotoRejectedError extends DomainError {
  readonly code = 'photo-rejected';
  constructor(readonly photoId: string) {
    super(`photo ${photoId} was blocked by moderation`);
  }
}

/** The analyser refused the image for good (not an image it reads, too large, ...): retrying cannot help. */
export class ImageAnalysisRefusedError extends DomainError {
  readonly code = 'analysis-refused';
}

/** No rendition preset has this name. */
export class PresetNotFoundError extends DomainError {
  readonly code = 'preset-not-found';
  constructor(readonly preset: string) {
    super(`no preset named ${preset}`);
  }
}

/** The original's bytes have not landed in storage (yet). */
export class UploadMissingError extends DomainError {
  readonly code = 'upload-missing';
  constructor(readonly photoId: string) {
    super(`the original of photo ${photoId} has not been uploaded`);
  }
}

/**
 * The photo already has its original: an upload URL used again with other
 * bytes. Each upload needs its own registration.
 */
export class UploadAlreadyReceivedError extends DomainError {
  readonly code = 'upload-already-received';
  constructor(readonly photoId: string) {
    super(`photo ${photoId} already has its original; register a new upload to send another file`);
  }
}

/** A gallery cursor that was altered, is malformed, or belongs to another owner. */
export class InvalidCursorError extends DomainError {
  readonly code = 'invalid-cursor';
}

/** Someone else saved the record since it was read (optimistic version check). */
export class VersionConflictError extends DomainError {
  readonly code = 'version-conflict';
  constructor(
    readonly photoId: string,
    readonly expectedVersion: number,
  ) {
    super(`photo ${photoId} changed since version ${expectedVersion}`);
  }
}

/** A storage key that Pixport did not build. */
export class InvalidKeyError extends DomainError {
  readonly code = 'invalid-key';
}

/** A state change the photo lifecycle does not allow (a bug in the caller, not user input). */
export class PhotoTransitionError extends DomainError {
  readonly code = 'invalid-transition';
}

/** A signed URL whose signature does not match, or that has expired. */
export class InvalidSignatureError extends DomainError {
  readonly code = 'invalid-signature';
}

/**
 * A part of a multipart upload that is not there to complete it: left out of
 * the list, or never received. The upload stays open; send the part, then
 * complete again.
 */
export class UploadPartMissingError extends DomainError {
  readonly code = 'upload-part-missing';
  constructor(
    readonly partNumber: number,
    why: 'not-listed' | 'not-received',
  ) {
    super(
      why === 'not-listed'
        ? `part ${partNumber} is missing from the list; list every part from 1 to the part count`
        : `part ${partNumber} has not been received; upload it, then complete again`,
    );
  }
}

/**
 * A part of a multipart upload that is not the one received: another ETag, or
 * (should storage ever keep one) another size. The upload stays open; send
 * the part again, or list the ETag its upload answered with.
 */
export class UploadPartMismatchError extends DomainError {
  readonly code = 'upload-part-mismatch';
  constructor(
    readonly partNumber: number,
    what: string,
  ) {
    super(`part ${partNumber} ${what}; send the ETag its upload answered with, or upload it again`);
  }
}

/** An upload that can no longer complete: its multipart upload is gone (aborted, or expired in storage). */
export class UploadExpiredError extends DomainError {
  readonly code = 'upload-expired';
  constructor(readonly photoId: string) {
    super(`the upload of photo ${photoId} has expired; delete it and register the file again`);
  }
}

/** A multipart request (sign parts, complete) for an upload that goes by one PUT or POST. */
export class NotMultipartUploadError extends DomainError {
  readonly code = 'upload-not-multipart';
  constructor(readonly photoId: string) {
    super(`photo ${photoId} is uploaded in one request, not in parts`);
  }
}

/**
 * An upload that would take an owner over their quota: one photo too many, or
 * more bytes than are left. Nothing was registered; deleting photos makes room.
 */
export class QuotaExceededError extends DomainError {
  readonly code = 'quota-exceeded';
  constructor(
    readonly limit: 'photos' | 'bytes',
    /** The owner's usage when the upload was refused. */
    readonly used: { readonly photos: number; readonly bytes: number },
    /** The limit that was reached. */
    readonly max: number,
    /** Bytes of the upload that was refused. */
    readonly requestedBytes: number,
  ) {
    super(
      limit === 'photos'
        ? `the quota of ${max} photos is used up (${used.photos} stored); delete photos to upload more`
        : `${requestedBytes} more bytes would go over the quota of ${max} bytes (${used.bytes} stored); delete photos to upload more`,
    );
  }
}

/** Bytes that are a video container we accept but cannot be read: cut short, damaged, no tracks. */
export class CorruptVideoError extends DomainError {
  readonly code = 'corrupt-video';
}

/**
 * A video in a form Pixport does not take: another container (AVI, MPEG-TS ...),
 * no video track, or a codec the transcoder cannot read.
 */
export class UnsupportedVideoError extends DomainError {
  readonly code = 'unsupported-video';
}

/** Which video limit was passed. */
export type VideoLimitName = 'bytes' | 'duration' | 'resolution' | 'frame-rate';

/**
 * A video over one of the limits of `VideoLimits`: too many bytes, too long, too
 * many pixels a side, or too many frames a second. Found from the container's
 * header, before anything is decoded.
 */
export class VideoTooLargeError extends DomainError {
  readonly code = 'video-too-large';
  constructor(
    readonly limit: VideoLimitName,
    /** What the video has, and the most allowed, as people read them ("12 min 30 s", "10 min"). */
    readonly actual: string,
    readonly max: string,
  ) {
    const what: Record<VideoLimitName, string> = {
      bytes: 'the file',
      duration: 'the video',
      resolution: 'the picture',
      'frame-rate': 'the frame rate',
    };
    super(`${what[limit]} is ${actual}, over the limit of ${max}`);
  }
}

/** A video the transcoder could not turn into an MP4 and a poster, for good (or after its last try). */
export class VideoTranscodeFailedError extends DomainError {
  readonly code = 'transcode-failed';
}
