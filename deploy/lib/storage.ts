import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, StreamViewType, Table } from 'aws-cdk-lib/aws-dynamodb';
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

/**
 * Days a replaced or deleted original is kept as a noncurrent version of the
 * versioned photos bucket, by default: long enough to notice a mistake and
 * restore it (docs/deploy.md, "Bring a photo back").
 */
export const ORIGINAL_VERSION_RETENTION_DAYS = 30;
/**
 * Days a replaced or deleted rendition is kept: renditions are made again from
 * the original, so old ones only have to outlive a restore that needs no render.
 */
export const RENDITION_VERSION_RETENTION_DAYS = 1;

/** Options of {@link Storage}. */
export interface StorageProps {
  /**
   * Days after which an original still tagged as a pending upload is deleted. At
   * least the DLQ's retention, so a dead-lettered notification can still be redriven.
   */
  readonly pendingUploadExpiryDays: number;
  /** Days a deleted or replaced original stays restorable. Default {@link ORIGINAL_VERSION_RETENTION_DAYS}. */
  readonly originalVersionRetentionDays?: number;
  /** Days the logs bucket keeps access logs. Default {@link ACCESS_LOG_RETENTION_DAYS}. */
  readonly accessLogRetentionDays?: number;
}

/** Days access logs (S3 server access logs, CloudFront standard logs) are kept, by default. */
export const ACCESS_LOG_RETENTION_DAYS = 90;
/** Where in the logs bucket each source writes. */
export const LOG_PREFIXES = {
  photos: 's3/photos/',
  web: 's3/web/',
  cloudfront: 'cloudfront/',
} as const;

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
  /**
   * Access logs: S3 server access logs of the photos and web buckets and
   * CloudFront's standard logs, expired after `accessLogRetentionDays`.
   */
  readonly logs: Bucket;

  constructor(scope: Construct, id: string, props: StorageProps) {
    super(scope, id);
    const originalVersionDays = props.originalVersionRetentionDays ?? ORIGINAL_VERSION_RETENTION_DAYS;
    if (!Number.isInteger(originalVersionDays) || originalVersionDays < 1) {
      throw new Error(
        `originalVersionRetentionDays is a whole number of days, 1 or more, not ${originalVersionDays}`,
      );
    }
    const logDays = props.accessLogRetentionDays ?? ACCESS_LOG_RETENTION_DAYS;
    if (!Number.isInteger(logDays) || logDays < 1) {
      throw new Error(`accessLogRetentionDays is a whole number of days, 1 or more, not ${logDays}`);
    }
    this.logs = new Bucket(this, 'Logs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      // CloudFront's standard logging writes through an ACL grant (to its log delivery
      // account), which a bucket with ACLs disabled refuses; S3 server access logs come
      // through the bucket policy. Objects written so are still the bucket owner's.
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      // SSE-S3: CloudFront cannot write logs to a bucket that asks for SSE-KMS.
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // Kept when the stack goes: an audit trail should outlive what it audits.
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        { id: 'expire-access-logs', expiration: Duration.days(logDays) },
        { id: 'abort-incomplete-multipart-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
    });

    this.photos = new Bucket(this, 'Photos', {
      serverAccessLogsBucket: this.logs,
      serverAccessLogsPrefix: LOG_PREFIXES.photos,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // Versioned, so no photo is lost to a mistake: a delete (DeletePhoto, a lifecycle
      // expiry) or an overwrite leaves the previous version behind as noncurrent, and the
      // rules below delete those for good after a while. The app's roles may delete
      // objects (which adds a delete marker) but never a version.
      versioned: true,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        { id: 'abort-incomplete-multipart-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
        {
          id: 'expire-unaccepted-originals',
          prefix: ORIGINALS_PREFIX,
          tagFilters: { [PENDING_UPLOAD_TAG.key]: PENDING_UPLOAD_TAG.value },
          expiration: Duration.days(props.pendingUploadExpiryDays),
        },
        {
          id: 'expire-noncurrent-originals',
          prefix: ORIGINALS_PREFIX,
          noncurrentVersionExpiration: Duration.days(originalVersionDays),
        },
        {
          id: 'expire-noncurrent-renditions',
          prefix: RENDITIONS_PREFIX,
          noncurrentVersionExpiration: Duration.days(RENDITION_VERSION_RETENTION_DAYS),
        },
        // A delete marker with no version left under it marks nothing: S3 removes it.
        { id: 'remove-expired-delete-markers', expiredObjectDeleteMarker: true },
      ],
    });

    this.web = new Bucket(this, 'Web', {
      serverAccessLogsBucket: this.logs,
      serverAccessLogsPrefix: LOG_PREFIXES.web,
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
      // Old images of deleted items: what a TTL purge removed, for the quota's release (purged-uploads.ts).
      stream: StreamViewType.OLD_IMAGE,
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
