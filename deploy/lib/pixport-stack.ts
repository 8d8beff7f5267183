import { CfnOutput, Lazy, Stack, type StackProps } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { Alarms } from './alarms.js';
import { Api } from './api.js';
import { Auth, type ExistingIssuer } from './auth.js';
import { API_BASE, type CustomDomain, Delivery } from './delivery.js';
import { DLQ_RETENTION, ThumbnailProcessing } from './processing.js';
import { Storage } from './storage.js';

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
}

/**
 * The whole service on AWS: storage, thumbnail processing, auth, the HTTP API, the
 * CloudFront site and alarms. Environment-agnostic unless `env` is given, and it
 * looks nothing up, so `cdk synth` needs neither credentials nor network.
 */
export class PixportStack extends Stack {
  readonly storage: Storage;
  readonly processing: ThumbnailProcessing;
  readonly auth: Auth;
  readonly api: Api;
  readonly delivery: Delivery;
  readonly alarms: Alarms;

  constructor(scope: Construct, id: string, props: PixportStackProps = {}) {
    super(scope, id, props);
    const logRetention = props.logRetention ?? RetentionDays.ONE_MONTH;

    this.storage = new Storage(this, 'Storage', {
      pendingUploadExpiryDays: props.pendingUploadExpiryDays ?? DLQ_RETENTION.toDays(),
    });
    const { photos, table, web } = this.storage;

    // What the composition root (src/entrypoints/composition/aws-config.ts) reads.
    // AWS_REGION is set by Lambda itself.
    const serviceEnvironment = (queueUrl: string): Record<string, string> => ({
      PHOTOS_BUCKET: photos.bucketName,
      PHOTOS_TABLE: table.tableName,
      THUMBNAIL_QUEUE_URL: queueUrl,
    });

    this.processing = new ThumbnailProcessing(this, 'Processing', {
      photos,
      table,
      logRetention,
      environment: (queue) => serviceEnvironment(queue.queueUrl),
    });
    const { queue, deadLetterQueue, worker } = this.processing;

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
      environment: serviceEnvironment(queue.queueUrl),
    });

    this.delivery = new Delivery(this, 'Delivery', {
      web,
      api: this.api.api,
      ...(props.domain ? { domain: props.domain } : {}),
      pageConfig: { apiBase: API_BASE, auth: this.auth.pageConfig },
    });

    // Known only now: the site's origin. The distribution depends on the API's id
    // alone (not its routes or handler), so neither of these makes a cycle.
    const origins = [this.delivery.siteUrl, ...(props.allowedOrigins ?? [])];
    this.storage.allowUploadsFrom(origins);
    this.api.handler.addEnvironment('ALLOWED_ORIGINS', origins.join(','));

    this.alarms = new Alarms(this, 'Alarms', {
      deadLetterQueue,
      queue,
      worker,
      httpHandler: this.api.handler,
      api: this.api.api,
      ...(props.alarmEmail ? { email: props.alarmEmail } : {}),
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
  }
}
