import type { ContentType } from './content-type.js';

/**
 * What an original is, for the rules that differ by kind (the size limit
 * first). Only photos today; videos come with their own limit and pipeline.
 */
export type MediaKind = 'photo';

export const MediaKind = {
  /** The kind of an accepted declared type: every accepted type is an image. */
  of(_contentType: ContentType): MediaKind {
    return 'photo';
  },
};
