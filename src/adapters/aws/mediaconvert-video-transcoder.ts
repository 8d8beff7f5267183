import { CreateJobCommand, type MediaConvertClient } from '@aws-sdk/client-mediaconvert';
import type { VideoTranscoder } from '../../application/ports/video-transcoder.js';
import {
  type MediaConvertJobConfig,
  type MediaConvertJobInput,
  MediaConvertJobRequest,
} from './mediaconvert-job-request.js';

/**
 * A VideoTranscoder on AWS Elemental MediaConvert: one CreateJob per transcode,
 * holding both outputs (the MP4 and the poster's frame capture) in one job
 * (`MediaConvertJobRequest.build`). It resolves once MediaConvert has accepted the
 * job; the outcome is MediaConvert's `Job State Change` event (COMPLETE or ERROR),
 * which `MediaConvertJobState` turns into a completion. The client needs no
 * account endpoint: MediaConvert answers on its regional endpoint
 * (`mediaconvert.<region>.amazonaws.com`, the SDK's default) and DescribeEndpoints
 * is deprecated. The caller needs `mediaconvert:CreateJob` and `iam:PassRole` on
 * the job's role, which must trust `mediaconvert.amazonaws.com`.
 *
 * In the AWS workflow the Step Functions state `StartTranscode` submits the same
 * request through the `mediaconvert:createJob.sync` integration instead, and
 * waits for the job there (deploy/lib/video.ts); this class is the same request
 * for a caller outside a workflow.
 *
 * @example
 * const transcoder = new MediaConvertVideoTranscoder(new MediaConvertClient({ region }), { bucket, roleArn });
 * await transcoder.submit(job);
 */
export class MediaConvertVideoTranscoder implements VideoTranscoder {
  constructor(
    private readonly client: MediaConvertClient,
    private readonly config: MediaConvertJobConfig,
  ) {}

  /**
   * Submits the job (asking for an AAC track unless `hasAudio` is false); a refusal or
   * an unreachable MediaConvert throws, so the caller's queue retries.
   */
  async submit(job: MediaConvertJobInput): Promise<void> {
    await this.client.send(new CreateJobCommand(MediaConvertJobRequest.build(job, this.config)));
  }
}
