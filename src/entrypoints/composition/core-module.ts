import { ContainerModule } from 'inversify';
import { SystemClock } from '../../adapters/system/system-clock.js';
import { UuidV7IdGenerator } from '../../adapters/system/uuid-v7-id-generator.js';
import { AbortUpload } from '../../application/use-cases/abort-upload.js';
import { AcceptUpload } from '../../application/use-cases/accept-upload.js';
import {
  type AnalysisSettings,
  AnalyzeMedia,
  defaultAnalysisSettings,
} from '../../application/use-cases/analyze-media.js';
import { CompleteUpload } from '../../application/use-cases/complete-upload.js';
import { DeletePhoto } from '../../application/use-cases/delete-photo.js';
import { GenerateThumbnail } from '../../application/use-cases/generate-thumbnail.js';
import { GetPhoto } from '../../application/use-cases/get-photo.js';
import { GetUpload } from '../../application/use-cases/get-upload.js';
import { ListGallery } from '../../application/use-cases/list-gallery.js';
import { ProcessVideo } from '../../application/use-cases/process-video.js';
import { RecordTranscode } from '../../application/use-cases/record-transcode.js';
import { RegisterUpload } from '../../application/use-cases/register-upload.js';
import { ReleasePurgedUploads } from '../../application/use-cases/release-purged-uploads.js';
import { SignUploadParts } from '../../application/use-cases/sign-upload-parts.js';
import { SweepStaleUploads } from '../../application/use-cases/sweep-stale-uploads.js';
import { UploadPhoto } from '../../application/use-cases/upload-photo.js';
import type { Limits } from '../../domain/limits.js';
import type { RenditionSettings } from '../../domain/presets.js';
import { defaultVideoRenditionSettings, type VideoRenditionSettings } from '../../domain/video-rendition.js';
import { TOKENS as T } from './tokens.js';

/** Configuration the core needs in every runtime. */
export interface CoreConfig {
  readonly limits: Limits;
  readonly renditions: RenditionSettings;
  /** Storage announces new originals itself (S3 notifications), so direct and multipart uploads queue no job. */
  readonly storageAnnouncesUploads?: boolean;
  /** Label threshold and moderation policy (defaults: `defaultAnalysisSettings`). */
  readonly analysis?: AnalysisSettings;
  /** The MP4's box and the poster's time (defaults: `defaultVideoRenditionSettings`, 1080p). */
  readonly videoRenditions?: VideoRenditionSettings;
  /**
   * Set where the runtime cannot make a video's renditions (the Worker): uploads of
   * videos are refused with this reason.
   */
  readonly videoRefusal?: string;
}

/**
 * The use cases, the clock and the id generator. Use cases carry no
 * decorators: they are bound with `toResolvedValue` and explicit tokens, which
 * also keeps them working in bundles that emit no decorator metadata.
 */
export function coreModule(config: CoreConfig): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(T.Limits).toConstantValue(config.limits);
    bind(T.RenditionSettings).toConstantValue(config.renditions);
    bind(T.Clock).toConstantValue(new SystemClock());
    bind(T.IdGenerator).toConstantValue(new UuidV7IdGenerator());

    bind(T.RegisterUpload)
      .toResolvedValue(
        (photos, signer, multipart, usage, ids, clock, limits) =>
          new RegisterUpload(photos, signer, multipart, usage, ids, clock, limits, config.videoRefusal),
        [T.PhotoRepository, T.UrlSigner, T.MultipartUploads, T.UsageLedger, T.IdGenerator, T.Clock, T.Limits],
      )
      .inSingletonScope();
    bind(T.AcceptUpload)
      .toResolvedValue(
        (photos, blobs, queue, clock, limits) => new AcceptUpload(photos, blobs, queue, clock, limits),
        [T.PhotoRepository, T.BlobStore, T.ThumbnailQueue, T.Clock, T.Limits],
      )
      .inSingletonScope();
    bind(T.UploadPhoto)
      .toResolvedValue(
        (register, accept, abort, blobs, limits) =>
          new UploadPhoto(register, accept, abort, blobs, limits, config.storageAnnouncesUploads ?? false),
        [T.RegisterUpload, T.AcceptUpload, T.AbortUpload, T.BlobStore, T.Limits],
      )
      .inSingletonScope();
    bind(T.GenerateThumbnail)
      .toResolvedValue(
        (photos, blobs, processor, clock, limits, settings) =>
          new GenerateThumbnail(photos, blobs, processor, clock, limits, settings),
        [T.PhotoRepository, T.BlobStore, T.ImageProcessor, T.Clock, T.Limits, T.RenditionSettings],
      )
      .inSingletonScope();
    // Resolved only where an ImageAnalyzer is bound (the analysis workers, the dev server).
    bind(T.AnalysisSettings).toConstantValue(config.analysis ?? defaultAnalysisSettings);
    bind(T.AnalyzeMedia)
      .toResolvedValue(
        (photos, blobs, processor, analyzer, clock, limits, settings) =>
          new AnalyzeMedia(photos, blobs, processor, analyzer, clock, limits, settings),
        [
          T.PhotoRepository,
          T.BlobStore,
          T.ImageProcessor,
          T.ImageAnalyzer,
          T.Clock,
          T.Limits,
          T.AnalysisSettings,
        ],
      )
      .inSingletonScope();
    // Resolved only where a MediaProbe and a VideoTranscoder are bound (the dev server's ffmpeg).
    bind(T.VideoRenditionSettings).toConstantValue(config.videoRenditions ?? defaultVideoRenditionSettings);
    bind(T.ProcessVideo)
      .toResolvedValue(
        (photos, blobs, probe, transcoder, clock, limits, settings) =>
          new ProcessVideo(photos, blobs, probe, transcoder, clock, limits, settings),
        [
          T.PhotoRepository,
          T.BlobStore,
          T.MediaProbe,
          T.VideoTranscoder,
          T.Clock,
          T.Limits,
          T.VideoRenditionSettings,
        ],
      )
      .inSingletonScope();
    // A factory rather than toResolvedValue: the analysis queue is optional (bound only where
    // uploads are analysed), which inversify's resolved-value typing cannot express.
    bind(T.RecordTranscode)
      .toDynamicValue(
        (ctx) =>
          new RecordTranscode(
            ctx.get(T.PhotoRepository),
            ctx.get(T.BlobStore),
            ctx.get(T.ImageProcessor),
            ctx.get(T.VideoTranscoder),
            ctx.get(T.Clock),
            ctx.get(T.Limits),
            { renditions: ctx.get(T.RenditionSettings) },
            ctx.get(T.AnalysisQueue, { optional: true }),
          ),
      )
      .inSingletonScope();
    bind(T.ListGallery)
      .toResolvedValue(
        (photos, blobs, signer, clock) => new ListGallery(photos, blobs, signer, clock),
        [T.PhotoRepository, T.BlobStore, T.UrlSigner, T.Clock],
      )
      .inSingletonScope();
    bind(T.GetPhoto)
      .toResolvedValue((photos, signer) => new GetPhoto(photos, signer), [T.PhotoRepository, T.UrlSigner])
      .inSingletonScope();
    bind(T.DeletePhoto)
      .toResolvedValue(
        (photos, blobs, settings, multipart, usage) =>
          new DeletePhoto(photos, blobs, settings, multipart, usage),
        [T.PhotoRepository, T.BlobStore, T.RenditionSettings, T.MultipartUploads, T.UsageLedger],
      )
      .inSingletonScope();

    bind(T.SignUploadParts)
      .toResolvedValue(
        (photos, multipart, clock, limits) => new SignUploadParts(photos, multipart, clock, limits),
        [T.PhotoRepository, T.MultipartUploads, T.Clock, T.Limits],
      )
      .inSingletonScope();
    bind(T.GetUpload)
      .toResolvedValue(
        (photos, signer, multipart, clock, limits) => new GetUpload(photos, signer, multipart, clock, limits),
        [T.PhotoRepository, T.UrlSigner, T.MultipartUploads, T.Clock, T.Limits],
      )
      .inSingletonScope();
    bind(T.CompleteUpload)
      .toResolvedValue(
        (photos, multipart, accept) =>
          new CompleteUpload(photos, multipart, accept, config.storageAnnouncesUploads ?? false),
        [T.PhotoRepository, T.MultipartUploads, T.AcceptUpload],
      )
      .inSingletonScope();
    bind(T.AbortUpload)
      .toResolvedValue(
        (photos, blobs, multipart, usage) => new AbortUpload(photos, blobs, multipart, usage),
        [T.PhotoRepository, T.BlobStore, T.MultipartUploads, T.UsageLedger],
      )
      .inSingletonScope();
    bind(T.SweepStaleUploads)
      .toResolvedValue(
        (photos, blobs, multipart, usage, clock) =>
          new SweepStaleUploads(photos, blobs, multipart, usage, clock),
        [T.PhotoRepository, T.BlobStore, T.MultipartUploads, T.UsageLedger, T.Clock],
      )
      .inSingletonScope();
    bind(T.ReleasePurgedUploads)
      .toResolvedValue((usage) => new ReleasePurgedUploads(usage), [T.UsageLedger])
      .inSingletonScope();
  });
}
