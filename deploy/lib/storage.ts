import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table } from 'aws-cdk-lib/aws-dynamodb';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  HttpMethods,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/** Key prefixes of the photos bucket; keys are built from ids (src/domain/storage-keys.ts). */
export const ORIGINALS_PREFIX = 'originals/';
export const RENDITIONS_PREFIX = 'renditions/';

/**
 * Tag an original carries while its upload is not yet accepted. S3 cannot see a
 * photo's status in the table, so the lifecycle rule keys on this tag: the presigned
 * upload signs it as an `x-amz-tagging` header (S3UrlSigner), and the thumbnail
 * worker removes it once it accepts the upload (S3UploadTagging, which holds the
 * same constant). An original whose photo record is gone is deleted by the worker
 * at once. See docs/deploy.md ("Uploads that never complete").
 */
export const PENDING_UPLOAD_TAG = { key: 'pixport-upload', value: 'pending' } as const;

/**
 * The photos table's TTL attribute: DynamoDbPhotoRepository sets it on a pending
 * photo to the end of its upload's grace period (seconds since the epoch) and
 * leaves it off once the upload is accepted, so DynamoDB deletes the photos
 * whose upload never completed. Their objects go by the bucket's lifecycle rules:
 * parts of an incomplete multipart upload after a day, an original that landed
 * but was never accepted by its pending-upload tag.
 */
export const PENDING_PHOTO_TTL_ATTRIBUTE = 'ttl';

/** Options of {@link Storage}. */
export interface StorageProps {
  /**
   * Days after which an original still tagged as a pending upload is deleted. At
   * least the DLQ's retention, so a dead-lettered notification can still be redriven.
   */
  readonly pendingUploadExpiryDays: number;
}

/**
 * The service's state: the private photos bucket (originals and renditions), the
 * private bucket the web page is served from, and the photos table.
 *
 * The photos bucket and the table are retained when the stack is deleted: they hold
 * what users uploaded. The web bucket is rebuilt from web/ on every deploy, so it goes.
 */
export class Storage extends Construct {
  readonly photos: Bucket;
  readonly web: Bucket;
  readonly table: Table;

  constructor(scope: Construct, id: string, props: StorageProps) {
    super(scope, id);
    this.photos = new Bucket(this, 'Photos', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // No versioning: keys are deterministic and a deleted photo must really be gone.
      versioned: false,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        { id: 'abort-incomplete-multipart-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
        {
          id: 'expire-unaccepted-originals',
          prefix: ORIGINALS_PREFIX,
          tagFilters: { [PENDING_UPLOAD_TAG.key]: PENDING_UPLOAD_TAG.value },
          expiration: Duration.days(props.pendingUploadExpiryDays),
        },
      ],
    });

    this.web = new Bucket(this, 'Web', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });

    this.table = new Table(this, 'Photos Table', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: PENDING_PHOTO_TTL_ATTRIBUTE,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  /**
   * Lets browsers on `origins` send signed uploads (presigned PUT or POST, and the
   * parts of multipart uploads) straight to the photos bucket, and fetch signed GETs.
   * Called once the site's origin is known.
   */
  allowUploadsFrom(origins: string[]): void {
    this.photos.addCorsRule({
      allowedOrigins: origins,
      allowedMethods: [HttpMethods.PUT, HttpMethods.POST, HttpMethods.GET, HttpMethods.HEAD],
      // x-amz-* covers the x-amz-tagging header that every presigned upload signs;
      // if-none-match is the `*` it signs too, so an upload URL never replaces an original.
      allowedHeaders: [
        'content-type',
        'content-md5',
        'content-disposition',
        'cache-control',
        'if-none-match',
        'x-amz-*',
      ],
      // The page reads each part's ETag from its PUT, to complete a multipart upload.
      exposedHeaders: ['ETag'],
      maxAge: 3000,
    });
  }
}
