/**
 * The video workflow's start: the enrichment of the EventBridge Pipe between the
 * video queue (S3 ObjectCreated notifications of originals, from the upload
 * topic) and the Step Functions state machine. It returns one execution input
 * per upload of a video item and drops the rest (photos, deleted items, test
 * events), so the pipe starts nothing for them (deploy/lib/video.ts). A failure
 * to read the table throws: the pipe leaves the message on the queue, which
 * retries it and finally moves it to the queue's DLQ.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Tracer } from '@aws-lambda-powertools/tracer';
import type { Context } from 'aws-lambda';
import { Container } from 'inversify';
import { parseAwsConfig } from '../composition/aws-config.js';
import { awsAdapters } from '../composition/aws-module.js';
import { coreModule } from '../composition/core-module.js';
import { TOKENS as T } from '../composition/tokens.js';
import { traced } from './tracing.js';
import { type VideoWorkflowInput, VideoWorkflowTasks } from './video-workflow-tasks.js';

const config = parseAwsConfig(process.env);
const logger = new Logger({ serviceName: 'pixport-video' });
const tracer = new Tracer({ serviceName: 'pixport-video' });

const container = new Container();
container.load(
  coreModule(config),
  awsAdapters(config, { instrument: (client) => tracer.captureAWSv3Client(client) }),
);
const start = VideoWorkflowTasks.start({ bucket: config.bucket, photos: container.get(T.PhotoRepository) });

/**
 * The Lambda handler: a batch of SQS messages as the pipe hands them over, and
 * the executions to start, `[]` for none.
 *
 * @example
 * await handler([{ messageId: '…', body: '{"Records":[{"eventSource":"aws:s3",…}]}' }], context);
 * // [{ ownerId: 'c0ffee…', photoId: '0190…' }]
 */
export const handler = async (event: unknown, context: Context): Promise<VideoWorkflowInput[]> => {
  logger.addContext(context);
  return traced(tracer, async () => {
    const inputs = await start(event, (reason, messageId) =>
      logger.info('upload not for the video workflow', { reason, messageId }),
    );
    for (const input of inputs) logger.info('video workflow started', { ...input });
    return inputs;
  });
};
