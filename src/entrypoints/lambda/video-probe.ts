/**
 * The video workflow's Probe step (a Step Functions Lambda task): ProcessVideo
 * reads the original's container header from S3 by byte ranges (mediabunny),
 * checks the video limits and plans the MP4 and poster; its transcoder hands the
 * MediaConvert CreateJob request to the next state, which submits it and waits
 * (`mediaconvert:createJob.sync`). A refusal is recorded on the item by the use
 * case. The container is built once per Lambda instance, at module scope.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Tracer } from '@aws-lambda-powertools/tracer';
import type { Context } from 'aws-lambda';
import { Container, ContainerModule } from 'inversify';
import { MediaConvertWorkflowTranscoder } from '../../adapters/aws/mediaconvert-workflow-transcoder.js';
import { MediabunnyMediaProbe } from '../../adapters/video/mediabunny-media-probe.js';
import { parseAwsConfig } from '../composition/aws-config.js';
import { awsAdapters } from '../composition/aws-module.js';
import { coreModule } from '../composition/core-module.js';
import { TOKENS as T } from '../composition/tokens.js';
import { parseVideoWorkflowEnv } from '../composition/video-workflow-env.js';
import { traced } from './tracing.js';
import { type ProbeResult, VideoWorkflowTasks } from './video-workflow-tasks.js';

const config = parseAwsConfig(process.env);
const video = parseVideoWorkflowEnv(process.env, { requireRole: true });
const logger = new Logger({ serviceName: 'pixport-video' });
const tracer = new Tracer({ serviceName: 'pixport-video' });

const handOff = new MediaConvertWorkflowTranscoder({ bucket: config.bucket, ...video.mediaConvert });
const container = new Container();
container.load(
  coreModule({ ...config, storageAnnouncesUploads: true }),
  awsAdapters(config, { instrument: (client) => tracer.captureAWSv3Client(client) }),
  new ContainerModule(({ bind }) => {
    bind(T.MediaProbe).toConstantValue(handOff.watching(new MediabunnyMediaProbe()));
    bind(T.VideoTranscoder).toConstantValue(handOff);
  }),
);
const probe = VideoWorkflowTasks.probe({ processVideo: container.get(T.ProcessVideo), handOff });

/**
 * The Lambda handler: the execution's input (`{ ownerId, photoId }`) and what
 * the workflow does next (`outcome`: submitted with the job and its request,
 * failed, skipped).
 *
 * @example
 * await handler({ ownerId: 'c0ffee…', photoId: '0190…' }, context); // { outcome: 'submitted', job, createJob }
 */
export const handler = async (event: unknown, context: Context): Promise<ProbeResult> => {
  logger.addContext(context);
  return traced(tracer, async () => {
    const result = await probe(event);
    logger.info('video probed', {
      outcome: result.outcome,
      ...('reason' in result ? { reason: result.reason } : { plan: result.job.plan }),
    });
    return result;
  });
};
