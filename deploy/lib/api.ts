import { Duration } from 'aws-cdk-lib';
import { HttpApi, HttpMethod, type IHttpRouteAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { LAMBDA_ENTRIES } from './lambda-bundle.js';
import { NodeLambda } from './node-lambda.js';
import { API_ROUTES } from './routes.js';
import { ORIGINALS_PREFIX, RENDITIONS_PREFIX } from './storage.js';

/** Options of {@link Api}. */
export interface ApiProps {
  readonly photos: Bucket;
  readonly table: Table;
  readonly queue: Queue;
  readonly authorizer: IHttpRouteAuthorizer;
  readonly logRetention: RetentionDays;
  readonly environment: Record<string, string>;
}

/**
 * The HTTP API: an API Gateway HTTP API in front of one Lambda running the hono
 * app, every route behind the JWT authorizer except health, the OpenAPI document
 * and CORS preflight.
 */
export class Api extends Construct {
  readonly api: HttpApi;
  readonly handler: NodejsFunction;

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
    // stores small direct uploads, HEADs them, and deletes a photo's objects.
    props.photos.grantPut(this.handler, `${ORIGINALS_PREFIX}*`);
    props.photos.grantRead(this.handler, `${ORIGINALS_PREFIX}*`);
    props.photos.grantRead(this.handler, `${RENDITIONS_PREFIX}*`);
    props.photos.grantDelete(this.handler, `${ORIGINALS_PREFIX}*`);
    props.photos.grantDelete(this.handler, `${RENDITIONS_PREFIX}*`);
    props.table.grantReadWriteData(this.handler);
    props.queue.grantSendMessages(this.handler);

    this.api = new HttpApi(this, 'HttpApi', {
      description: 'Pixport API',
      // The app answers CORS itself (preflight included); API Gateway's own CORS would override it.
      createDefaultStage: true,
    });
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
