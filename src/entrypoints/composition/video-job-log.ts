import type { ThumbnailJob } from '../../application/ports/thumbnail-queue.js';
import type { VideoTranscodeCompletion } from '../../application/ports/video-transcoder.js';
import type { VideoJobOutcome } from '../../application/use-cases/process-video.js';
import type { TranscodeOutcome } from '../../application/use-cases/record-transcode.js';

/**
 * The "video job" log entry (ProcessVideo): the job, its outcome, why it was
 * skipped or failed, the plan it submitted, and how long it took.
 *
 * @example
 * log({ level: 'info', msg: 'video job', ...videoJobEntry(job, outcome, ms) });
 */
export function videoJobEntry(
  job: ThumbnailJob,
  outcome: VideoJobOutcome,
  durationMs: number,
): Record<string, unknown> {
  return {
    ...job,
    outcome: outcome.kind,
    ...(outcome.kind === 'skipped' ? { reason: outcome.reason } : {}),
    ...(outcome.kind === 'failed' ? { failure: outcome.photo.failure } : {}),
    ...(outcome.kind === 'submitted' ? { plan: outcome.photo.video?.plan } : {}),
    durationMs: Math.round(durationMs),
  };
}

/**
 * The "transcode completion" log entry (RecordTranscode): the completion's
 * item and status, the transcoder's reason when it failed, what was recorded,
 * and how long recording it took.
 *
 * @example
 * log({ level: 'info', msg: 'transcode completion', ...transcodeEntry(completion, outcome, ms) });
 */
export function transcodeEntry(
  completion: VideoTranscodeCompletion,
  outcome: TranscodeOutcome,
  durationMs: number,
): Record<string, unknown> {
  return {
    ownerId: completion.ownerId,
    photoId: completion.photoId,
    status: completion.status,
    ...(completion.status === 'failed' ? { reason: completion.reason, permanent: completion.permanent } : {}),
    outcome: outcome.kind,
    ...(outcome.kind === 'skipped' ? { skipped: outcome.reason } : {}),
    ...(outcome.kind === 'failed' ? { failure: outcome.photo.failure } : {}),
    ...(outcome.kind === 'resubmitted' ? { attempt: outcome.photo.video?.attempts } : {}),
    durationMs: Math.round(durationMs),
  };
}
