import { InvalidKeyError } from './errors.js';
import { OwnerId } from './owner-id.js';
import { PhotoId } from './photo-id.js';
import type { RenditionFormat } from './presets.js';
import { RenditionSettings } from './presets.js';
import { err, ok, type Result } from './result.js';

/** What a storage key names. Keys are built from ids only, never from user input. */
export type ParsedKey =
  | { readonly kind: 'original'; readonly ownerId: OwnerId; readonly photoId: PhotoId }
  /** A video's MP4 (`video.mp4`) or its poster frame (`poster.jpg`), beside its renditions. */
  | { readonly kind: 'video' | 'poster'; readonly ownerId: OwnerId; readonly photoId: PhotoId }
  | {
      readonly kind: 'rendition';
      readonly ownerId: OwnerId;
      readonly photoId: PhotoId;
      readonly preset: string;
      readonly format: RenditionFormat;
    };

const EXTENSIONS: Record<string, RenditionFormat> = { webp: 'webp', avif: 'avif', jpg: 'jpeg' };
const PRESET = /^[a-z][a-z0-9-]{0,31}$/;
const VIDEO_FILES = { 'video.mp4': 'video', 'poster.jpg': 'poster' } as const;

/**
 * Deterministic storage keys: a re-run of a job overwrites, never duplicates.
 *
 * @example StorageKeys.original(owner, id) // 'originals/alice/0190...'
 */
export const StorageKeys = {
  originalsPrefix: 'originals/',
  renditionsPrefix: 'renditions/',

  original(ownerId: OwnerId, photoId: PhotoId): string {
    return `originals/${ownerId}/${photoId}`;
  },

  /** The JPEG the analysis job makes for the analyser (`analysis.jpg` beside the renditions). */
  analysisImage(ownerId: OwnerId, photoId: PhotoId): string {
    return `renditions/${ownerId}/${photoId}/analysis.jpg`;
  },

  rendition(ownerId: OwnerId, photoId: PhotoId, preset: string, format: RenditionFormat): string {
    return `renditions/${ownerId}/${photoId}/${preset}.${RenditionSettings.extension(format)}`;
  },

  /** A video's MP4 (H.264/AAC), made by the transcoder. */
  videoMp4(ownerId: OwnerId, photoId: PhotoId): string {
    return `renditions/${ownerId}/${photoId}/video.mp4`;
  },

  /** A video's poster frame (JPEG), made by the transcoder; its renditions are the video's thumbnails. */
  videoPoster(ownerId: OwnerId, photoId: PhotoId): string {
    return `renditions/${ownerId}/${photoId}/poster.jpg`;
  },

  /**
   * A frame sampled from a video for analysis (`frame-1.jpg`, `frame-2.jpg`...:
   * `n` counts from 1), made by the transcoder. Never served.
   */
  videoFrame(ownerId: OwnerId, photoId: PhotoId, n: number): string {
    return `renditions/${ownerId}/${photoId}/frame-${n}.jpg`;
  },

  /** The keys of a video's sampled frames, one per time in its plan, in order. */
  videoFrames(
    ownerId: OwnerId,
    photoId: PhotoId,
    plan: { readonly frameTimesMs?: readonly number[] },
  ): string[] {
    return (plan.frameTimesMs ?? []).map((_, i) => StorageKeys.videoFrame(ownerId, photoId, i + 1));
  },

  /**
   * The key a parsed key was built from: `StorageKeys.build(StorageKeys.parse(key).value) === key`.
   *
   * @example StorageKeys.build({ kind: 'poster', ownerId, photoId }) // 'renditions/alice/0190.../poster.jpg'
   */
  build(parsed: ParsedKey): string {
    switch (parsed.kind) {
      case 'original':
        return StorageKeys.original(parsed.ownerId, parsed.photoId);
      case 'video':
        return StorageKeys.videoMp4(parsed.ownerId, parsed.photoId);
      case 'poster':
        return StorageKeys.videoPoster(parsed.ownerId, parsed.photoId);
      case 'rendition':
        return StorageKeys.rendition(parsed.ownerId, parsed.photoId, parsed.preset, parsed.format);
    }
  },

  /** The exact inverse of the builders; anything else is not ours and is rejected. */
  parse(key: string): Result<ParsedKey, InvalidKeyError> {
    const parts = key.split('/');
    const notOurs = () =>
      err(new InvalidKeyError(`${JSON.stringify(key.slice(0, 200))} is not a Pixport key`));
    const owner = OwnerId.parse(parts[1]);
    const photo = PhotoId.parse(parts[2]);
    if (!owner.ok || !photo.ok) return notOurs();
    if (parts[0] === 'originals' && parts.length === 3) {
      return ok({ kind: 'original', ownerId: owner.value, photoId: photo.value });
    }
    if (parts[0] === 'renditions' && parts.length === 4) {
      const file = parts[3] ?? '';
      const video = Object.hasOwn(VIDEO_FILES, file)
        ? VIDEO_FILES[file as keyof typeof VIDEO_FILES]
        : undefined;
      if (video) return ok({ kind: video, ownerId: owner.value, photoId: photo.value });
      const dot = file.lastIndexOf('.');
      const preset = file.slice(0, dot);
      const format = EXTENSIONS[file.slice(dot + 1)];
      if (dot > 0 && PRESET.test(preset) && format) {
        return ok({ kind: 'rendition', ownerId: owner.value, photoId: photo.value, preset, format });
      }
    }
    return notOurs();
  },
};
