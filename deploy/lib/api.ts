import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { type CfnStage, HttpApi, HttpMethod, type IHttpRouteAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { allow } from './grants.js';
import { LAMBDA_ENTRIES } from './lambda-bundle.js';
import { NodeLambda } from './node-lambda.js';
import { API_ROUTES } from './routes.js';
import { ORIGINALS_PREFIX, RENDITIONS_PREFIX } from './storage.js';

/**
 * What writing originals takes: PutObject for single uploads and the multipart calls
 * (create, upload part, complete), PutObjectTagging because every presigned upload
 * signs the pending-upload tag, and the list and abort of multipart uploads.
 */
const OBJECT_WRITES = [
  's3:PutObject',
  's3:PutObjectTagging',
  's3:ListMultipartUploadParts',
  's3:AbortMultipartUpload',
];

/** API Gateway's throttle of every route: steady requests per second, and the burst above it. */
export interface ApiThrottle {
  readonly rateLimit: number;
  readonly burstLimit: number;
}

/**
 * The default throttle: far above what people at a gallery page send (a page load is a
 * handful of calls; photos come from S3 and CloudFront), far below the account's 10,000
 * requests a second, so one client in a loop cannot spend the account's share or run up
 * Lambda and DynamoDB. Over it API Gateway answers 429 without calling the Lambda.
 */
export const DEFAULT_API_THROTTLE: ApiThrottle = { rateLimit: 50, burstLimit: 100 };

/**
 * One JSON object per request in the API's access log: who (the token's `sub`, the
 * source IP), what (route, status, sizes), how long (the integration's and the whole
 * request's latency) and why it failed (authorizer or integration errors), with the
 * request id that the Lambda's own log lines carry too.
 */
export const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: '$context.requestId',
  time: '$context.requestTime',
  ip: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  sub: '$context.authorizer.claims.sub',
  method: '$context.httpMethod',
  routeKey: '$context.routeKey',
  path: '$context.path',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  integrationStatus: '$context.integrationStatus',
  integrationError: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
  errorMessage: '$context.error.message',
});

/** Options of {@link Api}. */
export interface ApiProps {
  readonly photos: Bucket;
  readonly table: Table;
  readonly queue: Queue;
  readonly authorizer: IHttpRouteAuthorizer;
  readonly logRetention: RetentionDays;
  readonly environment: Record<string, string>;
  /** Default {@link DEFAULT_API_THROTTLE}. */
  readonly throttle?: ApiThrottle;
}

/**
 * The HTTP API: an API Gateway HTTP API in front of one Lambda running the hono
 * app, every route behind the JWT authorizer except health, the OpenAPI document
 * and CORS preflight.
 */
export class Api extends Construct {
  readonly api: HttpApi;
  readonly handler: NodejsFunction;
  /** The API's access log, one JSON line per request ({@link ACCESS_LOG_FORMAT}). */
  readonly accessLogs: LogGroup;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    this.handler = new NodeLambda(this, 'Handler', {
      entry: LAMBDA_ENTRIES.http,
      description: 'Pixport HTTP API (hono)',
      // More memory is more CPU: it shortens cold starts more than it costs.
      memorySize: 1024,
      // API Gateway gives up on an integration after 30 s.
      timeout: Duration.seconds(29),
      logRetention: props.logRetention,
      environment: props.environment,
    }).fn;

    // Presigns uploads of originals (single, and the parts of multipart uploads, which it
    // creates, lists, completes and aborts) and signed GETs of originals and renditions,
    // stores small direct uploads, HEADs them, and deletes a photo's objects. Exact actions,
    // not CDK's grantRead/grantDelete: those bring `s3:DeleteObject*` (DeleteObjectVersion,
    // which would let the app destroy what versioning keeps) and wildcards besides.
    const originals = props.photos.arnForObjects(`${ORIGINALS_PREFIX}*`);
    const renditions = props.photos.arnForObjects(`${RENDITIONS_PREFIX}*`);
    allow(this.handler, OBJECT_WRITES, [originals]);
    allow(this.handler, ['s3:GetObject', 's3:DeleteObject'], [originals, renditions]);
    // A HEAD of a missing key is a 404 only to a role that may list the bucket (else 403).
    allow(this.handler, ['s3:ListBucket'], [props.photos.bucketArn]);
    props.table.grantReadWriteData(this.handler);
    props.queue.grantSendMessages(this.handler);

    this.api = new HttpApi(this, 'HttpApi', {
      description: 'Pixport API',
      // The app answers CORS itself (preflight included); API Gateway's own CORS would override it.
      createDefaultStage: true,
    });
    // The default stage is kept (a new one would clash with it on update) and configured
    // through its CloudFormation resource: the HttpApi construct takes no stage options.
    const throttle = props.throttle ?? DEFAULT_API_THROTTLE;
    if (
      !Number.isInteger(throttle.rateLimit) ||
      !Number.isInteger(throttle.burstLimit) ||
      throttle.rateLimit < 1 ||
      throttle.burstLimit < 1
    ) {
      throw new Error(`the API throttle is whole requests, 1 or more: ${JSON.stringify(throttle)}`);
    }
    this.accessLogs = new LogGroup(this, 'Access Logs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const stage = this.api.defaultStage?.node.defaultChild as CfnStage;
    stage.defaultRouteSettings = {
      throttlingRateLimit: throttle.rateLimit,
      throttlingBurstLimit: throttle.burstLimit,
    };
    stage.accessLogSettings = { destinationArn: this.accessLogs.logGroupArn, format: ACCESS_LOG_FORMAT };
    const integration = new HttpLambdaIntegration('App', this.handler);
    for (const route of API_ROUTES) {
      this.api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration,
        ...(route.public ? {} : { authorizer: props.authorizer }),
      });
    }
  }
}
