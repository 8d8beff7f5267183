import type { BlobStore } from '../../application/ports/blob-store.js';
import {
  VideoTranscodeCompletion,
  type VideoTranscodeJob,
} from '../../application/ports/video-transcoder.js';
import { MediaConvertJobRequest } from './mediaconvert-job-request.js';
import { type MediaConvertJobOutcome, MediaConvertJobState } from './mediaconvert-job-state.js';

const CACHE = 'public, max-age=31536000, immutable';

/** The key of an `s3://bucket/key` path in `bucket`, or undefined for another bucket. */
const keyOf = (path: string, bucket: string): string | undefined => {
  const prefix = `s3://${bucket}/`;
  return path.startsWith(prefix) ? path.slice(prefix.length) : undefined;
};

/**
 * Turns how a MediaConvert job ended into the port's VideoTranscodeCompletion, with
 * what only storage knows: the sizes of the outputs, which neither GetJob nor the
 * event report. The poster is the last frame capture (`MediaConvertJobRequest`); it
 * is copied to the job's `outputs.poster` key, the sampled frames' captures to
 * `outputs.frames`, and the captures deleted, so the item's keys are the ones
 * every transcoder writes (`poster.jpg`, `frame-1.jpg`...). Running this
 * again after it has run finds the poster already at its key. A job MediaConvert
 * failed, or whose outputs are not all in storage, is a permanent failure: the
 * workflow has retried what a retry can cure before it gets here.
 *
 * @example
 * const completion = await new MediaConvertCompletions(blobs, { bucket }).of(job, MediaConvertJobState.fromJob(syncOutput));
 */
export class MediaConvertCompletions {
  constructor(
    private readonly blobs: BlobStore,
    private readonly config: { readonly bucket: string },
  ) {}

  async of(job: VideoTranscodeJob, outcome: MediaConvertJobOutcome): Promise<VideoTranscodeCompletion> {
    const failed = (reason: string): VideoTranscodeCompletion => ({
      ownerId: job.ownerId,
      photoId: job.photoId,
      status: 'failed',
      reason,
      permanent: true,
    });
    if (outcome.status === 'error') return failed(MediaConvertJobState.reason(outcome));
    if (outcome.status === 'running') {
      throw new TypeError(`the MediaConvert job is ${outcome.state}, not finished: it has no completion yet`);
    }

    const [mp4Group = [], posterGroup = []] = outcome.outputGroups;
    const mp4 = mp4Group[0];
    const head = await this.blobs.head(job.outputs.video);
    if (!head)
      return failed(`MediaConvert reported the job complete, but ${job.outputs.video} is not in storage`);
    const poster = await this.poster(
      job,
      posterGroup.flatMap((o) => o.paths),
    );
    if (!poster) return failed('MediaConvert reported the job complete, but made no poster frame');
    const frameBytes = await this.frames(job);

    // MediaConvert scales to exactly the plan's size; what it reports is preferred where it reports it.
    return VideoTranscodeCompletion.done(job, {
      width: mp4?.width ?? job.plan.width,
      height: mp4?.height ?? job.plan.height,
      durationMs: mp4?.durationMs ?? job.durationMs,
      videoBytes: head.size,
      posterBytes: poster,
      frameBytes,
    });
  }

  /**
   * Copies the sampled frames' captures 1, 2, 3... (capture 0 is the video's first
   * frame) to the job's `outputs.frames` keys and deletes the captures; the size of
   * each frame, undefined for one MediaConvert did not make (a time past where the
   * picture ends). Run again, it finds the frames already at their keys.
   */
  private async frames(job: VideoTranscodeJob): Promise<(number | undefined)[]> {
    const { frameCaptures } = MediaConvertJobRequest.outputKeys(job);
    const sizes = await Promise.all(
      job.outputs.frames.map(async (key, i) => {
        const capture = await this.blobs.get(frameCaptures[i + 1] ?? '');
        if (!capture) return (await this.blobs.head(key))?.size;
        await this.blobs.put(key, capture.bytes, { contentType: 'image/jpeg', cacheControl: CACHE });
        return capture.bytes.byteLength;
      }),
    );
    if (frameCaptures.length > 0) await this.blobs.deleteMany([...frameCaptures]);
    return sizes;
  }

  /** Moves the last capture to `outputs.poster`; its size, or undefined when there is none. */
  private async poster(job: VideoTranscodeJob, reported: readonly string[]): Promise<number | undefined> {
    const { captures } = MediaConvertJobRequest.outputKeys(job);
    // Only captures of this job's poster: a report naming anything else is not followed.
    const base = job.outputs.poster.replace(/\.jpg$/, '.');
    const named = reported
      .map((p) => keyOf(p, this.config.bucket))
      .filter((k): k is string => k?.startsWith(base) === true && k.endsWith('.jpg'));
    // The event names the last capture it wrote; GetJob names none, so the expected ones are tried, last first.
    const candidates = [...new Set([...named, ...[...captures].reverse()])];
    for (const key of candidates) {
      const capture = await this.blobs.get(key);
      if (!capture) continue;
      await this.blobs.put(job.outputs.poster, capture.bytes, {
        contentType: 'image/jpeg',
        cacheControl: CACHE,
      });
      await this.blobs.deleteMany([...new Set([...captures, ...named])]);
      return capture.bytes.byteLength;
    }
    return (await this.blobs.head(job.outputs.poster))?.size;
  }
}
