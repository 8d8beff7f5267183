import { CfnOutput, Lazy, Stack, type StackProps } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { defaultLimits } from '../../src/domain/limits.js';
import { pageLimitsOf } from '../../src/entrypoints/composition/config-env.js';
import { Alarms } from './alarms.js';
import { AnalysisProcessing, type ModerationSettings } from './analysis.js';
import { Api, type ApiThrottle } from './api.js';
import { Auth, type ExistingIssuer } from './auth.js';
import { OperationsDashboard } from './dashboard.js';
import { API_BASE, type CustomDomain, Delivery } from './delivery.js';
import { DLQ_RETENTION, UploadFanOut } from './fan-out.js';
import { SiteFirewall } from './firewall.js';
import { ThumbnailProcessing } from './processing.js';
import { PurgedUploads } from './purged-uploads.js';
import { type AcknowledgedFinding, acknowledgeRulePackFindings } from './rule-pack.js';
import { LOG_PREFIXES, Storage } from './storage.js';
import { VideoProcessing } from './video.js';

/** Options of {@link PixportStack}; all optional. See docs/deploy.md for the matching context keys. */
export interface PixportStackProps extends StackProps {
  /** Origins, besides the site itself, allowed to call the API and upload to the bucket from a browser. */
  readonly allowedOrigins?: string[];
  /** Trust an existing identity provider instead of creating a Cognito user pool. */
  readonly existingIssuer?: ExistingIssuer;
  /** Prefix of the Cognito managed login domain. Default `<stack name>-<account id>`. */
  readonly authDomainPrefix?: string;
  /** Let people create their own account in the user pool (email verified by code). Default true. */
  readonly selfSignUp?: boolean;
  /** Redirect URLs the page's client allows besides the site, e.g. `http://localhost:3000/` for a local page. */
  readonly extraAuthUrls?: string[];
  /** Serve the site on this domain instead of the distribution's own. */
  readonly domain?: CustomDomain;
  /** Subscribe this address to the alarm topic. */
  readonly alarmEmail?: string;
  /** Retention of the Lambdas' logs. Default one month. */
  readonly logRetention?: RetentionDays;
  /** Days before an original whose upload was never accepted is deleted. Default the DLQ's retention (14). */
  readonly pendingUploadExpiryDays?: number;
  /** Days a deleted or replaced original stays restorable in the versioned photos bucket. Default 30. */
  readonly originalVersionRetentionDays?: number;
  /** API Gateway's throttle of every route (requests a second, and the burst). Default 50 and 100. */
  readonly apiThrottle?: ApiThrottle;
  /** Most thumbnail worker instances at once (the SQS event source's MaximumConcurrency). Default 10. */
  readonly workerMaxConcurrency?: number;
  /** What one owner may keep: photos and bytes. Default no limit (usage is counted all the same). */
  readonly ownerQuota?: { readonly maxPhotos?: number; readonly maxBytes?: number };
  /** Days the logs bucket keeps S3 and CloudFront access logs. Default 90. */
  readonly accessLogRetentionDays?: number;
  /**
   * A WAF web ACL on CloudFront: the ARN of one made in us-east-1, or `{ rateLimit }` to
   * make one here (AWS's common rules and a rate-based rule), which only a stack in
   * us-east-1 can. Default none.
   */
  readonly webAcl?: { readonly arn: string } | { readonly rateLimit: number };
  /** Analyse uploads (labels and moderation with Rekognition). Default true; see docs/cost.md. */
  readonly analysis?: boolean;
  /** The moderation policy of the analysis worker (flag or block, thresholds, categories). */
  readonly moderation?: ModerationSettings;
  /** Transcode videos (MediaConvert in a Step Functions workflow). Default true; see docs/cost.md. */
  readonly video?: boolean;
}

/**
 * The whole service on AWS: storage, thumbnail processing, auth, the HTTP API, the
 * CloudFront site and alarms. Environment-agnostic unless `env` is given, and it
 * looks nothing up, so `cdk synth` needs neither credentials nor network.
 */
export class PixportStack extends Stack {
  readonly storage: Storage;
  readonly uploads: UploadFanOut;
  readonly processing: ThumbnailProcessing;
  /** Releases the quota of uploads that the table's TTL purged. */
  readonly purgedUploads: PurgedUploads;
  /** Absent when the `analysis` parameter is false. */
  readonly analysis: AnalysisProcessing | undefined;
  /** Absent when the `video` parameter is false. */
  readonly video: VideoProcessing | undefined;
  readonly auth: Auth;
  readonly api: Api;
  readonly delivery: Delivery;
  readonly alarms: Alarms;
  readonly dashboard: OperationsDashboard;
  /** Made only with `webAcl: { rateLimit }`. */
  readonly firewall: SiteFirewall | undefined;
  /** The findings of cdk-nag's AwsSolutions pack that stand, each with its reason (rule-pack.ts). */
  readonly acknowledgedFindings: readonly AcknowledgedFinding[];

  constructor(scope: Construct, id: string, props: PixportStackProps = {}) {
    super(scope, id, props);
    const logRetention = props.logRetention ?? RetentionDays.ONE_MONTH;

    this.storage = new Storage(this, 'Storage', {
      pendingUploadExpiryDays: props.pendingUploadExpiryDays ?? DLQ_RETENTION.toDays(),
      ...(props.originalVersionRetentionDays !== undefined
        ? { originalVersionRetentionDays: props.originalVersionRetentionDays }
        : {}),
      ...(props.accessLogRetentionDays !== undefined
        ? { accessLogRetentionDays: props.accessLogRetentionDays }
        : {}),
    });
    const { photos, table, web } = this.storage;

    // What the composition root (src/entrypoints/composition/aws-config.ts) reads.
    // AWS_REGION is set by Lambda itself.
    const serviceEnvironment = (queueUrl: string): Record<string, string> => ({
      PHOTOS_BUCKET: photos.bucketName,
      PHOTOS_TABLE: table.tableName,
      THUMBNAIL_QUEUE_URL: queueUrl,
    });

    this.uploads = new UploadFanOut(this, 'Uploads', { photos });
    this.processing = new ThumbnailProcessing(this, 'Processing', {
      photos,
      table,
      uploads: this.uploads.topic,
      logRetention,
      ...(props.workerMaxConcurrency !== undefined ? { maxConcurrency: props.workerMaxConcurrency } : {}),
      environment: (queue) => serviceEnvironment(queue.queueUrl),
    });
    const { queue, deadLetterQueue, worker } = this.processing;
    this.analysis =
      props.analysis === false
        ? undefined
        : new AnalysisProcessing(this, 'Analysis', {
            uploads: this.uploads.topic,
            photos,
            table,
            logRetention,
            environment: serviceEnvironment(queue.queueUrl),
            ...(props.moderation ? { moderation: props.moderation } : {}),
          });

    this.video =
      props.video === false
        ? undefined
        : new VideoProcessing(this, 'Video', {
            uploads: this.uploads.topic,
            photos,
            table,
            logRetention,
            environment: serviceEnvironment(queue.queueUrl),
            ...(this.analysis ? { analysisQueue: this.analysis.queue } : {}),
          });

    // The site's URL exists only once Delivery does, which needs the API, which needs the
    // authorizer, which needs the page's client, whose redirect URLs name the site. A lazy
    // value settles the construction order; CloudFormation sees no cycle, because the
    // distribution depends on the API's id alone.
    const siteUrl = Lazy.string({ produce: () => this.delivery.siteUrl });
    this.auth = new Auth(this, 'Auth', {
      siteUrl,
      ...(props.existingIssuer ? { existingIssuer: props.existingIssuer } : {}),
      ...(props.authDomainPrefix !== undefined ? { domainPrefix: props.authDomainPrefix } : {}),
      ...(props.selfSignUp !== undefined ? { selfSignUp: props.selfSignUp } : {}),
      ...(props.extraAuthUrls ? { extraRedirectUrls: props.extraAuthUrls } : {}),
    });

    this.api = new Api(this, 'Api', {
      photos,
      table,
      queue,
      authorizer: this.auth.authorizer,
      logRetention,
      environment: { ...serviceEnvironment(queue.queueUrl), ...quotaEnvironment(props.ownerQuota) },
      ...(props.apiThrottle ? { throttle: props.apiThrottle } : {}),
    });
    this.purgedUploads = new PurgedUploads(this, 'Purged Uploads', {
      table,
      logRetention,
      environment: serviceEnvironment(queue.queueUrl),
    });

    const webAcl = props.webAcl;
    this.firewall =
      webAcl && 'rateLimit' in webAcl
        ? new SiteFirewall(this, 'Firewall', { rateLimit: webAcl.rateLimit })
        : undefined;
    const webAclArn = this.firewall?.webAcl.attrArn ?? (webAcl && 'arn' in webAcl ? webAcl.arn : undefined);
    this.delivery = new Delivery(this, 'Delivery', {
      web,
      api: this.api.api,
      logs: this.storage.logs,
      logPrefix: LOG_PREFIXES.cloudfront,
      ...(webAclArn ? { webAclArn } : {}),
      ...(props.domain ? { domain: props.domain } : {}),
      pageConfig: {
        apiBase: API_BASE,
        auth: this.auth.pageConfig,
        analysis: this.analysis !== undefined,
        video: this.video !== undefined,
        // The http Lambda enforces the domain's defaults (no MAX_ORIGINAL_BYTES is set on it).
        limits: pageLimitsOf(defaultLimits),
      },
    });

    // Known only now: the site's origin. The distribution depends on the API's id
    // alone (not its routes or handler), so neither of these makes a cycle.
    const origins = [this.delivery.siteUrl, ...(props.allowedOrigins ?? [])];
    this.storage.allowUploadsFrom(origins);
    this.api.handler.addEnvironment('ALLOWED_ORIGINS', origins.join(','));
    // Without the video workflow nothing would ever make a video's renditions: refuse videos at upload.
    if (!this.video) this.api.handler.addEnvironment('VIDEO_UPLOADS', 'off');

    this.alarms = new Alarms(this, 'Alarms', {
      deadLetterQueue,
      queue,
      worker,
      httpHandler: this.api.handler,
      api: this.api.api,
      ...(this.analysis ? { analysis: this.analysis } : {}),
      ...(this.video ? { video: this.video } : {}),
      ...(props.alarmEmail ? { email: props.alarmEmail } : {}),
    });

    this.dashboard = new OperationsDashboard(this, 'Operations', {
      api: this.api.api,
      queues: [
        { name: 'thumbnails', queue },
        ...(this.analysis ? [{ name: 'analysis', queue: this.analysis.queue }] : []),
        ...(this.video ? [{ name: 'video', queue: this.video.queue }] : []),
      ],
      deadLetterQueues: [
        { name: 'thumbnails DLQ', queue: deadLetterQueue },
        ...(this.analysis ? [{ name: 'analysis DLQ', queue: this.analysis.deadLetterQueue }] : []),
        ...(this.video ? [{ name: 'video DLQ', queue: this.video.deadLetterQueue }] : []),
        { name: 'purged uploads DLQ', queue: this.purgedUploads.deadLetterQueue },
      ],
      functions: [
        { name: 'http', fn: this.api.handler },
        { name: 'thumbnail worker', fn: worker },
        { name: 'purged uploads', fn: this.purgedUploads.fn },
        ...(this.video
          ? [
              { name: 'video probe', fn: this.video.probe },
              { name: 'video record', fn: this.video.record },
            ]
          : []),
      ],
    });

    const output = (id: string, value: string, description: string) =>
      new CfnOutput(this, id, { value, description });
    output('SiteUrl', this.delivery.siteUrl, 'The gallery page; the API is under /api on the same origin');
    output('ApiUrl', this.api.api.apiEndpoint, 'The HTTP API, directly');
    output('PhotosBucketName', photos.bucketName, 'Originals and renditions (retained on delete)');
    output('WebBucketName', web.bucketName, 'The page');
    output('TableName', table.tableName, 'Photo records (retained on delete)');
    output('QueueName', queue.queueName, 'Thumbnail jobs');
    output('QueueUrl', queue.queueUrl, 'Thumbnail jobs');
    output('DeadLetterQueueName', deadLetterQueue.queueName, 'Thumbnail jobs that failed 5 times');
    output('AlarmTopicArn', this.alarms.topic.topicArn, 'Alarm notifications');
    output(
      'LogsBucketName',
      this.storage.logs.bucketName,
      'S3 and CloudFront access logs (retained on delete)',
    );
    output(
      'ApiAccessLogGroup',
      this.api.accessLogs.logGroupName,
      "The API's access log, one JSON line per request",
    );
    output('DashboardName', this.dashboard.dashboard.dashboardName, 'The operations dashboard in CloudWatch');
    if (this.video) {
      output(
        'VideoStateMachineArn',
        this.video.stateMachine.stateMachineArn,
        'The video workflow (Probe, MediaConvert, Record): executions, redrive',
      );
      output(
        'VideoDeadLetterQueueName',
        this.video.deadLetterQueue.queueName,
        'Video uploads that failed 5 times',
      );
    }
    output('JwtIssuer', this.auth.issuer, 'Issuer the API trusts');
    if (this.auth.userPool && this.auth.userPoolClient && this.auth.domain) {
      output('UserPoolId', this.auth.userPool.userPoolId, 'Cognito user pool (retained on delete)');
      output('UserPoolClientId', this.auth.userPoolClient.userPoolClientId, "The page's Cognito app client");
      output(
        'AuthDomainUrl',
        this.auth.domain.baseUrl(),
        'Cognito managed login: sign-in, sign-up, sign-out',
      );
    }

    this.acknowledgedFindings = acknowledgeRulePackFindings(this);
  }
}

/**
 * The quota as the http Lambda's composition root reads it (upload-limits-env.ts);
 * nothing when there is none. Only the API registers uploads, so only it is told.
 */
function quotaEnvironment(quota: PixportStackProps['ownerQuota']): Record<string, string> {
  for (const [name, value] of Object.entries(quota ?? {})) {
    if (value !== undefined && (!Number.isSafeInteger(value) || value < 1)) {
      throw new Error(`the owner quota's ${name} is a whole number, 1 or more, not ${value}`);
    }
  }
  return {
    ...(quota?.maxPhotos !== undefined ? { QUOTA_MAX_PHOTOS: String(quota.maxPhotos) } : {}),
    ...(quota?.maxBytes !== undefined ? { QUOTA_MAX_BYTES: String(quota.maxBytes) } : {}),
  };
}
