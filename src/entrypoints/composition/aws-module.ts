import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { ContainerModule, type ServiceIdentifier } from 'inversify';
import { DynamoDbPhotoRepository } from '../../adapters/aws/dynamodb-photo-repository.js';
import { S3BlobStore } from '../../adapters/aws/s3-blob-store.js';
import { S3UploadTagging } from '../../adapters/aws/s3-upload-tagging.js';
import { S3UrlSigner } from '../../adapters/aws/s3-url-signer.js';
import { SqsThumbnailQueue } from '../../adapters/aws/sqs-thumbnail-queue.js';
import type { AwsConfig } from './aws-config.js';
import { TOKENS as T } from './tokens.js';

/** The SDK clients, for a caller that needs one directly (tests, a future admin task). */
export const AWS_TOKENS = {
  S3Client: Symbol.for('pixport.S3Client') as ServiceIdentifier<S3Client>,
  SQSClient: Symbol.for('pixport.SQSClient') as ServiceIdentifier<SQSClient>,
  DynamoDBClient: Symbol.for('pixport.DynamoDBClient') as ServiceIdentifier<DynamoDBClient>,
  S3UploadTagging: Symbol.for('pixport.S3UploadTagging') as ServiceIdentifier<S3UploadTagging>,
} as const;

/**
 * S3, SQS and DynamoDB behind the ports. Clients are made once per container
 * (per Lambda instance) and on first use, so the http Lambda that never
 * touches a client does not build it.
 *
 * No endpoint is set here: the SDK takes `AWS_ENDPOINT_URL_*` from the
 * environment itself. For the same reason the SQS client uses the resolved
 * endpoint rather than the host of the queue URL (`useQueueUrlAsEndpoint:
 * false`); on AWS both are the regional SQS endpoint.
 *
 * @example
 * container.load(coreModule(config), awsAdapters(config));
 */
export function awsAdapters(config: AwsConfig): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(AWS_TOKENS.S3Client)
      .toResolvedValue(
        () =>
          new S3Client({
            region: config.region,
            forcePathStyle: config.forcePathStyle,
            // Presigned PUTs must not carry a checksum of the (empty) body they were signed with.
            requestChecksumCalculation: 'WHEN_REQUIRED',
            responseChecksumValidation: 'WHEN_REQUIRED',
          }),
      )
      .inSingletonScope();
    bind(AWS_TOKENS.SQSClient)
      .toResolvedValue(() => new SQSClient({ region: config.region, useQueueUrlAsEndpoint: false }))
      .inSingletonScope();
    bind(AWS_TOKENS.DynamoDBClient)
      .toResolvedValue(() => new DynamoDBClient({ region: config.region }))
      .inSingletonScope();

    bind(T.BlobStore)
      .toResolvedValue((s3) => new S3BlobStore(s3, { bucket: config.bucket }), [AWS_TOKENS.S3Client])
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
        [AWS_TOKENS.S3Client, T.Clock],
      )
      .inSingletonScope();
    bind(AWS_TOKENS.S3UploadTagging)
      .toResolvedValue((s3) => new S3UploadTagging(s3, { bucket: config.bucket }), [AWS_TOKENS.S3Client])
      .inSingletonScope();
    bind(T.ThumbnailQueue)
      .toResolvedValue(
        (sqs) => new SqsThumbnailQueue(sqs, { queueUrl: config.queueUrl }),
        [AWS_TOKENS.SQSClient],
      )
      .inSingletonScope();
    bind(T.PhotoRepository)
      .toResolvedValue(
        (dynamo) => new DynamoDbPhotoRepository(dynamo, { tableName: config.table }),
        [AWS_TOKENS.DynamoDBClient],
      )
      .inSingletonScope();
  });
}
