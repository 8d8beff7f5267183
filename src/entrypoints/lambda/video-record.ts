/**
 * The video workflow's Record and RecordFailure steps (one Lambda, two Step
 * Functions tasks): the finished MediaConvert job, or the error its state was
 * caught with, becomes a completion (the outputs' sizes read from S3, the poster
 * moved to its key), which RecordTranscode records: the poster's renditions with
 * wasm-vips and `ready`, or `failed` with MediaConvert's error. The container is
 * built once per Lambda instance, at module scope.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Tracer } from '@aws-lambda-powertools/tracer';
import type { Context } from 'aws-lambda';
import { Container, ContainerModule } from 'inversify';
import { MediaConvertCompletions } from '../../adapters/aws/mediaconvert-completions.js';
import { SqsThumbnailQueue } from '../../adapters/aws/sqs-thumbnail-queue.js';
import { parseAwsConfig } from '../composition/aws-config.js';
import { awsAdapters } from '../composition/aws-module.js';
import { coreModule } from '../composition/core-module.js';
import { wasmVipsImages } from '../composition/image-module.js';
import { TOKENS as T } from '../composition/tokens.js';
import { parseVideoWorkflowEnv } from '../composition/video-workflow-env.js';
import { traced } from './tracing.js';
import { type RecordResult, VideoWorkflowTasks } from './video-workflow-tasks.js';

const config = parseAwsConfig(process.env);
const video = parseVideoWorkflowEnv(process.env);
const logger = new Logger({ serviceName: 'pixport-video' });
const tracer = new Tracer({ serviceName: 'pixport-video' });

const container = new Container();
container.load(
  coreModule({ ...config, storageAnnouncesUploads: true }),
  awsAdapters(config, { instrument: (client) => tracer.captureAWSv3Client(client) }),
  wasmVipsImages(),
  new ContainerModule(({ bind }) => {
    // Every completion the workflow records is final (it retried what it could first), so
    // RecordTranscode never submits again from here; if it ever asks, the step fails loudly.
    bind(T.VideoTranscoder).toConstantValue({
      submit: async () => {
        throw new Error('the video workflow submits MediaConvert jobs from its own state, not from Record');
      },
    });
    const { analysisQueueUrl } = video;
    if (analysisQueueUrl) {
      bind(T.AnalysisQueue)
        .toResolvedValue((sqs) => new SqsThumbnailQueue(sqs, { queueUrl: analysisQueueUrl }), [T.SQSClient])
        .inSingletonScope();
    }
  }),
);
const recordTranscode = container.get(T.RecordTranscode);
const record = VideoWorkflowTasks.record({
  completions: new MediaConvertCompletions(container.get(T.BlobStore), { bucket: config.bucket }),
  record: (completion) => recordTranscode.execute(completion),
});

/**
 * The Lambda handler: `{ job, transcode }` from Record (the `.sync` job), or
 * `{ job, error }` from RecordFailure (the caught error); what was recorded.
 *
 * @example
 * await handler({ job, transcode: { Job: { Status: 'COMPLETE', … } } }, context); // { outcome: 'ready', status: 'ready' }
 */
export const handler = async (event: unknown, context: Context): Promise<RecordResult> => {
  logger.addContext(context);
  return traced(tracer, async () => {
    const result = await record(event);
    logger.info('video transcode recorded', { ...result });
    return result;
  });
};
