/**
 * The HTTP API Lambda (API Gateway HTTP API, payload 2.0). The container and
 * the app are built once per Lambda instance, at module scope, so a warm
 * request pays for neither; bad configuration fails the cold start.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Tracer } from '@aws-lambda-powertools/tracer';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { handle, type LambdaEvent } from 'hono/aws-lambda';
import { Container } from 'inversify';
import { parseAwsConfig } from '../composition/aws-config.js';
import { awsAdapters } from '../composition/aws-module.js';
import { coreModule } from '../composition/core-module.js';
import { httpUseCases } from '../composition/http-deps.js';
import { createApp } from '../http/create-app.js';
import { apiGatewayIdentity } from '../http/identity.js';
import { traced } from './tracing.js';

const config = parseAwsConfig(process.env);
const logger = new Logger({ serviceName: 'pixport-api' });
const tracer = new Tracer({ serviceName: 'pixport-api' });

const container = new Container();
// S3 notifications drive the thumbnails on AWS: a direct upload queues no job of its own.
container.load(
  coreModule({ ...config, storageAnnouncesUploads: true }),
  awsAdapters(config, { instrument: (client) => tracer.captureAWSv3Client(client) }),
);

const app = createApp({
  useCases: httpUseCases(container),
  // API Gateway's JWT authorizer has verified the token; no claims is a 401.
  identity: apiGatewayIdentity(),
  limits: config.limits,
  renditions: config.renditions,
  allowedOrigins: config.allowedOrigins,
  // No `files` routes: S3 serves the presigned URLs itself.
  log: ({ level, msg, ...rest }) => logger[level](msg, rest),
});

const serve = handle(app);

/**
 * The Lambda handler: API Gateway v2 event in, proxy result out.
 *
 * @example
 * await handler({ version: '2.0', routeKey: 'GET /photos', rawPath: '/photos', ... }, context);
 */
export const handler = async (event: APIGatewayProxyEventV2, context: Context) => {
  logger.addContext(context);
  // hono types the event by hand (body null rather than absent, authorizer required); the
  // shape at run time is the one API Gateway sends, which is what @types/aws-lambda describes.
  return traced(tracer, () => serve(event as unknown as LambdaEvent, context));
};
