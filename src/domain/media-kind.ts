import { ContentType } from './content-type.js';

/**
 * What an original is, for the rules that differ by kind: the size limit, the
 * consumer that makes its renditions (thumbnails for a photo; the video
 * consumer's transcode and poster for a video). `/photos` lists both.
 */
export type MediaKind = 'photo' | 'video';

export const MediaKind = {
  /**
   * The kind of an accepted type, declared or sniffed.
   *
   * @example MediaKind.of('video/quicktime') // 'video'
   */
  of(contentType: ContentType): MediaKind {
    return ContentType.isVideo(contentType) ? 'video' : 'photo';
  },
};
