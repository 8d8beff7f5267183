import type { Container } from 'inversify';
import type { AppDeps } from '../http/create-app.js';
import type { FilesRoutesDeps } from '../http/files-routes.js';
import { TOKENS as T } from './tokens.js';

/**
 * The use cases the HTTP app drives, from a container that has the core module
 * and one adapter family loaded. Every runtime's composition root calls this.
 */
export function httpUseCases(container: Container): AppDeps['useCases'] {
  return {
    registerUpload: container.get(T.RegisterUpload),
    uploadPhoto: container.get(T.UploadPhoto),
    listGallery: container.get(T.ListGallery),
    getPhoto: container.get(T.GetPhoto),
    deletePhoto: container.get(T.DeletePhoto),
    signUploadParts: container.get(T.SignUploadParts),
    getUpload: container.get(T.GetUpload),
    completeUpload: container.get(T.CompleteUpload),
    abortUpload: container.get(T.AbortUpload),
  };
}

/**
 * What the signed `/files` routes need, from a container whose adapters sign
 * with HMAC (memory, Cloudflare): the signer to verify with, the store to
 * serve from, the use case a finished upload goes to and the store that
 * takes the parts of multipart uploads.
 */
export function filesDeps(container: Container): FilesRoutesDeps {
  return {
    signer: container.get(T.HmacUrlSigner),
    blobs: container.get(T.BlobStore),
    acceptUpload: container.get(T.AcceptUpload),
    parts: container.get(T.PartStore),
  };
}
