import type { PhotoId } from '../../domain/photo-id.js';

/** New time-ordered photo ids. */
export interface IdGenerator {
  newPhotoId(): PhotoId;
}
