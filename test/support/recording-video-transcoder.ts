import type { VideoTranscodeJob, VideoTranscoder } from '../../src/application/ports/video-transcoder.js';

/**
 * A test double of the VideoTranscoder port for use-case tests: it keeps every
 * job it accepts, transcodes nothing (a test plays the completion it wants),
 * and refuses the next submits it is told to, as a transcoder that cannot take
 * a job throws. The real transcoders pass the VideoTranscoder contract suite.
 *
 * @example
 * const transcoder = new RecordingVideoTranscoder();
 * await processVideo.execute(job);
 * transcoder.jobs[0]?.plan; // { width: 320, height: 240, posterAtMs: 300 }
 */
export class RecordingVideoTranscoder implements VideoTranscoder {
  readonly jobs: VideoTranscodeJob[] = [];
  private refusals = 0;

  /** The next `count` submits throw, accepting nothing. */
  refuseNextSubmits(count: number): void {
    this.refusals = count;
  }

  async submit(job: VideoTranscodeJob): Promise<void> {
    if (this.refusals > 0) {
      this.refusals--;
      throw new Error('injected failure: the transcoder cannot take the job');
    }
    this.jobs.push(structuredClone(job));
  }
}
