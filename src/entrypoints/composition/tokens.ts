import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { ServiceIdentifier } from 'inversify';
import type { S3UploadTagging } from '../../adapters/aws/s3-upload-tagging.js';
import type { HmacUrlSigner } from '../../adapters/crypto/hmac-url-signer.js';
import type { WasmVipsImageProcessor } from '../../adapters/image/wasm-vips-image-processor.js';
import type { InMemoryBlobStore } from '../../adapters/memory/in-memory-blob-store.js';
import type { InMemoryMultipartUploads } from '../../adapters/memory/in-memory-multipart-uploads.js';
import type { InMemoryQueue } from '../../adapters/memory/in-memory-queue.js';
import type { InMemoryThumbnailQueue } from '../../adapters/memory/in-memory-thumbnail-queue.js';
import type { FfmpegVideoTranscoder } from '../../adapters/video/ffmpeg-video-transcoder.js';
import type { BlobStore } from '../../application/ports/blob-store.js';
import type { Clock } from '../../application/ports/clock.js';
import type { IdGenerator } from '../../application/ports/id-generator.js';
import type { ImageAnalyzer } from '../../application/ports/image-analyzer.js';
import type { ImageProcessor } from '../../application/ports/image-processor.js';
import type { MediaProbe } from '../../application/ports/media-probe.js';
import type { MultipartUploads } from '../../application/ports/multipart-uploads.js';
import type { PhotoRepository } from '../../application/ports/photo-repository.js';
import type { ThumbnailQueue } from '../../application/ports/thumbnail-queue.js';
import type { UrlSigner } from '../../application/ports/url-signer.js';
import type { UsageLedger } from '../../application/ports/usage-ledger.js';
import type {
  VideoTranscodeCompletion,
  VideoTranscoder,
  VideoTranscodeSink,
} from '../../application/ports/video-transcoder.js';
import type { AbortUpload } from '../../application/use-cases/abort-upload.js';
import type { AcceptUpload } from '../../application/use-cases/accept-upload.js';
import type { AnalysisSettings, AnalyzeMedia } from '../../application/use-cases/analyze-media.js';
import type { CompleteUpload } from '../../application/use-cases/complete-upload.js';
import type { DeletePhoto } from '../../application/use-cases/delete-photo.js';
import type { GenerateThumbnail } from '../../application/use-cases/generate-thumbnail.js';
import type { GetPhoto } from '../../application/use-cases/get-photo.js';
import type { GetUpload } from '../../application/use-cases/get-upload.js';
import type { ListGallery } from '../../application/use-cases/list-gallery.js';
import type { ProcessVideo } from '../../application/use-cases/process-video.js';
import type { RecordTranscode } from '../../application/use-cases/record-transcode.js';
import type { RegisterUpload } from '../../application/use-cases/register-upload.js';
import type { ReleasePurgedUploads } from '../../application/use-cases/release-purged-uploads.js';
import type { SignUploadParts } from '../../application/use-cases/sign-upload-parts.js';
import type { SweepStaleUploads } from '../../application/use-cases/sweep-stale-uploads.js';
import type { UploadPhoto } from '../../application/use-cases/upload-photo.js';
import type { Limits } from '../../domain/limits.js';
import type { RenditionSettings } from '../../domain/presets.js';
import type { VideoRenditionSettings } from '../../domain/video-rendition.js';
import type { PartStore } from '../http/files-routes.js';

const token = <T>(name: string): ServiceIdentifier<T> => Symbol.for(`pixport.${name}`);

/**
 * Every DI token, typed: `container.get(TOKENS.ListGallery)` is a ListGallery.
 * Ports and use cases first; then the concrete adapters that a runtime hands
 * on besides their port (the HMAC signer and the part store to the `/files`
 * routes, the memory queues to the dev server's drains, the ffmpeg transcoder to
 * whoever waits for it to be idle, the SDK clients to
 * tests). Imports here are type-only, so the Worker bundle that loads this
 * file pulls in no AWS SDK.
 */
export const TOKENS = {
  Limits: token<Limits>('Limits'),
  RenditionSettings: token<RenditionSettings>('RenditionSettings'),
  VideoRenditionSettings: token<VideoRenditionSettings>('VideoRenditionSettings'),

  BlobStore: token<BlobStore>('BlobStore'),
  PhotoRepository: token<PhotoRepository>('PhotoRepository'),
  ThumbnailQueue: token<ThumbnailQueue>('ThumbnailQueue'),
  ImageProcessor: token<ImageProcessor>('ImageProcessor'),
  ImageAnalyzer: token<ImageAnalyzer>('ImageAnalyzer'),
  /** The analysis consumer's own queue, where one is: RecordTranscode asks it for a poster's analysis. */
  AnalysisQueue: token<ThumbnailQueue>('AnalysisQueue'),
  MediaProbe: token<MediaProbe>('MediaProbe'),
  VideoTranscoder: token<VideoTranscoder>('VideoTranscoder'),
  /** Where an in-process transcoder (ffmpeg) hands its completions: the video queue. */
  VideoTranscodeSink: token<VideoTranscodeSink>('VideoTranscodeSink'),
  AnalysisSettings: token<AnalysisSettings>('AnalysisSettings'),
  UrlSigner: token<UrlSigner>('UrlSigner'),
  MultipartUploads: token<MultipartUploads>('MultipartUploads'),
  UsageLedger: token<UsageLedger>('UsageLedger'),
  Clock: token<Clock>('Clock'),
  IdGenerator: token<IdGenerator>('IdGenerator'),

  RegisterUpload: token<RegisterUpload>('RegisterUpload'),
  AcceptUpload: token<AcceptUpload>('AcceptUpload'),
  UploadPhoto: token<UploadPhoto>('UploadPhoto'),
  GenerateThumbnail: token<GenerateThumbnail>('GenerateThumbnail'),
  AnalyzeMedia: token<AnalyzeMedia>('AnalyzeMedia'),
  ProcessVideo: token<ProcessVideo>('ProcessVideo'),
  RecordTranscode: token<RecordTranscode>('RecordTranscode'),
  ListGallery: token<ListGallery>('ListGallery'),
  GetPhoto: token<GetPhoto>('GetPhoto'),
  DeletePhoto: token<DeletePhoto>('DeletePhoto'),
  SignUploadParts: token<SignUploadParts>('SignUploadParts'),
  GetUpload: token<GetUpload>('GetUpload'),
  CompleteUpload: token<CompleteUpload>('CompleteUpload'),
  AbortUpload: token<AbortUpload>('AbortUpload'),
  SweepStaleUploads: token<SweepStaleUploads>('SweepStaleUploads'),
  ReleasePurgedUploads: token<ReleasePurgedUploads>('ReleasePurgedUploads'),

  HmacUrlSigner: token<HmacUrlSigner>('HmacUrlSigner'),
  PartStore: token<PartStore>('PartStore'),
  WasmVipsImageProcessor: token<WasmVipsImageProcessor>('WasmVipsImageProcessor'),
  InMemoryBlobStore: token<InMemoryBlobStore>('InMemoryBlobStore'),
  InMemoryMultipartUploads: token<InMemoryMultipartUploads>('InMemoryMultipartUploads'),
  InMemoryThumbnailQueue: token<InMemoryThumbnailQueue>('InMemoryThumbnailQueue'),
  InMemoryAnalysisQueue: token<InMemoryThumbnailQueue>('InMemoryAnalysisQueue'),
  InMemoryVideoQueue: token<InMemoryThumbnailQueue>('InMemoryVideoQueue'),
  InMemoryTranscodeCompletions: token<InMemoryQueue<VideoTranscodeCompletion>>(
    'InMemoryTranscodeCompletions',
  ),
  FfmpegVideoTranscoder: token<FfmpegVideoTranscoder>('FfmpegVideoTranscoder'),
  S3Client: token<S3Client>('S3Client'),
  SQSClient: token<SQSClient>('SQSClient'),
  DynamoDBClient: token<DynamoDBClient>('DynamoDBClient'),
  S3UploadTagging: token<S3UploadTagging>('S3UploadTagging'),
} as const;
