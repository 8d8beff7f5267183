import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { ContainerModule } from 'inversify';
import { DynamoDbPhotoRepository } from '../../adapters/aws/dynamodb-photo-repository.js';
import { DynamoDbUsageLedger } from '../../adapters/aws/dynamodb-usage-ledger.js';
import { S3BlobStore } from '../../adapters/aws/s3-blob-store.js';
import { S3MultipartUploads } from '../../adapters/aws/s3-multipart-uploads.js';
import { S3UploadTagging } from '../../adapters/aws/s3-upload-tagging.js';
import { S3UrlSigner } from '../../adapters/aws/s3-url-signer.js';
import { SqsThumbnailQueue } from '../../adapters/aws/sqs-thumbnail-queue.js';
import type { AwsConfig } from './aws-config.js';
import { type SdkTimeouts, sdkClientOptions } from './sdk-client-options.js';
import { TOKENS as T } from './tokens.js';

/** Options of {@link awsAdapters}. */
export interface AwsAdapterOptions {
  /**
   * Wraps each SDK client once it is made: the Lambdas pass Powertools Tracer's
   * `captureAWSv3Client`, so every S3, SQS and DynamoDB call is an X-Ray subsegment.
   */
  readonly instrument?: <C extends object>(client: C) => C;
  /** Connection and idle timeouts of every client; default `LAMBDA_SDK_TIMEOUTS` (3 s, 10 s). */
  readonly timeouts?: SdkTimeouts;
}

/**
 * S3 (multipart uploads too), SQS and DynamoDB behind the ports. Clients are made once per container
 * (per Lambda instance) and on first use, so the http Lambda that never
 * touches a client does not build it. Each retries with QuotaFreeRetryStrategy and
 * gives up an attempt that stalls (sdkClientOptions).
 *
 * No endpoint is set here: the SDK takes `AWS_ENDPOINT_URL_*` from the
 * environment itself. For the same reason the SQS client uses the resolved
 * endpoint rather than the host of the queue URL (`useQueueUrlAsEndpoint:
 * false`); on AWS both are the regional SQS endpoint.
 *
 * @example
 * container.load(coreModule(config), awsAdapters(config));
 */
export function awsAdapters(config: AwsConfig, options: AwsAdapterOptions = {}): ContainerModule {
  const instrument = options.instrument ?? (<C>(client: C) => client);
  // More attempts than the SDK's, no retry quota to run dry under sustained faults, and no
  // waiting for ever on a stalled connection (sdk-client-options.ts).
  const retries = sdkClientOptions(options.timeouts);
  return new ContainerModule(({ bind }) => {
    bind(T.S3Client)
      .toResolvedValue(() =>
        instrument(
          new S3Client({
            region: config.region,
            ...retries,
            forcePathStyle: config.forcePathStyle,
            // Presigned PUTs must not carry a checksum of the (empty) body they were signed with.
            requestChecksumCalculation: 'WHEN_REQUIRED',
            responseChecksumValidation: 'WHEN_REQUIRED',
          }),
        ),
      )
      .inSingletonScope();
    bind(T.SQSClient)
      .toResolvedValue(() =>
        instrument(new SQSClient({ region: config.region, useQueueUrlAsEndpoint: false, ...retries })),
      )
      .inSingletonScope();
    bind(T.DynamoDBClient)
      .toResolvedValue(() => instrument(new DynamoDBClient({ region: config.region, ...retries })))
      .inSingletonScope();

    bind(T.BlobStore)
      .toResolvedValue((s3) => new S3BlobStore(s3, { bucket: config.bucket }), [T.S3Client])
      .inSingletonScope();
    bind(T.UrlSigner)
      .toResolvedValue(
        (s3, clock) =>
          new S3UrlSigner(
            s3,
            {
              bucket: config.bucket,
              uploadExpiresInSeconds: config.uploadExpiresInSeconds,
              downloadExpiresInSeconds: config.downloadExpiresInSeconds,
            },
            clock,
          ),
        [T.S3Client, T.Clock],
      )
      .inSingletonScope();
    bind(T.MultipartUploads)
      .toResolvedValue(
        (s3, clock) =>
          new S3MultipartUploads(
            s3,
            { bucket: config.bucket, partExpiresInSeconds: config.uploadExpiresInSeconds },
            clock,
          ),
        [T.S3Client, T.Clock],
      )
      .inSingletonScope();
    bind(T.S3UploadTagging)
      .toResolvedValue((s3) => new S3UploadTagging(s3, { bucket: config.bucket }), [T.S3Client])
      .inSingletonScope();
    bind(T.ThumbnailQueue)
      .toResolvedValue((sqs) => new SqsThumbnailQueue(sqs, { queueUrl: config.queueUrl }), [T.SQSClient])
      .inSingletonScope();
    bind(T.PhotoRepository)
      .toResolvedValue(
        (dynamo) => new DynamoDbPhotoRepository(dynamo, { tableName: config.table }),
        [T.DynamoDBClient],
      )
      .inSingletonScope();
    bind(T.UsageLedger)
      .toResolvedValue(
        (dynamo) => new DynamoDbUsageLedger(dynamo, { tableName: config.table }),
        [T.DynamoDBClient],
      )
      .inSingletonScope();
  });
}
