import type { CreateJobRequest } from '@aws-sdk/client-mediaconvert';
import type { MediaProbe } from '../../application/ports/media-probe.js';
import type { VideoTranscodeJob, VideoTranscoder } from '../../application/ports/video-transcoder.js';
import { type MediaConvertJobConfig, MediaConvertJobRequest } from './mediaconvert-job-request.js';

/** A transcode handed to the workflow: the job, and the CreateJob request its next state submits. */
export interface HandedOffTranscode {
  readonly job: VideoTranscodeJob;
  readonly createJob: CreateJobRequest;
}

/**
 * The VideoTranscoder of the AWS workflow's Probe step. In the Step Functions
 * workflow (deploy/lib/video.ts) the state after Probe submits the MediaConvert
 * job itself (`mediaconvert:createJob.sync`) and waits for it, so "submitting"
 * from inside the Lambda means handing the request over: `submit` builds the
 * CreateJob request (`MediaConvertJobRequest.build`, the same as
 * MediaConvertVideoTranscoder sends) and keeps it for the Probe step to return
 * (`take`). One Lambda instance runs one invocation at a time, and the step takes
 * what it was handed before it returns, so nothing crosses between jobs.
 *
 * The job the use case submits says nothing of sound; `watching(probe)` wraps the
 * MediaProbe the use case probes with, so the request asks for an AAC track only
 * when the original has one.
 *
 * @example
 * const handOff = new MediaConvertWorkflowTranscoder({ bucket, roleArn });
 * const processVideo = new ProcessVideo(photos, blobs, handOff.watching(probe), handOff, clock, limits, settings);
 * const outcome = await processVideo.execute(input);
 * const handed = handOff.take(); // { job, createJob } once submitted
 */
export class MediaConvertWorkflowTranscoder implements VideoTranscoder {
  private handed: HandedOffTranscode | undefined;
  private hasAudio: boolean | undefined;

  constructor(private readonly config: MediaConvertJobConfig) {}

  async submit(job: VideoTranscodeJob): Promise<void> {
    const withAudio = this.hasAudio === undefined ? job : { ...job, hasAudio: this.hasAudio };
    this.handed = { job, createJob: MediaConvertJobRequest.build(withAudio, this.config) };
  }

  /** What was submitted since the last `take`, if anything; taking it forgets it. */
  take(): HandedOffTranscode | undefined {
    const handed = this.handed;
    this.handed = undefined;
    this.hasAudio = undefined;
    return handed;
  }

  /** `probe`, remembering whether the original it last read has sound. */
  watching(probe: MediaProbe): MediaProbe {
    return {
      probe: async (source) => {
        const result = await probe.probe(source);
        this.hasAudio = result.ok ? result.value.hasAudio : undefined;
        return result;
      },
    };
  }
}
